package dht.cli;

import dht.cluster.PeerClient;
import dht.cluster.Ring;
import dht.coordinator.Hints;
import dht.http.BodyBudget;
import dht.http.RangeStreams;
import dht.http.WorkerPool;
import dht.storage.Store;

import java.util.Locale;

/** The JSON body of {@code GET /v0/status}: this node, the members and their ring shares, local storage. */
final class StatusReport {
    private final String self;
    private final Ring ring;
    private final PeerClient[] peers;
    private final Store store;
    private final WorkerPool workers;
    private final Hints hints;
    private final BodyBudget bodies;
    private final RangeStreams streams;
    private final String[] shares;
    private final long startedMillis = System.currentTimeMillis();

    StatusReport(String self, Ring ring, PeerClient[] peers, Store store, WorkerPool workers, Hints hints,
                 BodyBudget bodies, RangeStreams streams) {
        this.streams = streams;
        this.self = self;
        this.ring = ring;
        this.peers = peers;
        this.store = store;
        this.workers = workers;
        this.hints = hints;
        this.bodies = bodies;
        this.shares = new String[ring.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = String.format(Locale.ROOT, "%.4f", ring.share(i));
        }
    }

    String json() {
        StringBuilder out = new StringBuilder(256);
        out.append("{\"self\":").append(quote(self))
                .append(",\"uptimeSeconds\":").append((System.currentTimeMillis() - startedMillis) / 1000)
                .append(",\"members\":[");
        for (int i = 0; i < ring.size(); i++) {
            String url = ring.members().get(i);
            boolean isSelf = url.equals(self);
            out.append(i == 0 ? "" : ",")
                    .append("{\"url\":").append(quote(url))
                    .append(",\"self\":").append(isSelf)
                    .append(",\"share\":").append(shares[i])
                    .append(",\"down\":").append(!isSelf && peers[i].isDown())
                    .append('}');
        }
        out.append("],\"storage\":{\"estimatedKeys\":").append(store.estimatedKeys())
                .append(",\"diskBytes\":").append(store.diskBytes())
                .append("},\"hints\":{\"storedBytes\":").append(hints.storedBytes())
                .append(",\"dropped\":").append(hints.dropped())
                .append("},\"queuedRequests\":").append(workers.queued())
                .append(",\"heldBodyBytes\":").append(bodies.heldBytes())
                .append(",\"openRangeStreams\":").append(streams.open())
                .append('}');
        return out.toString();
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
