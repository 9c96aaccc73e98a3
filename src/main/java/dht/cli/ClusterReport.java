package dht.cli;

import dht.cluster.HandoffPlan;
import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.Transition;
import dht.coordinator.Cleanup;
import dht.coordinator.ClusterView;
import dht.coordinator.Handoff;
import dht.coordinator.Placement;
import dht.coordinator.TransitionDriver;
import dht.http.Json;

import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * The JSON body of {@code GET /v0/cluster}: the epoch, the members with their states and ring
 * shares, the change under way (its phase, moving arcs, each stream's progress, the bytes and
 * keys moved and expected, an estimated end, who it waits for), the last change this node drove,
 * and this node's cleanup. Streams are known to the change's driver, which polls their targets,
 * and to each target for its own.
 */
final class ClusterReport {
    private final String self;
    private final ClusterView view;
    private final TransitionDriver driver;
    private final Handoff handoff;
    private final Cleanup cleanup;
    private final long wallStartMillis = System.currentTimeMillis();

    ClusterReport(String self, ClusterView view, TransitionDriver driver, Handoff handoff, Cleanup cleanup) {
        this.self = self;
        this.view = view;
        this.driver = driver;
        this.handoff = handoff;
        this.cleanup = cleanup;
    }

    String json() {
        Placement placement = view.placement();
        Membership membership = placement.membership();
        StringBuilder out = new StringBuilder(512);
        String state = membership.state(self);
        out.append("{\"self\":").append(Json.quote(self))
                .append(",\"selfState\":").append(state == null ? "\"left\"" : Json.quote(state))
                .append(",\"epoch\":").append(membership.epoch())
                .append(",\"replicas\":").append(membership.replicas())
                .append(",\"partitions\":").append(placement.ring().partitions())
                .append(",\"members\":[");
        boolean first = true;
        for (String url : membership.everyone()) {
            out.append(first ? "" : ",").append("{\"url\":").append(Json.quote(url))
                    .append(",\"state\":").append(Json.quote(membership.state(url)))
                    .append(",\"share\":").append(share(placement.share(url)))
                    .append(",\"nextShare\":").append(share(placement.nextShare(url))).append('}');
            first = false;
        }
        out.append("],\"change\":");
        if (membership.transition() == null) {
            out.append("null");
        } else {
            change(out, placement);
        }
        out.append(",\"lastChange\":");
        last(out, driver.last());
        out.append(",\"cleanup\":{\"running\":").append(cleanup.running())
                .append(",\"deletedRecords\":").append(cleanup.deleted())
                .append(",\"deletedBytes\":").append(cleanup.deletedBytes())
                .append("},\"sinceMillis\":").append(wallStartMillis)
                .append('}');
        return out.toString();
    }

    private void change(StringBuilder out, Placement placement) {
        Transition change = placement.membership().transition();
        HandoffPlan plan = placement.computedPlan();
        BitSet moving = new BitSet();
        for (HandoffPlan.Stream stream : plan == null ? List.<HandoffPlan.Stream>of() : plan.streams()) {
            moving.or(stream.arcs());
        }
        List<HandoffProgress> streams = driver.streams().isEmpty() ? handoff.progress(change.startEpoch()) : driver.streams();
        long keys = 0;
        long bytes = 0;
        for (HandoffProgress stream : streams) {
            keys += stream.keys();
            bytes += stream.bytes();
        }
        long expected = expectedKeys(streams);
        out.append("{\"kind\":").append(Json.quote(change.kind().label()))
                .append(",\"subject\":").append(Json.quote(change.subject()))
                .append(",\"phase\":").append(Json.quote(change.phase().label()))
                .append(",\"driver\":").append(Json.quote(change.driver()))
                .append(",\"startedMillis\":").append(change.startedMillis())
                .append(",\"startEpoch\":").append(change.startEpoch())
                .append(",\"movingArcs\":").append(plan == null ? -1 : moving.cardinality())
                .append(",\"plannedStreams\":").append(plan == null ? -1 : plan.streams().size())
                .append(",\"keysStreamed\":").append(keys)
                .append(",\"bytesStreamed\":").append(bytes)
                .append(",\"estimatedKeys\":").append(expected)
                .append(",\"estimatedEndMillis\":").append(estimatedEnd(keys, expected))
                .append(",\"waitingFor\":[");
        List<String> waiting = driver.waitingFor();
        for (int i = 0; i < waiting.size(); i++) {
            out.append(i == 0 ? "" : ",").append(Json.quote(waiting.get(i)));
        }
        out.append("],\"streams\":[");
        for (int i = 0; i < streams.size(); i++) {
            HandoffProgress s = streams.get(i);
            out.append(i == 0 ? "" : ",").append("{\"source\":").append(Json.quote(s.source()))
                    .append(",\"target\":").append(Json.quote(s.target()))
                    .append(",\"arcs\":").append(s.arcs())
                    .append(",\"keys\":").append(s.keys())
                    .append(",\"bytes\":").append(s.bytes())
                    .append(",\"estimatedKeys\":").append(s.estimatedKeys())
                    .append(",\"state\":").append(Json.quote(s.state())).append('}');
        }
        out.append("]}");
    }

    /**
     * The records the streams are expected to carry: each started stream's source estimate, and
     * for those not started yet their arcs at the keys per arc of the others; -1 before any estimate.
     */
    private static long expectedKeys(List<HandoffProgress> streams) {
        long estimated = 0;
        long estimatedArcs = 0;
        long otherArcs = 0;
        for (HandoffProgress stream : streams) {
            long known = stream.done() ? stream.keys() : stream.estimatedKeys();
            if (known >= 0) {
                estimated += Math.max(known, stream.keys());
                estimatedArcs += stream.arcs();
            } else {
                otherArcs += stream.arcs();
            }
        }
        if (estimatedArcs == 0) {
            return -1;
        }
        return estimated + Math.round((double) estimated / estimatedArcs * otherArcs);
    }

    /** When the streams end at the pace since the streaming phase began; -1 when that cannot be told. */
    private long estimatedEnd(long keys, long expected) {
        long since = driver.streamingSinceMillis();
        long now = System.currentTimeMillis();
        if (since == 0 || keys == 0 || expected < 0) {
            return -1;
        }
        return now + (long) ((now - since) * (double) Math.max(0, expected - keys) / keys);
    }

    private static void last(StringBuilder out, TransitionDriver.Finished last) {
        if (last == null) {
            out.append("null");
            return;
        }
        double streamingSeconds = Math.max(1, last.streamedMillis() - last.streamingMillis()) / 1e3;
        out.append("{\"kind\":").append(Json.quote(last.kind().label()))
                .append(",\"subject\":").append(Json.quote(last.subject()))
                .append(",\"epoch\":").append(last.epoch())
                .append(",\"startedMillis\":").append(last.startedMillis())
                .append(",\"streamingMillis\":").append(last.streamingMillis())
                .append(",\"streamedMillis\":").append(last.streamedMillis())
                .append(",\"endedMillis\":").append(last.endedMillis())
                .append(",\"keys\":").append(last.keys())
                .append(",\"bytes\":").append(last.bytes())
                .append(",\"keysPerSecond\":").append(Math.round(last.keys() / streamingSeconds))
                .append(",\"megabytesPerSecond\":").append(String.format(Locale.ROOT, "%.2f", last.bytes() / streamingSeconds / 1e6))
                .append('}');
    }

    private static String share(double share) {
        return String.format(Locale.ROOT, "%.4f", share);
    }
}
