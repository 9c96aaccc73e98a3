package dht.coordinator;

import dht.cluster.Ring;
import dht.cluster.Threads;
import dht.storage.MetaLog;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.LongAdder;

/**
 * After a membership change, deletes the records of the arcs this node no longer replicates, so
 * its disk use drops to its new share.
 *
 * <p>Design. One background scan of the store, throttled to {@code --stream-mb-per-s}, deletes
 * each record whose key this node replicates in neither ring of the placement of that moment (a
 * change that began meanwhile keeps what it needs), and only if the record is still the one read
 * (the same check as the tombstone purge), then compacts the store to give the space back. A
 * pending cleanup is noted in the meta log, so one that a stop broke off runs again at the next
 * start. A node that left the cluster keeps its data: it may be stopped and its directory removed.
 * Records that requests with {@code from} above the replication factor put on further members are
 * deleted too; only the first {@code replicas} of a key's preference list keep it.
 */
public final class Cleanup implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Cleanup.class.getName());
    private static final String KEY = "cleanup";
    private static final byte[] FIRST_KEY = new byte[0];

    // fixed after construction
    private final Store store;
    private final MetaLog log;
    private final LocalReplica local;
    private final ClusterView view;
    private final String self;
    private final long bytesPerSecond;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.daemon("cleanup"));

    // any thread
    private final LongAdder deleted = new LongAdder();
    private final LongAdder deletedBytes = new LongAdder();
    private volatile boolean running;

    public Cleanup(Store store, MetaLog log, LocalReplica local, ClusterView view, String self, long bytesPerSecond) {
        this.store = store;
        this.log = log;
        this.local = local;
        this.view = view;
        this.self = self;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Notes a cleanup as pending and starts it. */
    public void schedule() {
        log.putMeta(KEY, Long.toString(view.epoch()).getBytes(StandardCharsets.UTF_8));
        thread.execute(this::run);
    }

    /** Starts the cleanup a stop broke off, if any. */
    public void resume() {
        if (log.meta(KEY) != null) {
            thread.execute(this::run);
        }
    }

    public boolean running() {
        return running;
    }

    /** Records deleted since start, and their bytes (keys and encoded records). */
    public long deleted() {
        return deleted.sum();
    }

    public long deletedBytes() {
        return deletedBytes.sum();
    }

    private void run() {
        if (log.meta(KEY) == null) {
            return; // a cleanup scheduled twice ran once
        }
        if (!view.placement().ring().members().contains(self)) {
            log.deleteMeta(KEY);
            return;
        }
        running = true;
        long before = deleted.sum();
        Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
        try (RecordCursor records = store.range(FIRST_KEY, null)) {
            while (records.next()) {
                byte[] key = records.key();
                Record record = records.record();
                long size = SharedRecords.sizeOf(key, record);
                throttle.pace(size);
                if (!replicates(view.placement(), key) && local.purge(key, record)) {
                    deleted.increment();
                    deletedBytes.add(size);
                }
            }
            store.compact();
            log.deleteMeta(KEY);
            LOG.log(System.Logger.Level.INFO, "cleanup after the membership change deleted {0} records",
                    deleted.sum() - before);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cleanup broke off; it runs again at the next start: {0}", e.getMessage());
        } finally {
            running = false;
        }
    }

    private boolean replicates(Placement placement, byte[] key) {
        return holds(placement.ring(), key, placement.replicationFactor())
                || placement.nextRing() != null && holds(placement.nextRing(), key, placement.replicationFactor());
    }

    private boolean holds(Ring ring, byte[] key, int replicas) {
        int me = ring.members().indexOf(self);
        for (int holder : ring.preferenceList(key, replicas)) {
            if (holder == me) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        Threads.stopAndWait(thread);
    }
}
