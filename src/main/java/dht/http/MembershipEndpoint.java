package dht.http;

import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.PeerConnection;
import dht.cluster.Peers;
import dht.cluster.Transition;
import dht.coordinator.ClusterView;
import dht.coordinator.Handoff;
import dht.coordinator.HandoffSource;
import dht.coordinator.TransitionDriver;
import dht.storage.RecordCursor;
import one.nio.http.Response;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What a node answers about its membership: the cluster report, operators' join, leave and
 * remove, and the internal calls by which nodes pass memberships, begin changes and stream
 * handoffs. Statuses for changes: 202 begun, 400 impossible, 409 another change is under way,
 * 503 a member is out of reach (nothing changed).
 */
public final class MembershipEndpoint {
    /** How long a handoff source that is behind the target's epoch waits to catch up. */
    private static final long CATCH_UP_SECONDS = 10;
    private static final String ABORT = "abort";

    // fixed after construction
    private final String self;
    private final ClusterView view;
    private final TransitionDriver driver;
    private final HandoffSource source;
    private final Handoff handoff;
    private final Peers peers;
    private final Supplier<String> report;

    /**
     * @param peers where admin requests go when another member coordinates changes
     * @param report the JSON of {@code GET /v0/cluster}
     */
    public MembershipEndpoint(String self, ClusterView view, TransitionDriver driver, HandoffSource source, Handoff handoff,
                              Peers peers, Supplier<String> report) {
        this.self = self;
        this.view = view;
        this.driver = driver;
        this.source = source;
        this.handoff = handoff;
        this.peers = peers;
        this.report = report;
    }

    ClusterView view() {
        return view;
    }

    /** {@code GET /v0/cluster}. */
    Response cluster() {
        return Responses.json(report.get());
    }

    Response membership() {
        return new Response(Response.OK, view.membership().encode());
    }

    /** A membership offered by a change's driver: answered with the one held once it is adopted. */
    CompletableFuture<Response> offer(byte[] body) throws BadRequest {
        Membership offered;
        try {
            offered = Membership.decode(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, "bad membership: " + e.getMessage());
        }
        return view.offer(offered).thenApply(held -> membership());
    }

    /** {@code GET /v0/internal/handoff-progress?transition=T}: the streams this node pulls in change T. */
    Response progress(String uri) throws BadRequest {
        Integer transition = QueryParams.integer(uri, "transition");
        if (transition == null) {
            throw new BadRequest(Response.BAD_REQUEST, "name the change: transition=T");
        }
        return new Response(Response.OK, HandoffProgress.encode(handoff.progress(transition)));
    }

    /** {@code POST /v0/internal/change?kind=K&url=U} (or {@code kind=abort}): begun here, or refused; never passed on. */
    CompletableFuture<Response> change(String uri) throws BadRequest {
        if (ABORT.equals(text(uri, "kind"))) {
            return driver.abort().thenApply(Responses::of);
        }
        return driver.request(kind(uri), url(uri)).thenApply(Responses::of);
    }

    /** {@code POST /v0/admin/abort}: the change under way called off by its driver, here or there. */
    CompletableFuture<Response> abort() {
        Transition change = view.membership().transition();
        if (change == null || change.driver().equals(self)) {
            return driver.abort().thenApply(Responses::of);
        }
        return relay(change.driver(), peers.get(change.driver()).change(ABORT, change.driver()));
    }

    /** {@code POST /v0/admin/join|leave|remove?url=U}: begun by the coordinator of changes, here or there. */
    CompletableFuture<Response> admin(Transition.Kind kind, String uri) throws BadRequest {
        String url = url(uri);
        Membership now = view.membership();
        String coordinator = TransitionDriver.coordinator(now, kind, url);
        if (coordinator.equals(self) || now.transition() != null) {
            return driver.request(kind, url).thenApply(Responses::of);
        }
        return relay(coordinator, peers.get(coordinator).change(kind.label(), url));
    }

    private static CompletableFuture<Response> relay(String member, CompletableFuture<PeerConnection.Reply> reply) {
        return reply.handle((answer, failure) -> failure == null
                ? Responses.relayed(answer.status(), answer.body())
                : Responses.text(Response.SERVICE_UNAVAILABLE, member + ", which drives changes, is out of reach: "
                        + failure.getMessage()));
    }

    /**
     * A target's handoff stream. The records are read on the stream's thread; a node behind the
     * target's epoch first catches up there, since a target asks only once it streams.
     */
    Supplier<RecordCursor> handoff(String uri, String sender, CompletableFuture<Void> caughtUp) throws BadRequest {
        Integer transition = QueryParams.integer(uri, "transition");
        if (transition == null || sender == null) {
            throw new BadRequest(Response.BAD_REQUEST, "a handoff names its change and its sender");
        }
        byte[] after = QueryParams.bytes(uri, "after");
        return () -> {
            if (caughtUp != null) {
                caughtUp.completeOnTimeout(null, CATCH_UP_SECONDS, TimeUnit.SECONDS).join();
            }
            return source.records(sender, transition, after);
        };
    }

    private static Transition.Kind kind(String uri) throws BadRequest {
        try {
            return Transition.Kind.of(text(uri, "kind"));
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, "kind must be join, leave, remove or abort");
        }
    }

    private static String text(String uri, String name) throws BadRequest {
        byte[] value = QueryParams.bytes(uri, name);
        return value == null ? "" : new String(value, StandardCharsets.UTF_8);
    }

    /** The member URL a change is about, in the form members are named: http://host:port. */
    private static String url(String uri) throws BadRequest {
        byte[] bytes = QueryParams.bytes(uri, "url");
        String url = bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8);
        try {
            URI parsed = URI.create(url);
            if ("http".equals(parsed.getScheme()) && parsed.getHost() != null && parsed.getPort() > 0
                    && (parsed.getRawPath() == null || parsed.getRawPath().isEmpty())) {
                return "http://" + parsed.getHost() + ":" + parsed.getPort();
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw new BadRequest(Response.BAD_REQUEST, "url must be a member URL of the form http://host:port, got '" + url + "'");
    }

}
