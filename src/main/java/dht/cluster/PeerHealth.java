package dht.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * This node's view of one peer: up, or down since a call to it failed. Down is only a hint for
 * coordinators, which skip a down peer when the others can reach {@code ack} without it; it never
 * refuses a call by itself. Any contact marks the peer up: a reply, a call from it, a probe.
 *
 * <p>A failure marks the peer down only if nothing was heard from it since the failed call was
 * sent, so a call that failed while the peer was restarting cannot undo its announcement.
 */
public final class PeerHealth {
    /** What the status report shows of a peer. */
    public record State(boolean down, long sinceNanos, long probesOk, long probesFailed, long clockRefusals) {
    }

    // fixed after construction
    private final LongSupplier nanos;

    // any thread
    private volatile boolean down;
    private volatile long sinceNanos;
    private volatile long lastContactNanos;
    private final AtomicBoolean probing = new AtomicBoolean();
    private final LongAdder probesOk = new LongAdder();
    private final LongAdder probesFailed = new LongAdder();
    private final LongAdder clockRefusals = new LongAdder();

    PeerHealth(LongSupplier nanos) {
        this.nanos = nanos;
        this.sinceNanos = nanos.getAsLong();
        this.lastContactNanos = sinceNanos;
    }

    public boolean isDown() {
        return down;
    }

    /** A reply came, or the peer called this node: it is up. */
    void heardFrom() {
        long now = nanos.getAsLong();
        lastContactNanos = now;
        if (down) {
            down = false;
            sinceNanos = now;
        }
    }

    /** A call sent at {@code sentNanos} got no answer. */
    void failed(long sentNanos) {
        if (down || lastContactNanos - sentNanos > 0) {
            return;
        }
        down = true;
        sinceNanos = nanos.getAsLong();
    }

    /** True when the caller may send a probe now: the peer is down and no probe is out. */
    boolean startProbe() {
        return down && probing.compareAndSet(false, true);
    }

    void probeEnded(boolean answered) {
        (answered ? probesOk : probesFailed).increment();
        probing.set(false);
    }

    /** The peer sent a record stamped further ahead of this node's clock than allowed: its clock is off. */
    void clockRefused() {
        clockRefusals.increment();
    }

    public State state() {
        return new State(down, sinceNanos, probesOk.sum(), probesFailed.sum(), clockRefusals.sum());
    }
}
