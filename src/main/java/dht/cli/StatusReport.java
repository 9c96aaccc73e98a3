package dht.cli;

import dht.cluster.PeerClient;
import dht.cluster.PeerHealth;
import dht.cluster.Peers;
import dht.coordinator.ClusterView;
import dht.coordinator.FollowUps;
import dht.coordinator.Placement;
import dht.coordinator.Hints;
import dht.http.BodyBudget;
import dht.http.Connections;
import dht.http.Json;
import dht.http.RangeStreams;
import dht.http.WorkerPool;
import dht.storage.Store;
import dht.storage.WalSync;

import java.util.List;
import java.util.Locale;

/**
 * The JSON body of {@code GET /v0/status}: this node, the members of its membership epoch with
 * their ring shares and states (up or down, since when, probe results), local storage, hints and
 * follow-up work. The members are those whose ring serves now; {@code /v0/cluster} tells of a
 * change under way.
 */
final class StatusReport {
    private final String self;
    private final ClusterView view;
    private final Peers peers;
    private final Store store;
    private final WalSync wal;
    private final WorkerPool workers;
    private final Hints hints;
    private final FollowUps followUps;
    private final BodyBudget bodies;
    private final Connections connections;
    private final RangeStreams streams;
    private final long startedMillis = System.currentTimeMillis();

    StatusReport(String self, ClusterView view, Peers peers, Store store, WalSync wal, WorkerPool workers, Hints hints,
                 FollowUps followUps, BodyBudget bodies, Connections connections, RangeStreams streams) {
        this.connections = connections;
        this.view = view;
        this.wal = wal;
        this.followUps = followUps;
        this.streams = streams;
        this.self = self;
        this.peers = peers;
        this.store = store;
        this.workers = workers;
        this.hints = hints;
        this.bodies = bodies;
    }

    String json() {
        Placement placement = view.placement();
        StringBuilder out = new StringBuilder(256);
        out.append("{\"self\":").append(Json.quote(self))
                .append(",\"uptimeSeconds\":").append((System.currentTimeMillis() - startedMillis) / 1000)
                .append(",\"epoch\":").append(placement.epoch())
                .append(",\"membership\":").append(membershipState(placement))
                .append(",\"partitions\":").append(placement.ring().partitions())
                .append(",\"replicas\":").append(placement.replicationFactor())
                .append(",\"members\":[");
        List<String> members = placement.ring().members();
        for (int i = 0; i < members.size(); i++) {
            String url = members.get(i);
            boolean isSelf = url.equals(self);
            out.append(i == 0 ? "" : ",")
                    .append("{\"url\":").append(Json.quote(url))
                    .append(",\"self\":").append(isSelf)
                    .append(",\"share\":").append(String.format(Locale.ROOT, "%.4f", placement.share(url)));
            PeerClient peer = isSelf ? null : peers.find(url);
            if (peer != null) {
                peer(out, peer.health().state());
            }
            out.append('}');
        }
        out.append("],\"storage\":{\"estimatedKeys\":").append(store.estimatedKeys())
                .append(",\"diskBytes\":").append(store.diskBytes())
                .append("},\"wal\":{\"sync\":\"").append(wal.mode().name().toLowerCase(Locale.ROOT))
                .append("\",\"syncs\":").append(wal.syncs())
                .append(",\"syncedWrites\":").append(wal.syncedWrites())
                .append(",\"failedSyncs\":").append(wal.failedSyncs())
                .append("},\"hints\":{\"storedBytes\":").append(hints.storedBytes())
                .append(",\"dropped\":").append(hints.dropped())
                .append("},\"followUps\":{\"queued\":").append(followUps.queued())
                .append(",\"droppedHints\":").append(followUps.dropped(FollowUps.Kind.HINT))
                .append(",\"droppedRepairs\":").append(followUps.dropped(FollowUps.Kind.REPAIR))
                .append("},\"queuedRequests\":").append(workers.queued())
                .append(",\"heldBodyBytes\":").append(bodies.heldBytes())
                .append(",\"openRangeStreams\":").append(streams.open())
                .append(",\"connections\":{\"open\":").append(connections.open())
                .append(",\"max\":").append(connections.max())
                .append(",\"refused\":").append(connections.refused())
                .append(",\"unsentAnswerBytes\":").append(connections.unsentBytes())
                .append('}')
                .append('}');
        return out.toString();
    }

    /** This node's part in the membership; a node that left says it may be stopped. */
    private String membershipState(Placement placement) {
        String state = placement.membership().state(self);
        return state != null ? Json.quote(state)
                : Json.quote("left") + ",\"note\":" + Json.quote("this node is no member since epoch " + placement.epoch()
                        + ": its data was handed over, and it may be stopped");
    }

    /** A peer's state, the time it entered it (epoch milliseconds), and its probes' results. */
    private static void peer(StringBuilder out, PeerHealth.State state) {
        long sinceMillis = System.currentTimeMillis() - (System.nanoTime() - state.sinceNanos()) / 1_000_000;
        out.append(",\"state\":\"").append(state.down() ? "down" : "up")
                .append("\",\"sinceMillis\":").append(sinceMillis)
                .append(",\"probes\":{\"answered\":").append(state.probesOk())
                .append(",\"failed\":").append(state.probesFailed())
                .append("},\"clockRefusals\":").append(state.clockRefusals());
    }
}
