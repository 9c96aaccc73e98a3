package dht.coordinator;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A hybrid logical clock: versions are wall-clock milliseconds shifted left by 16 bits plus a
 * counter, strictly increasing on this node. Seeing a newer version (from a peer's write) moves
 * the clock past it, so a write that causally follows another gets a larger version even when it
 * is stamped on a node whose wall clock lags or within the same millisecond.
 *
 * <p>Bounded. The clock never moves more than the allowed skew ahead of this node's wall clock,
 * whatever it observes, and {@link #admits} tells whether a version from elsewhere lies within
 * that bound. Without the bound one record stamped far in the future (by a broken clock or a
 * forged call) would drag every clock it reaches along, and win over every later write.
 */
public final class HybridClock {
    private static final int COUNTER_BITS = 16;

    private final LongSupplier wallMillis;
    private final long maxSkewMillis;
    private final AtomicLong last = new AtomicLong();

    /** @param maxSkewMillis how far ahead of the wall clock a version may lie */
    public HybridClock(LongSupplier wallMillis, long maxSkewMillis) {
        this.wallMillis = wallMillis;
        this.maxSkewMillis = maxSkewMillis;
    }

    /** A version larger than every version this clock issued or observed. */
    public long next() {
        long physical = wallMillis.getAsLong() << COUNTER_BITS;
        return last.accumulateAndGet(physical, (previous, now) -> Math.max(previous + 1, now));
    }

    /** Moves the clock past a version seen elsewhere, but never beyond the allowed skew. */
    public void observe(long version) {
        long bound = (wallMillis.getAsLong() + maxSkewMillis) << COUNTER_BITS;
        last.accumulateAndGet(Math.min(version, bound), Math::max);
    }

    /** Whether a version from elsewhere lies no further ahead of the wall clock than the allowed skew. */
    public boolean admits(long version) {
        return millisAhead(version) <= maxSkewMillis;
    }

    /** How many milliseconds the version lies ahead of the wall clock (negative: behind). */
    public long millisAhead(long version) {
        return millisOf(version) - wallMillis.getAsLong();
    }

    /** This node's wall clock, which expiries are set and checked on. */
    public long wallMillis() {
        return wallMillis.getAsLong();
    }

    /** The first version this clock can issue at the wall-clock millisecond. */
    public static long versionAt(long millis) {
        return millis << COUNTER_BITS;
    }

    /** The wall-clock milliseconds a version was stamped at. */
    public static long millisOf(long version) {
        return version >>> COUNTER_BITS;
    }
}
