package dht.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Whether calls to a peer may go out. A failed call marks the peer down for {@code downMillis};
 * meanwhile calls fail at once instead of each waiting for a timeout. After that window a single
 * call goes through as a probe: its success marks the peer up, its failure starts a new window.
 */
final class PeerHealth {
    // fixed after construction
    private final long downMillis;
    private final LongSupplier clockMillis;

    // any thread
    private volatile long downUntilMillis;
    private final AtomicBoolean probing = new AtomicBoolean();

    PeerHealth(long downMillis, LongSupplier clockMillis) {
        this.downMillis = downMillis;
        this.clockMillis = clockMillis;
    }

    /** True when a call may be sent now: the peer is up, or this call is the one probe. */
    boolean admit() {
        long downUntil = downUntilMillis;
        if (downUntil == 0) {
            return true;
        }
        return clockMillis.getAsLong() >= downUntil && probing.compareAndSet(false, true);
    }

    boolean isDown() {
        return downUntilMillis != 0;
    }

    void succeeded() {
        downUntilMillis = 0;
        probing.set(false);
    }

    void failed() {
        downUntilMillis = clockMillis.getAsLong() + downMillis;
        probing.set(false);
    }
}
