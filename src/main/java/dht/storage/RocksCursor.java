package dht.storage;

import org.rocksdb.RocksIterator;

import java.util.Arrays;

/** A {@link RecordCursor} over a RocksDB iterator, which reads from an implicit snapshot. */
final class RocksCursor implements RecordCursor {
    private final RocksIterator iterator;
    private final byte[] end;
    private boolean started;
    private byte[] key;
    private Record record;

    RocksCursor(RocksIterator iterator, byte[] start, byte[] end) {
        this.iterator = iterator;
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
    }
}
