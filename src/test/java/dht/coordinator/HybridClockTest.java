package dht.coordinator;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HybridClockTest {
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final HybridClock clock = new HybridClock(wall::get);

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
    void observe_olderVersion_changesNothing() {
        long mine = clock.next();
        clock.observe(mine - 1000);
        assertEquals(mine + 1, clock.next());
    }
}
