package dht.coordinator;

import dht.cluster.Threads;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Removes tombstones, and values whose TTL expired, once no replica can bring back what they
 * deleted, so deleted and expired keys do not cost disk forever.
 *
 * <p>A tombstone must outlive every way an older value can come back: hints, bounded by the hint
 * window (which the grace period exceeds), and any replica that missed the delete. So a tombstone
 * is purged only when it is older than the grace period and an anti-entropy pass over its range
 * with each of its other replicas completed that began after the tombstone could last have
 * arrived here: its version's time plus the hint window. Such a pass left the other replica
 * holding the tombstone or something newer. A replica that stays away therefore keeps the
 * tombstones of its ranges alive on the others; they are counted, not purged. The sweep walks the
 * whole local store every half grace period (at least every second, at most every hour) and
 * deletes a tombstone only if no write replaced it meanwhile.
 *
 * <p>An expired value is a tombstone from its expiry on: it is purged by the same rule with its
 * expiry in place of the tombstone's time. The expiry is later than the write, so a pass that began
 * after it also began after the write could last have arrived.
 */
public final class TombstonePurge implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(TombstonePurge.class.getName());
    private static final byte[] FIRST_KEY = new byte[0];

    /** Whether the key's other replicas were all repaired with this node since a moment. */
    public interface Gate {
        boolean repairedSince(byte[] key, long millis);
    }

    private final Store store;
    private final LocalReplica local;
    private final long graceMillis;
    private final long hintWindowMillis;
    private final Gate gate;
    private final LongSupplier wallMillis;
    private final ScheduledExecutorService sweeper =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("tombstone purge"));
    private final LongAdder purged = new LongAdder();
    private volatile long awaitingRepair;

    public TombstonePurge(Store store, LocalReplica local, long graceMillis, long hintWindowMillis, Gate gate,
                          LongSupplier wallMillis) {
        this.store = store;
        this.local = local;
        this.graceMillis = graceMillis;
        this.hintWindowMillis = hintWindowMillis;
        this.gate = gate;
        this.wallMillis = wallMillis;
    }

    public void start() {
        long interval = Math.max(1000, Math.min(graceMillis / 2, TimeUnit.HOURS.toMillis(1)));
        sweeper.scheduleWithFixedDelay(this::sweepLogged, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Deletes the tombstones and expired values past the grace period whose other replicas were repaired since; returns how many. */
    int sweep() {
        long cutoff = wallMillis.getAsLong() - graceMillis;
        int swept = 0;
        long kept = 0;
        try (RecordCursor cursor = store.range(FIRST_KEY, null)) {
            while (!Thread.currentThread().isInterrupted() && cursor.next()) {
                Record record = cursor.record();
                long died = record.tombstone() ? HybridClock.millisOf(record.version()) : record.expiresAtMillis();
                if (died >= cutoff) {
                    continue;
                }
                if (!gate.repairedSince(cursor.key(), died + hintWindowMillis)) {
                    kept++;
                } else if (local.purge(cursor.key(), record)) {
                    swept++;
                }
            }
        }
        awaitingRepair = kept;
        purged.add(swept);
        return swept;
    }

    /** Tombstones and expired values past the grace period that the last sweep kept because a replica of theirs was not repaired since. */
    public long awaitingRepair() {
        return awaitingRepair;
    }

    public long purged() {
        return purged.sum();
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
