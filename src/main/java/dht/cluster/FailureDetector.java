package dht.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Guarantees. A node that finished its start is marked up on every member that answered its
 * announcement. Not guaranteed: a member out of reach during the announcement learns of the start
 * only by the next contact or probe, and a peer that answers pings but fails calls flaps between
 * the two marks; coordinators only use the mark to skip calls they do not need.
 */
public final class FailureDetector implements AutoCloseable {
    static final long PROBE_INTERVAL_MILLIS = 150;

    // fixed after construction
    private final List<PeerClient> peers;
    private final Map<String, PeerHealth> byUrl = new HashMap<>();
    private final ScheduledExecutorService prober = Executors.newSingleThreadScheduledExecutor(Threads.daemon("peer probe"));

    public FailureDetector(List<PeerClient> peers) {
        this.peers = peers;
        for (PeerClient peer : peers) {
            byUrl.put(peer.url(), peer.health());
        }
    }

    /**
     * Pings every peer and waits until each has answered or failed (each by its call deadline).
     *
     * @return how many peers answered
     */
    public int announce() {
        CompletableFuture<?>[] pings = new CompletableFuture<?>[peers.size()];
        for (int i = 0; i < pings.length; i++) {
            pings[i] = peers.get(i).ping();
        }
        int answered = 0;
        for (CompletableFuture<?> ping : pings) {
            if (ping.handle((ok, failure) -> failure == null).join()) {
                answered++;
            }
        }
        return answered;
    }

    public void start() {
        prober.scheduleWithFixedDelay(this::probe, PROBE_INTERVAL_MILLIS, PROBE_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void probe() {
        for (PeerClient peer : peers) {
            PeerHealth health = peer.health();
            if (health.startProbe()) {
                peer.ping().whenComplete((ok, failure) -> health.probeEnded(failure == null));
            }
        }
    }

    /** True when some peer is marked down: only then does a call's sender need looking up. */
    public boolean anyDown() {
        for (PeerClient peer : peers) {
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
        return url == null ? null : byUrl.get(url);
    }

    @Override
    public void close() {
        Threads.stopAndWait(prober);
    }
}
