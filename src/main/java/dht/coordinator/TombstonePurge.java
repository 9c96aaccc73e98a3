package dht.coordinator;

import dht.cluster.Threads;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Removes tombstones older than the grace period, so deleted keys do not cost disk forever.
 *
 * <p>A tombstone must outlive every way an older value can come back: hints (bounded by the hint
 * window, which the grace period exceeds) and read repair from a replica that missed the delete.
 * A replica that stays away longer than the grace period can bring a deleted value back. The
 * sweep walks the whole local store every half grace period (at least every second, at most
 * every hour) and deletes a tombstone only if no write replaced it meanwhile.
 */
public final class TombstonePurge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TombstonePurge.class.getName());
    private static final byte[] FIRST_KEY = new byte[0];

    private final Store store;
    private final LocalReplica local;
    private final long graceMillis;
    private final LongSupplier wallMillis;
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("tombstone purge"));

    public TombstonePurge(Store store, LocalReplica local, long graceMillis, LongSupplier wallMillis) {
        this.store = store;
        this.local = local;
        this.graceMillis = graceMillis;
        this.wallMillis = wallMillis;
    }

    public void start() {
        long interval = Math.max(1000, Math.min(graceMillis / 2, TimeUnit.HOURS.toMillis(1)));
        sweeper.scheduleWithFixedDelay(this::sweepLogged, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Deletes the tombstones older than the grace period; returns how many. */
    int sweep() {
        long cutoff = wallMillis.getAsLong() - graceMillis;
        int purged = 0;
        try (RecordCursor cursor = store.range(FIRST_KEY, null)) {
            while (!Thread.currentThread().isInterrupted() && cursor.next()) {
                Record record = cursor.record();
                if (record.tombstone() && HybridClock.millisOf(record.version()) < cutoff
                        && local.purge(cursor.key(), record)) {
                    purged++;
                }
            }
        }
        return purged;
    }

    private void sweepLogged() {
        try {
            int purged = sweep();
            LOG.log(System.Logger.Level.DEBUG, "purged {0} tombstones", purged);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "tombstone purge failed", e);
        }
    }

    /** Stops sweeping and waits for a sweep in progress, so the store can be closed under none. */
    @Override
    public void close() {
        Threads.stopAndWait(sweeper);
    }
}
