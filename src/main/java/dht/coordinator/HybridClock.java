package dht.coordinator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: versions are wall-clock milliseconds shifted left by 16 bits plus a
 * counter, strictly increasing on this node. Seeing a newer version (from a peer's write) moves
 * the clock past it, so a write that causally follows another gets a larger version even when it
 * is stamped on a node whose wall clock lags or within the same millisecond.
 */
public final class HybridClock {
    private static final int COUNTER_BITS = 16;

    private final LongSupplier wallMillis;
    private final AtomicLong last = new AtomicLong();

    public HybridClock(LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
    }

    /** A version larger than every version this clock issued or observed. */
    public long next() {
        long physical = wallMillis.getAsLong() << COUNTER_BITS;
        return last.accumulateAndGet(physical, (previous, now) -> Math.max(previous + 1, now));
    }

    /** Moves the clock past a version seen elsewhere. */
    public void observe(long version) {
        last.accumulateAndGet(version, Math::max);
    }

    /** The wall-clock milliseconds a version was stamped at. */
    public static long millisOf(long version) {
        return version >>> COUNTER_BITS;
    }
}
