package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.StorageException;
import dht.storage.Store;
import dht.storage.WalSync;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * This node in its role as a replica: the same path for a coordinator writing to itself and for a
 * peer's internal call. Every version it stores moves the node's clock past it. Calls run on the
 * caller's thread; a write's future completes when the {@link WalSync} mode counts it as
 * durable, which under group commit is on the sync thread. A storage fault is logged here, once,
 * and fails the future.
 *
 * <p>The store keeps the newest record by comparing a write with the stored one where it cannot
 * tell the write is newer, so writes of one key take turns, on a striped lock: writes of different
 * keys rarely meet. The tombstone purge, which must check and delete a key with no write in
 * between, takes the same lock.
 */
public final class LocalReplica implements Replica {
    private static final System.Logger LOG = System.getLogger(LocalReplica.class.getName());
    private static final int STRIPES = 1024;

    // fixed after construction
    private final String url;
    private final Store store;
    private final HybridClock clock;
    private final WalSync wal;
    private final Lock[] stripes = new Lock[STRIPES];

    /** @param wal when a write counts as done: at once, or once a WAL sync covers it */
    public LocalReplica(String url, Store store, HybridClock clock, WalSync wal) {
        this.url = url;
        this.wal = wal;
        this.store = store;
        this.clock = clock;
        for (int i = 0; i < STRIPES; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    @Override
    public String url() {
        return url;
    }

    @Override
    public CompletableFuture<Record> read(byte[] key) {
        try {
            return CompletableFuture.completedFuture(store.get(key));
        } catch (StorageException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<RecordCursor> range(byte[] start, byte[] end) {
        try {
            return CompletableFuture.completedFuture(store.range(start, end));
        } catch (StorageException e) {
            return failed(e);
        }
    }

    @Override
    public CompletableFuture<Void> write(byte[] key, Record record) {
        clock.observe(record.version());
        Lock stripe = stripe(key);
        stripe.lock();
        try {
            store.put(key, record);
        } catch (StorageException e) {
            return failed(e);
        } finally {
            stripe.unlock();
        }
        return wal.afterWrite();
    }

    private static <T> CompletableFuture<T> failed(StorageException e) {
        LOG.log(System.Logger.Level.ERROR, e.getMessage(), e);
        return CompletableFuture.failedFuture(e);
    }

    @Override
    public boolean isLocal() {
        return true;
    }

    @Override
    public boolean isDown() {
        return false;
    }

    /** Deletes the key if it still holds exactly this record; false if a write came since. */
    boolean purge(byte[] key, Record record) {
        Lock stripe = stripe(key);
        stripe.lock();
        try {
            if (!record.equals(store.get(key))) {
                return false;
            }
            store.delete(key);
            return true;
        } finally {
            stripe.unlock();
        }
    }

    private Lock stripe(byte[] key) {
        return stripes[Arrays.hashCode(key) & (STRIPES - 1)];
    }
}
