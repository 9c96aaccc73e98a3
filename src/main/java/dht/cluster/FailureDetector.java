package dht.cluster;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Tells which peers are up, and finds the down ones back as soon as they answer.
 *
 * <p>Design. A peer is marked down when a call to it fails ({@link PeerHealth}) and up again on
 * any contact, whichever comes first of:
 * <ul>
 *   <li>an announcement: a starting node pings every member before it reports ready, and each
 *       member that hears the ping marks the sender up;</li>
 *   <li>any call from the peer, and any reply from it;</li>
 *   <li>a probe: every {@link #PROBE_INTERVAL_MILLIS} each down peer gets one ping, never more
 *       than one at a time.</li>
 * </ul>
 *
 * <p>Every ping's answer carries the peer's membership epoch, which goes to the epoch listener:
 * a node that was away catches up on its first contact.
 *
 * <p>Guarantees. A node that finished its start is marked up on every member that answered its
 * announcement. Not guaranteed: a member out of reach during the announcement learns of the start
 * only by the next contact or probe, and a peer that answers pings but fails calls flaps between
 * the two marks; coordinators only use the mark to skip calls they do not need.
 */
public final class FailureDetector implements AutoCloseable {
    static final long PROBE_INTERVAL_MILLIS = 150;

    /** Hears of each epoch a peer answered a ping with. */
    public interface EpochListener {
        void answered(String peerUrl, long epoch);
    }

    // fixed after construction
    private final Peers peers;
    private final EpochListener epochs;
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(Threads.daemon("peer probe"));

    public FailureDetector(Peers peers, EpochListener epochs) {
        this.peers = peers;
        this.epochs = epochs;
    }

    /**
     * Pings each of these members and waits until each has answered or failed (each by its call
     * deadline).
     *
     * @return how many answered
     */
    public int announce(Collection<PeerClient> members) {
        List<CompletableFuture<Boolean>> pings = new ArrayList<>();
        for (PeerClient peer : members) {
            pings.add(ping(peer).handle((ok, failure) -> failure == null));
        }
        int answered = 0;
        for (CompletableFuture<Boolean> ping : pings) {
            answered += ping.join() ? 1 : 0;
        }
        return answered;
    }

    private CompletableFuture<Long> ping(PeerClient peer) {
        return peer.ping().whenComplete((epoch, failure) -> {
            if (failure == null) {
                epochs.answered(peer.url(), epoch);
            }
        });
    }

    public void start() {
        prober.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        for (PeerClient peer : peers.all()) {
            PeerHealth health = peer.health();
            if (health.startProbe()) {
                ping(peer).whenComplete((ok, failure) -> health.probeEnded(failure == null));
            }
        }
    }

    /** True when some peer is marked down: only then does a call's sender need looking up. */
    public boolean anyDown() {
        for (PeerClient peer : peers.all()) {
            if (peer.health().isDown()) {
                return true;
            }
        }
        return false;
    }

    /** A call came from the node with this URL (as it names itself); unknown senders are ignored. */
    public void heardFrom(String url) {
        PeerHealth health = health(url);
        if (health != null) {
            health.heardFrom();
        }
    }

    /** The node with this URL sent a record too far ahead of this node's clock; unknown senders are ignored. */
    public void clockRefused(String url) {
        PeerHealth health = health(url);
        if (health != null) {
            health.clockRefused();
        }
    }

    /** The member's health by the URL it names itself with; null for anyone else. */
    private PeerHealth health(String url) {
        PeerClient peer = peers.find(url);
        return peer == null ? null : peer.health();
    }

    @Override
    public void close() {
        Threads.stopAndWait(prober);
    }
}
