package dht.coordinator;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * When a read calls its spare replicas: a read asks only {@code ack} of its replicas, this node
 * first, and holds the others back as spares; a reply that fails calls them in at once (see
 * {@link Quorum}), and a read still undecided after the delay calls them in too (Cassandra's
 * speculative retry). A GET with the defaults then costs one peer call and two disk reads in the
 * cluster instead of two and three, and a replica that is slow or silent costs a read the delay,
 * never a failure.
 *
 * <p>Design. Every read waits the same delay, so the reads in the order they were watched are in
 * the order they fall due: a FIFO queue, swept from the head every few milliseconds by whoever
 * calls {@link #sweep} (the peer loop's tick), needs no timer per read. A read that ends clears
 * its entry, so the queue holds no answer once it is sent. A delay of 0 calls every replica at
 * once, as a read did before spares: read repair then compares all of them.
 *
 * <p>Not guaranteed: the spares are called within a sweep's period after the delay, not on it;
 * and a spare that a read never called is not repaired by it (hints and anti-entropy are).
 */
public final class SpeculativeReads {
    // fixed after construction
    private final long delayNanos;
    private final LongSupplier nanoClock;

    // any thread
    private final Queue<Due> due = new ConcurrentLinkedQueue<>();
    private final AtomicLong fired = new AtomicLong();

    /** @param delayMillis how long a read waits before calling its spares; 0 holds none back */
    public SpeculativeReads(long delayMillis, LongSupplier nanoClock) {
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        this.nanoClock = nanoClock;
    }

    /** Whether reads hold spares back at all. */
    boolean enabled() {
        return delayNanos > 0;
    }

    /** Starts the delay of a read that holds spares back; the read clears the entry as it ends. */
    Due watch(FanOut read) {
        Due entry = new Due(nanoClock.getAsLong() + delayNanos, read);
        due.add(entry);
        return entry;
    }

    /** Calls in the spares of every read past its delay and still undecided; any thread. */
    public void sweep(long nowNanos) {
        for (Due head = due.peek(); head != null && nowNanos - head.atNanos >= 0; head = due.peek()) {
            due.poll();
            FanOut read = head.read;
            if (read != null && read.speculate()) {
                fired.incrementAndGet();
            }
        }
    }

    /** Reads that called their spares because the delay passed, since the node started. */
    public long fired() {
        return fired.get();
    }

    /** One read's place in the queue. */
    static final class Due {
        final long atNanos;
        volatile FanOut read;

        private Due(long atNanos, FanOut read) {
            this.atNanos = atNanos;
            this.read = read;
        }

        void clear() {
            read = null;
        }
    }
}
