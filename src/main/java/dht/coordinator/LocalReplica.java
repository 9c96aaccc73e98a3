package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.Arrays;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * This node in its role as a replica: the same path for a coordinator writing to itself and for a
 * peer's internal call. Every version it stores moves the node's clock past it.
 *
 * <p>Writes never wait for each other: the store keeps the newest record by itself. They share a
 * striped lock only with the tombstone purge, which must check and delete a key with no write in
 * between; writers take the shared side, the purge the exclusive side of one stripe.
 */
public final class LocalReplica {
    private static final int STRIPES = 1024;

    private final Store store;
    private final HybridClock clock;
    private final ReadWriteLock[] stripes = new ReadWriteLock[STRIPES];

    public LocalReplica(Store store, HybridClock clock) {
        this.store = store;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantReadWriteLock();
        }
    }

    public Record read(byte[] key) {
        return store.get(key);
    }

    /** This node's records in the range, tombstones included; see {@link Store#range}. */
    public RecordCursor range(byte[] start, byte[] end) {
        return store.range(start, end);
    }

    public void write(byte[] key, Record record) {
        clock.observe(record.version());
        Lock shared = stripe(key).readLock();
        shared.lock();
        try {
            store.put(key, record);
        } finally {
            shared.unlock();
        }
    }

    /** Deletes the key if it still holds exactly this tombstone; false if a write came since. */
    boolean purge(byte[] key, Record tombstone) {
        Lock exclusive = stripe(key).writeLock();
        exclusive.lock();
        try {
            Record now = store.get(key);
            if (now == null || !now.tombstone() || now.version() != tombstone.version()) {
                return false;
            }
            store.delete(key);
            return true;
        } finally {
            exclusive.unlock();
        }
    }

    private ReadWriteLock stripe(byte[] key) {
        return stripes[Arrays.hashCode(key) & (STRIPES - 1)];
    }
}
