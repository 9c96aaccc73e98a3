package dht.storage;

import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

import java.util.Arrays;

/**
 * A {@link RecordCursor} over a RocksDB iterator, which reads from an implicit snapshot. Not
 * thread-safe, and it must be closed before the database.
 */
final class RocksCursor implements RecordCursor {
    private final RocksIterator iterator;
    private final ReadOptions options;
    private final byte[] end;
    private boolean started;
    private byte[] key;
    private Record record;

    RocksCursor(RocksIterator iterator, ReadOptions options, byte[] start, byte[] end) {
        this.iterator = iterator;
        this.options = options;
        this.end = end;
        iterator.seek(start);
    }

    @Override
    public boolean next() {
        if (started) {
            iterator.next();
        }
        started = true;
        if (!iterator.isValid()) {
            checkStatus();
            return false;
        }
        key = iterator.key();
        if (end != null && Arrays.compareUnsigned(key, end) >= 0) {
            return false;
        }
        try {
            record = RecordCodec.decode(iterator.value());
        } catch (IllegalArgumentException e) {
            throw new StorageException("cannot read key " + Keys.describe(key) + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** An iterator also stops on a read error; that must not pass for the end of the range. */
    private void checkStatus() {
        try {
            iterator.status();
        } catch (RocksDBException e) {
            throw new StorageException("range read failed: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public Record record() {
        return record;
    }

    @Override
    public void close() {
        iterator.close();
        options.close();
    }
}
