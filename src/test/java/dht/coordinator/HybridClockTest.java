package dht.coordinator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridClockTest {
    private static final long MAX_SKEW_MILLIS = 60_000;
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final HybridClock clock = new HybridClock(wall::get, MAX_SKEW_MILLIS);

    @Test
    void next_sameMillisecond_strictlyIncreases() {
        long first = clock.next();
        long second = clock.next();
        assertTrue(second > first);
        assertEquals(wall.get(), HybridClock.millisOf(second));
    }

    @Test
    void next_wallClockGoesBack_stillIncreases() {
        long first = clock.next();
        wall.addAndGet(-5_000);
        assertTrue(clock.next() > first);
    }

    @Test
    void observe_newerVersionFromAPeer_movesTheClockPastIt() {
        long peers = (wall.get() + 60_000) << 16;
        clock.observe(peers);
        assertTrue(clock.next() > peers);
    }

    @Test
    void observe_versionBeyondTheSkew_movesTheClockOnlyToTheBound() {
        long planted = Long.MAX_VALUE; // a record from a broken clock, or a forged one
        clock.observe(planted);
        long next = clock.next();
        assertTrue(next < planted);
        assertTrue(HybridClock.millisOf(next) <= wall.get() + MAX_SKEW_MILLIS, "never beyond the bound");
        wall.addAndGet(2 * MAX_SKEW_MILLIS);
        assertEquals(wall.get(), HybridClock.millisOf(clock.next()), "the wall clock takes over again");
    }

    @Test
    void admits_versionsUpToTheSkewAhead_only() {
        assertTrue(clock.admits(wall.get() << 16));
        assertTrue(clock.admits((wall.get() + MAX_SKEW_MILLIS) << 16));
        assertFalse(clock.admits((wall.get() + MAX_SKEW_MILLIS + 1) << 16));
        assertFalse(clock.admits(1L << 62));
    }

    @Test
    void observe_olderVersion_changesNothing() {
        long mine = clock.next();
        clock.observe(mine - 1000);
        assertEquals(mine + 1, clock.next());
    }
}
