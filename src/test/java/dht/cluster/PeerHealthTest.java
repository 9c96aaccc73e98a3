package dht.cluster;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeerHealthTest {
    private final AtomicLong now = new AtomicLong(1_000);
    private final PeerHealth health = new PeerHealth(now::get);

    @Test
    void newPeer_isUp() {
        assertFalse(health.isDown());
        assertFalse(health.startProbe(), "an up peer is not probed");
    }

    @Test
    void failed_callSentAfterTheLastContact_marksDownSinceNow() {
        now.addAndGet(10);
        health.failed(now.get());
        now.addAndGet(5);
        assertTrue(health.isDown());
        assertEquals(1_010, health.state().sinceNanos());
    }

    @Test
    void failed_callSentBeforeTheLastContact_isIgnored() {
        long sent = now.addAndGet(10);
        now.addAndGet(10);
        health.heardFrom(); // e.g. the peer's announcement after its restart
        now.addAndGet(10);
        health.failed(sent);
        assertFalse(health.isDown(), "a call that failed before the peer came back does not mark it down");
    }

    @Test
    void heardFrom_downPeer_marksItUpAtOnce() {
        health.failed(now.addAndGet(1));
        assertTrue(health.isDown());
        now.addAndGet(7);
        health.heardFrom();
        assertFalse(health.isDown());
        assertEquals(now.get(), health.state().sinceNanos());
    }

    @Test
    void startProbe_downPeer_oneProbeAtATime() {
        health.failed(now.addAndGet(1));
        assertTrue(health.startProbe());
        assertFalse(health.startProbe(), "a second probe waits for the first");
        health.probeEnded(false);
        assertTrue(health.startProbe());
        health.probeEnded(true);
        assertEquals(1, health.state().probesOk());
        assertEquals(1, health.state().probesFailed());
    }
}
