package dht.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.CompressionType;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link Store} on RocksDB: LZ4-compressed blocks, bloom filters, a bounded off-heap cache.
 *
 * <p>Every write goes to the WAL before it is acknowledged, so a killed process loses nothing it
 * answered; with {@code fsync} the WAL is also synced, which survives power loss at the cost of
 * a disk flush per write. Memory outside the Java heap is bounded by the block cache (which also
 * holds index and filter blocks) plus {@link #MEMTABLES} memtables.
 */
public final class RocksStore implements Store {
    static final int MEMTABLES = 3;
    private static final int BLOOM_BITS_PER_KEY = 10;

    static {
        RocksDB.loadLibrary();
    }

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;

    private RocksStore(LRUCache cache, BloomFilter bloom, Options options, WriteOptions writeOptions,
                       RocksDB db) {
        this.cache = cache;
        this.bloom = bloom;
        this.options = options;
        this.writeOptions = writeOptions;
        this.db = db;
    }

    /** Opens or creates the database; a directory that cannot be used fails with a one-line reason. */
    public static RocksStore open(StoreSettings settings) {
        Path dir = settings.dir().toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StorageException("cannot create data directory " + dir + ": " + e, e);
        }
        if (!Files.isWritable(dir)) {
            throw new StorageException("data directory " + dir + " is not writable", null);
        }
        LRUCache cache = new LRUCache(settings.blockCacheBytes());
        BloomFilter bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setCacheIndexAndFilterBlocks(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        Options options = new Options()
                .setCreateIfMissing(true)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table)
                .setWriteBufferSize(settings.memtableBytes())
                .setMaxWriteBufferNumber(MEMTABLES)
                .setMaxBackgroundJobs(2)
                .setLevelCompactionDynamicLevelBytes(true);
        WriteOptions writeOptions = new WriteOptions().setSync(settings.fsync());
        try {
            RocksDB db = RocksDB.open(options, dir.toString());
            return new RocksStore(cache, bloom, options, writeOptions, db);
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            bloom.close();
            cache.close();
            throw new StorageException("cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Record get(byte[] key) {
        try {
            byte[] bytes = db.get(key);
            return bytes == null ? null : RecordCodec.decode(bytes);
        } catch (RocksDBException | IllegalArgumentException e) {
            throw new StorageException("cannot read key " + Keys.describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void put(byte[] key, Record record) {
        try {
            db.put(writeOptions, key, RecordCodec.encode(record));
        } catch (RocksDBException e) {
            throw new StorageException("cannot write key " + Keys.describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long estimatedKeys() {
        return longProperty("rocksdb.estimate-num-keys");
    }

    private long longProperty(String name) {
        try {
            return db.getLongProperty(name);
        } catch (RocksDBException e) {
            throw new StorageException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long diskBytes() {
        return longProperty("rocksdb.total-sst-files-size");
    }

    @Override
    public void close() {
        db.cancelAllBackgroundWork(true);
        db.close();
        writeOptions.close();
        options.close();
        bloom.close();
        cache.close();
    }
}
