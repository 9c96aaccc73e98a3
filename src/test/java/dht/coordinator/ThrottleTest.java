package dht.coordinator;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ThrottleTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aSecondsWorthPassesAtOnceThenTheRateHolds() {
        Throttle throttle = new Throttle(1_000, 0);
        assertEquals(0, throttle.take(1_000, 0));
        assertEquals(SECOND / 2, throttle.take(500, 0), "500 bytes over the credit wait half a second");
        assertEquals(0, throttle.take(500, SECOND), "the credit grew back meanwhile");
    }

    @Test
    void idleTimeBuildsNoMoreThanOneSecondsCredit() {
        Throttle throttle = new Throttle(1_000, 0);
        assertEquals(SECOND, throttle.take(2_000, 60 * SECOND));
    }
}
