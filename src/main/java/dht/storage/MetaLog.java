package dht.storage;

/**
 * A node's own small durable entries, kept apart from the records: its membership and the
 * progress of the handoffs it takes part in. A write is on the disk itself when it returns.
 */
public interface MetaLog {

    /** The entry's bytes, or null when there is none. */
    byte[] meta(String name);

    /** Stores the entry and syncs it to the disk. */
    void putMeta(String name, byte[] value);

    void deleteMeta(String name);
}
