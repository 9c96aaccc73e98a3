package dht.coordinator;

import dht.cluster.Threads;
import dht.storage.HintLog;
import dht.storage.Record;
import dht.storage.RecordCodec;
import dht.storage.StorageException;
import dht.storage.WalSync;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hinted handoff: a write that a replica missed is kept on the coordinator and delivered when the
 * replica answers again.
 *
 * <p>Design. A hint is the missed record under the key {@code target URL, 0x00, version, key} in
 * its own column family, so it survives a restart, one target's hints are one prefix scan, and
 * each delivered hint is deleted exactly. One background thread visits every replica with hints
 * every {@link #DELIVERY_INTERVAL_MILLIS}: it sends them oldest first and stops at the first
 * failure. A replica marked down is passed over: the failure detector finds it back, and the
 * round after that delivers.
 *
 * <p>Guarantees. A hint never counts towards {@code ack}: it is written after the replica failed,
 * whatever the client is told. Replicas keep the newest version whatever order records arrive
 * in, so a late or repeated delivery is harmless.
 *
 * <p>Bounds. Hints older than the window (by their version's clock time) are dropped, not
 * delivered: past it, read repair has to bring the replica up to date, and the tombstone grace
 * period is longer than the window so a dropped delete cannot resurrect data. New hints are
 * refused once the stored ones reach the size limit. When a membership change ends, the hints of
 * targets no longer in the cluster (a member that left or was removed, a joiner called off) are
 * deleted: nobody will deliver them, and they would hold room that live targets need.
 */
public final class Hints implements AutoCloseable {
    static final long DELIVERY_INTERVAL_MILLIS = 500;
    private static final System.Logger LOG = System.getLogger(Hints.class.getName());
    private static final int BATCH = 256;
    // A page of hints holds their values whole: 256 hints of 1 MiB values would take a 128 MiB heap.
    private static final long PAGE_BYTES = 1 << 20;

    // fixed after construction
    private final HintLog log;
    private final WalSync wal;
    private final Supplier<List<Replica>> targets;
    private final long windowMillis;
    private final long maxBytes;
    private final LongSupplier wallMillis;
    private final ScheduledExecutorService deliverer =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("hint delivery"));

    // any thread
    private final AtomicLong storedBytes = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param wal the store's WAL syncs, which cover hints as they cover records
     * @param targets the replicas hints are delivered to: every member but this node, as the members are now
     * @param wallMillis the clock that versions are stamped by
     */
    public Hints(HintLog log, WalSync wal, Supplier<List<Replica>> targets, long windowMillis, long maxBytes,
                 LongSupplier wallMillis) {
        this.log = log;
        this.wal = wal;
        this.targets = targets;
        this.windowMillis = windowMillis;
        this.maxBytes = maxBytes;
        this.wallMillis = wallMillis;
        storedBytes.set(countBytes(new byte[0]));
    }

    public void start() {
        deliverer.scheduleWithFixedDelay(this::deliverAll, DELIVERY_INTERVAL_MILLIS, DELIVERY_INTERVAL_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** Keeps the record for the replica, unless the hints already fill their size limit. */
    void add(Replica replica, byte[] key, Record record) {
        byte[] hintKey = hintKey(replica, record.version(), key);
        byte[] value = RecordCodec.encode(record);
        long size = hintKey.length + value.length;
        if (storedBytes.addAndGet(size) > maxBytes) {
            storedBytes.addAndGet(-size);
            // Once full, every write to a down peer lands here: log the first drop and every
            // thousandth, the status report counts them all.
            long drops = dropped.incrementAndGet();
            if (drops % 1000 == 1) {
                LOG.log(System.Logger.Level.WARNING, "hints are full ({0} bytes); {1} dropped so far, the latest for {2}",
                        maxBytes, drops, replica.url());
            }
            return;
        }
        try {
            log.addHint(hintKey, value);
            wal.afterWrite(); // no one waits for a hint: the next sync covers it
        } catch (StorageException e) {
            storedBytes.addAndGet(-size);
            LOG.log(System.Logger.Level.ERROR, e.getMessage(), e);
        }
    }

    /** Deletes, on the delivery thread, the hints of every target whose URL is not among {@code urls}. */
    public void retain(Set<String> urls) {
        deliverer.execute(() -> dropAllBut(urls));
    }

    /** Deletes the hints of every target not among {@code urls}, with one seek past each target kept. */
    long dropAllBut(Set<String> urls) {
        byte[] everything = new byte[0];
        byte[] start = everything;
        long removed = 0;
        Set<String> gone = new TreeSet<>();
        for (List<HintLog.Hint> page = page(everything, start); !page.isEmpty(); page = page(everything, start)) {
            for (HintLog.Hint hint : page) {
                byte[] key = hint.key();
                int end = targetEnd(key);
                String url = new String(key, 0, end, StandardCharsets.UTF_8);
                if (urls.contains(url)) {
                    start = Arrays.copyOf(key, end + 1);
                    start[end] = 1; // after every key of this target, whose URL is followed by 0
                    break;
                }
                log.removeHint(key);
                storedBytes.addAndGet(-(key.length + hint.value().length));
                removed++;
                gone.add(url);
                start = Arrays.copyOf(key, key.length + 1);
            }
        }
        if (removed > 0) {
            LOG.log(System.Logger.Level.INFO, "dropped {0} hints for {1}, no longer in the cluster", removed, gone);
        }
        return removed;
    }

    private static int targetEnd(byte[] hintKey) {
        for (int i = 0; i < hintKey.length; i++) {
            if (hintKey[i] == 0) {
                return i;
            }
        }
        throw new IllegalStateException("a hint key without its target");
    }

    /** Bytes of hints stored now, keys included. */
    public long storedBytes() {
        return storedBytes.get();
    }

    /** Hints refused because the size limit was reached, since start. */
    public long dropped() {
        return dropped.get();
    }

    /** One delivery round: every target that is not marked down gets its oldest hints. */
    void deliverAll() {
        for (Replica target : targets.get()) {
            if (target.isDown()) {
                continue;
            }
            try {
                deliver(target);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "hint delivery to " + target.url() + " failed", e);
            }
        }
    }

    /** Delivers the target's hints oldest first, a page at a time, until none is left or one fails. */
    private void deliver(Replica target) {
        byte[] prefix = prefix(target);
        long oldestKept = wallMillis.getAsLong() - windowMillis;
        for (List<HintLog.Hint> page = page(prefix, prefix); !page.isEmpty(); page = page(prefix, prefix)) {
            for (HintLog.Hint hint : page) {
                Record record = RecordCodec.decode(hint.value());
                byte[] key = Arrays.copyOfRange(hint.key(), prefix.length + Long.BYTES, hint.key().length);
                if (HybridClock.millisOf(record.version()) >= oldestKept && !send(target, key, record)) {
                    return; // the replica is still away; try again next round
                }
                log.removeHint(hint.key());
                storedBytes.addAndGet(-(hint.key().length + hint.value().length));
            }
        }
    }

    private List<HintLog.Hint> page(byte[] prefix, byte[] start) {
        return log.hints(prefix, start, BATCH, PAGE_BYTES);
    }

    private boolean send(Replica target, byte[] key, Record record) {
        try {
            target.write(key, record).get();
            return true;
        } catch (ExecutionException e) {
            LOG.log(System.Logger.Level.DEBUG, "hint not delivered: {0}", e.getCause().getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The bytes of every hint whose key starts with the prefix. */
    private long countBytes(byte[] prefix) {
        long bytes = 0;
        byte[] start = prefix;
        for (List<HintLog.Hint> page = page(prefix, start); !page.isEmpty(); page = page(prefix, start)) {
            for (HintLog.Hint hint : page) {
                bytes += hint.key().length + hint.value().length;
            }
            byte[] last = page.get(page.size() - 1).key();
            start = Arrays.copyOf(last, last.length + 1); // the smallest key after the last one
        }
        return bytes;
    }

    private static byte[] prefix(Replica target) {
        byte[] url = target.url().getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(url, url.length + 1);
    }

    private static byte[] hintKey(Replica target, long version, byte[] key) {
        byte[] prefix = prefix(target);
        byte[] hintKey = Arrays.copyOf(prefix, prefix.length + Long.BYTES + key.length);
        for (int i = 0; i < Long.BYTES; i++) {
            hintKey[prefix.length + i] = (byte) (version >>> (56 - 8 * i));
        }
        System.arraycopy(key, 0, hintKey, prefix.length + Long.BYTES, key.length);
        return hintKey;
    }

    /** Stops delivery and waits for it, so that the store can be closed under no running call. */
    @Override
    public void close() {
        Threads.stopAndWait(deliverer);
    }
}
