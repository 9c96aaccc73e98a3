package dht.storage;

/**
 * A node's local key-value storage: records by key, in a write-ahead log once a call returns (a
 * killed process loses none), on the disk itself after {@link #syncWal}.
 */
public interface Store extends AutoCloseable {

    /** The record under the key, a tombstone included, or null when the key was never written. */
    Record get(byte[] key);

    /**
     * Stores the record unless the key already holds a newer one (last writer wins). Two puts of
     * one key must not run at once: callers serialize them.
     */
    void put(byte[] key, Record record);

    /** Removes the key outright; only for purging tombstones, never for a client's delete. */
    void delete(byte[] key);

    /** The records from {@code start} (inclusive) to {@code end} (exclusive; null: to the last key). */
    RecordCursor range(byte[] start, byte[] end);

    /**
     * Syncs the write-ahead log: every write that returned before this call then survives a power
     * loss. Writes themselves reach the log, not the disk; see {@link WalSync}.
     */
    void syncWal();

    /** RocksDB's own estimate, which counts tombstones and overwritten keys until compaction. */
    long estimatedKeys();

    /** The size of the table files on disk; the WAL, bounded by the memtables, is not counted. */
    long diskBytes();

    /** Rewrites the stored data so that the space of deleted keys is given back to the disk; takes long on a large store. */
    void compact();

    @Override
    void close();
}
