package dht.storage;

import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.Env;
import org.rocksdb.IndexType;
import org.rocksdb.LRUCache;
import org.rocksdb.Priority;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@link Store} on RocksDB: LZ4-compressed blocks, bloom filters, a bounded off-heap cache.
 *
 * <p>A write reads the key's stored record and puts its own only when it is newer: with the
 * {@link RecordCodec} layout the larger encoding is the newer record, so a replica keeps the newest
 * version whatever order writes, repairs and hints arrive in. Writes were once merges under
 * RocksDB's {@code max} operator, which needs no read; but a merge operand never ends a lookup, so
 * every read then visited every memtable and every sorted run that held the key, and after a burst
 * of writes a read cost several block reads instead of one. A put ends the lookup at the newest
 * entry. The operator stays configured, so stores written with merges read as before. The read and
 * the put are two steps: callers serialize writes of one key ({@code LocalReplica} does). A write
 * newer than every version stored under the keys of its slot skips the read ({@link VersionCeiling}):
 * writes stamped by hybrid clocks arrive mostly in version order, so most skip it.
 *
 * <p>Every write goes to the WAL before it returns, so a killed process loses nothing it
 * answered. Writes never sync the WAL themselves: {@link #syncWal} does, once for many writes
 * (see {@link WalSync}). Memory outside the Java heap is bounded by the block cache (which also
 * holds index and filter blocks) plus {@link #MEMTABLES} memtables per column family.
 *
 * <p>Hints live in their own column family, so scans of the records never meet them, and so does
 * the node's own metadata ({@link MetaLog}), which is written synced.
 */
public final class RocksStore implements Store, HintLog, MetaLog {
    static final int MEMTABLES = 3;
    private static final int BLOOM_BITS_PER_KEY = 10;
    private static final double HIGH_PRIORITY_SHARE = 0.5;
    private static final long METADATA_BLOCK_BYTES = 4096;
    // A WAL file is kept until every column family with data in it is flushed; without a cap a
    // few hints would pin every WAL written since.
    private static final long MAX_WAL_BYTES = 64L << 20;
    private static final long SCAN_READAHEAD_BYTES = 2L << 20;
    // The version, flags and expiry, and the first value bytes: what decides which record is newer.
    private static final int COMPARED_HEAD_BYTES = 32;

    private static final byte[] HINTS = "hints".getBytes(StandardCharsets.UTF_8);
    private static final byte[] META = "meta".getBytes(StandardCharsets.UTF_8);

    private final LRUCache cache;
    private final BloomFilter bloom;
    private final DBOptions options;
    private final ColumnFamilyOptions familyOptions;
    private final WriteOptions writeOptions;
    private final WriteOptions syncedWrites = new WriteOptions().setSync(true);
    private final RocksDB db;
    private final List<ColumnFamilyHandle> families;
    private final ColumnFamilyHandle hints;
    private final ColumnFamilyHandle meta;
    private final VersionCeiling ceiling;
    private final Object compaction = new Object();
    private volatile CompactRangeOptions compacting;
    private boolean closed; // guarded by compaction

    private RocksStore(LRUCache cache, BloomFilter bloom, DBOptions options, ColumnFamilyOptions familyOptions,
                       WriteOptions writeOptions, RocksDB db, List<ColumnFamilyHandle> families) {
        this.cache = cache;
        this.bloom = bloom;
        this.options = options;
        this.familyOptions = familyOptions;
        this.writeOptions = writeOptions;
        this.db = db;
        this.families = families;
        this.hints = families.get(1);
        this.meta = families.get(2);
        this.ceiling = new VersionCeiling(savedCeiling(), isEmpty(), this::saveCeiling);
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
        RocksLibrary.load(dir);
        // Compactions run in bursts of seconds of CPU; at low priority they take the cores only
        // when requests leave them idle. Flushes (the high-priority pool) keep normal priority,
        // since writes wait for them.
        Env.getDefault().lowerThreadPoolCPUPriority(Priority.LOW);
        // Index and filter blocks share the cache with data but sit in its high-priority half, and
        // are partitioned: a read loads a few KiB of them, not a whole file's megabytes, which
        // uniform reads over a larger-than-cache store would otherwise evict and reload each time.
        LRUCache cache = new LRUCache(settings.blockCacheBytes(), -1, false, HIGH_PRIORITY_SHARE);
        BloomFilter bloom = new BloomFilter(BLOOM_BITS_PER_KEY, false);
        BlockBasedTableConfig table = new BlockBasedTableConfig()
                .setBlockCache(cache)
                .setFilterPolicy(bloom)
                .setIndexType(IndexType.kTwoLevelIndexSearch)
                .setPartitionFilters(true)
                .setMetadataBlockSize(METADATA_BLOCK_BYTES)
                .setCacheIndexAndFilterBlocks(true)
                .setCacheIndexAndFilterBlocksWithHighPriority(true)
                .setPinTopLevelIndexAndFilter(true)
                .setPinL0FilterAndIndexBlocksInCache(true);
        ColumnFamilyOptions familyOptions = new ColumnFamilyOptions()
                .setMergeOperatorName("max")
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setTableFormatConfig(table)
                .setWriteBufferSize(settings.memtableBytes())
                .setMaxWriteBufferNumber(MEMTABLES)
                .setLevelCompactionDynamicLevelBytes(true);
        DBOptions options = new DBOptions()
                .setCreateIfMissing(true)
                .setCreateMissingColumnFamilies(true)
                .setMaxTotalWalSize(MAX_WAL_BYTES)
                .setMaxBackgroundJobs(2);
        WriteOptions writeOptions = new WriteOptions();
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, familyOptions),
                new ColumnFamilyDescriptor(HINTS, familyOptions),
                new ColumnFamilyDescriptor(META, familyOptions));
        List<ColumnFamilyHandle> families = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(options, dir.toString(), descriptors, families);
            return new RocksStore(cache, bloom, options, familyOptions, writeOptions, db, families);
        } catch (RocksDBException e) {
            writeOptions.close();
            options.close();
            familyOptions.close();
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
        byte[] encoded = RecordCodec.encode(record);
        try {
            int slot = VersionCeiling.slot(key);
            if (ceiling.isNewest(slot, record.version()) || newerThanStored(key, encoded)) {
                ceiling.beforeStore(slot, record.version());
                db.put(writeOptions, key, encoded);
            }
        } catch (RocksDBException e) {
            throw new StorageException("cannot write key " + Keys.describe(key) + ": " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code encoded} sorts after the key's stored record. Reads only the stored record's
     * head, where the version decides almost every comparison, so a write over a large value copies
     * no more than that out of RocksDB; only a head equal to the new record's reads the rest.
     */
    private boolean newerThanStored(byte[] key, byte[] encoded) throws RocksDBException {
        byte[] head = new byte[COMPARED_HEAD_BYTES];
        int storedLength = db.get(key, head);
        if (storedLength == RocksDB.NOT_FOUND) {
            return true;
        }
        if (storedLength <= head.length) {
            return Arrays.compareUnsigned(head, 0, storedLength, encoded, 0, encoded.length) < 0;
        }
        int shared = Math.min(head.length, encoded.length);
        int compared = Arrays.compareUnsigned(head, 0, shared, encoded, 0, shared);
        if (compared != 0) {
            return compared < 0;
        }
        byte[] stored = db.get(key);
        return stored == null || Arrays.compareUnsigned(stored, encoded) < 0;
    }

    private Long savedCeiling() {
        byte[] saved = meta(VersionCeiling.NAME);
        return saved == null ? null : ByteBuffer.wrap(saved).getLong();
    }

    /**
     * Synced, once a minute at most: a record past the ceiling may reach a table file, which a
     * flush syncs, while the log that holds the ceiling is still unsynced.
     */
    private void saveCeiling(long version) {
        putMeta(VersionCeiling.NAME, ByteBuffer.allocate(Long.BYTES).putLong(version).array());
    }

    private boolean isEmpty() {
        try (RocksIterator it = db.newIterator()) {
            it.seekToFirst();
            return !it.isValid();
        }
    }

    @Override
    public void delete(byte[] key) {
        try {
            db.delete(writeOptions, key);
        } catch (RocksDBException e) {
            throw new StorageException("cannot delete key " + Keys.describe(key) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public RecordCursor range(byte[] start, byte[] end) {
        // A scan reads each block once: keep it from evicting the blocks that point reads use, and
        // read ahead, or each 4 KiB block costs a system call of its own (measured: a tenth of
        // an anti-entropy scan's CPU time was in pread).
        ReadOptions options = new ReadOptions().setFillCache(false).setReadaheadSize(SCAN_READAHEAD_BYTES);
        return new RocksCursor(db.newIterator(options), options, start, end);
    }

    @Override
    public void addHint(byte[] hintKey, byte[] value) {
        try {
            db.put(hints, writeOptions, hintKey, value);
        } catch (RocksDBException e) {
            throw new StorageException("cannot store a hint: " + e.getMessage(), e);
        }
    }

    @Override
    public List<Hint> hints(byte[] prefix, byte[] start, int limit, long maxBytes) {
        List<Hint> found = new ArrayList<>();
        long bytes = 0;
        try (RocksIterator it = db.newIterator(hints)) {
            for (it.seek(start); it.isValid() && found.size() < limit; it.next()) {
                byte[] key = it.key();
                if (key.length < prefix.length || !Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                    break;
                }
                byte[] value = it.value();
                bytes += value.length;
                if (!found.isEmpty() && bytes > maxBytes) {
                    break;
                }
                found.add(new Hint(key, value));
            }
        }
        return found;
    }

    @Override
    public void removeHint(byte[] hintKey) {
        try {
            db.delete(hints, writeOptions, hintKey);
        } catch (RocksDBException e) {
            throw new StorageException("cannot remove a hint: " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] meta(String name) {
        try {
            return db.get(meta, name.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new StorageException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void putMeta(String name, byte[] value) {
        try {
            db.put(meta, syncedWrites, name.getBytes(StandardCharsets.UTF_8), value);
        } catch (RocksDBException e) {
            throw new StorageException("cannot store " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void deleteMeta(String name) {
        try {
            db.delete(meta, syncedWrites, name.getBytes(StandardCharsets.UTF_8));
        } catch (RocksDBException e) {
            throw new StorageException("cannot delete " + name + ": " + e.getMessage(), e);
        }
    }

    /** Compacts the records; {@link #close} cancels a compaction under way and waits for it to return. */
    @Override
    public void compact() {
        synchronized (compaction) {
            if (closed) {
                return;
            }
            CompactRangeOptions options = new CompactRangeOptions();
            compacting = options;
            try {
                db.compactRange(db.getDefaultColumnFamily(), null, null, options);
            } catch (RocksDBException e) {
                if (!options.canceled()) {
                    throw new StorageException("cannot compact: " + e.getMessage(), e);
                }
            } finally {
                compacting = null;
                options.close();
            }
        }
    }

    @Override
    public void syncWal() {
        try {
            db.syncWal();
        } catch (RocksDBException e) {
            throw new StorageException("cannot sync the WAL: " + e.getMessage(), e);
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

    /** Bytes in the data's memtables, the active one and those waiting to be flushed. */
    public long memtableBytes() {
        return longProperty("rocksdb.cur-size-all-mem-tables");
    }

    /** RocksDB's estimate of the bytes compaction must rewrite to bring every level within its target. */
    public long pendingCompactionBytes() {
        return longProperty("rocksdb.estimate-pending-compaction-bytes");
    }

    public long runningCompactions() {
        return longProperty("rocksdb.num-running-compactions");
    }

    @Override
    public void close() {
        CompactRangeOptions running = compacting;
        if (running != null) {
            running.setCanceled(true);
        }
        synchronized (compaction) {
            closed = true;
        }
        db.cancelAllBackgroundWork(true);
        families.forEach(ColumnFamilyHandle::close);
        db.close();
        writeOptions.close();
        syncedWrites.close();
        options.close();
        familyOptions.close();
        bloom.close();
        cache.close();
    }
}
