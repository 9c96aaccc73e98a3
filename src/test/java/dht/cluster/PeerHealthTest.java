package dht.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerHealthTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PeerHealth health = new PeerHealth(500, now::get);

    @Test
    void admit_healthyPeer_alwaysTrue() {
        assertTrue(health.admit());
        assertTrue(health.admit());
        assertFalse(health.isDown());
    }

    @Test
    void admit_afterFailure_refusedUntilTheWindowEnds() {
        health.failed();
        assertTrue(health.isDown());
        now.addAndGet(499);
        assertFalse(health.admit());
    }

    @Test
    void admit_afterTheWindow_letsExactlyOneProbeThrough() {
        health.failed();
        now.addAndGet(500);
        assertTrue(health.admit());
        assertFalse(health.admit());
    }

    @Test
    void succeeded_probe_marksThePeerUp() {
        health.failed();
        now.addAndGet(500);
        assertTrue(health.admit());
        health.succeeded();
        assertFalse(health.isDown());
        assertTrue(health.admit());
        assertTrue(health.admit());
    }

    @Test
    void failed_probe_startsANewWindow() {
        health.failed();
        now.addAndGet(500);
        assertTrue(health.admit());
        health.failed();
        now.addAndGet(100);
        assertFalse(health.admit());
    }
}
