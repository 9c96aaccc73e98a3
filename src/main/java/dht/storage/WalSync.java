package dht.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;

/**
 * When an acknowledged write has reached the disk itself, not only the operating system: the
 * {@code --fsync} and {@code --fsync-interval-ms} modes.
 *
 * <p>Design (group commit). Writes go to the WAL unsynced; after its write returns, a caller asks
 * {@link #afterWrite()}, and in {@link Mode#GROUP} the future completes once a sync that
 * <em>started after that call</em> has finished, so the sync covers the write. One thread does
 * every sync: it takes every write waiting, syncs once, completes their futures, and starts over
 * with the writes that arrived meanwhile. Concurrent writes therefore share one sync per batch,
 * and under load the batch grows to whatever arrives during one sync. No other thread ever waits
 * on the disk: the futures complete on the sync thread.
 *
 * <p>Guarantees. In {@code GROUP}, a completed future means its write survives a power loss; a
 * failed sync fails every future of its batch, and none of them is acknowledged. In
 * {@code PERIODIC}, the future completes at once and the WAL is synced every interval: a power
 * loss can take the acknowledged writes of the last interval. In {@code NONE} nothing is synced
 * by dht: a killed process loses nothing (the WAL is in the OS), a power loss takes what the OS
 * had not written back.
 */
public final class WalSync implements AutoCloseable {
    /** How acknowledged writes are made durable. */
    public enum Mode { NONE, GROUP, PERIODIC }

    private static final System.Logger LOG = System.getLogger(WalSync.class.getName());
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    // fixed after construction
    private final Store store;
    private final Mode mode;
    private final long intervalMillis;
    private final Thread syncer;

    // guarded by lock
    private final Object lock = new Object();
    private List<CompletableFuture<Void>> waiting = new ArrayList<>();
    private boolean closed;

    // any thread
    private final LongAdder syncs = new LongAdder();
    private final LongAdder syncedWrites = new LongAdder();
    private final LongAdder failedSyncs = new LongAdder();

    /**
     * @param intervalMillis the period of {@link Mode#PERIODIC}; unused otherwise
     */
    public WalSync(Store store, Mode mode, long intervalMillis) {
        this.store = store;
        this.mode = mode;
        this.intervalMillis = intervalMillis;
        this.syncer = mode == Mode.NONE ? null : new Thread(mode == Mode.GROUP ? this::syncBatches : this::syncPeriodically,
                "wal sync");
        if (syncer != null) {
            syncer.setDaemon(true);
            syncer.start();
        }
    }

    /**
     * Call after a write to the store returned: the future completes when the write is as durable
     * as the mode makes it, and fails with a {@link StorageException} when its sync failed.
     */
    public CompletableFuture<Void> afterWrite() {
        if (mode != Mode.GROUP) {
            return DONE;
        }
        CompletableFuture<Void> durable = new CompletableFuture<>();
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(new StorageException("the store is closing", null));
            }
            waiting.add(durable);
            if (waiting.size() == 1) {
                lock.notifyAll();
            }
        }
        return durable;
    }

    private void syncBatches() {
        while (true) {
            List<CompletableFuture<Void>> batch;
            synchronized (lock) {
                while (waiting.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
                if (waiting.isEmpty()) {
                    return; // closed, and every write before the close is synced
                }
                batch = waiting;
                waiting = new ArrayList<>();
            }
            StorageException failure = sync();
            if (failure == null) {
                syncedWrites.add(batch.size()); // counted before any of them is acknowledged
            }
            for (CompletableFuture<Void> write : batch) {
                if (failure == null) {
                    write.complete(null);
                } else {
                    write.completeExceptionally(failure);
                }
            }
        }
    }

    private void syncPeriodically() {
        while (true) {
            synchronized (lock) {
                long until = System.currentTimeMillis() + intervalMillis;
                for (long left = intervalMillis; left > 0 && !closed; left = until - System.currentTimeMillis()) {
                    try {
                        lock.wait(left);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        closed = true;
                    }
                }
            }
            sync(); // a last one after the close, for the writes of the final interval
            synchronized (lock) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private StorageException sync() {
        try {
            store.syncWal();
            syncs.increment();
            return null;
        } catch (StorageException e) {
            failedSyncs.increment();
            LOG.log(System.Logger.Level.ERROR, e.getMessage(), e);
            return e;
        }
    }

    public Mode mode() {
        return mode;
    }

    /** WAL syncs done since start. */
    public long syncs() {
        return syncs.sum();
    }

    /** Writes whose acknowledgement waited for a sync that succeeded, since start. */
    public long syncedWrites() {
        return syncedWrites.sum();
    }

    /** Syncs that failed since start. */
    public long failedSyncs() {
        return failedSyncs.sum();
    }

    /** Syncs what is waiting, then stops; call before the store closes. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        if (syncer != null) {
            try {
                syncer.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
