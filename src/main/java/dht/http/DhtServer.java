package dht.http;

import dht.cluster.ClusterSecret;
import dht.cluster.FailureDetector;
import dht.cluster.ReplicaProtocol;
import dht.cluster.Transition;
import dht.cluster.Threads;
import dht.coordinator.AntiEntropy;
import dht.coordinator.Coordinator;
import dht.coordinator.HybridClock;
import dht.coordinator.Outcome;
import dht.coordinator.Replica;
import dht.coordinator.Replication;
import dht.coordinator.SharedRecords;
import dht.storage.LiveCursor;
import dht.storage.RecordCursor;
import one.nio.http.HttpServer;
import one.nio.http.HttpServerConfig;
import one.nio.http.HttpSession;
import one.nio.http.Request;
import one.nio.http.Response;
import one.nio.net.Socket;
import one.nio.server.RejectedSessionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A node's HTTP front: routes and validates on the selector thread, then hands client requests to
 * the {@link WorkerPool}, save those that call no store of this node, which the selector
 * coordinates itself; the response goes out from whichever thread settles the request. Replica
 * calls from peers go to the {@link ReplicaEndpoint}, on the selector thread itself.
 *
 * <pre>
 * /v0/entity?id=ID[&ack=A&from=F]             GET, PUT, DELETE  the client API, coordinated across replicas
 *                  [&ttl=SECONDS]                                    PUT: the value reads as absent after that
 * /v0/entities?start=S[&end=E][&local=true]   GET               a key range, streamed in chunks, merged across members
 * /v0/internal/entity?id=ID                   GET, PUT          a peer's replica call, served locally, never forwarded
 * /v0/internal/entities?start=S[&end=E]       GET               a peer's range call: local records with versions
 * /v0/internal/ping                           GET               a peer's announcement or probe
 * /v0/status                                  GET               this node's view of the cluster, as JSON, even when overloaded;
 *                                                               503 until the node has announced itself to its peers
 * /metrics                                    GET               Prometheus metrics, even when overloaded
 * /v0/internal/tree, /v0/internal/shared      GET               a peer's anti-entropy calls: hashes, then differing records
 * /v0/admin/profile?event=E&duration=S        GET               a flamegraph of this node (with --admin only)
 * /v0/admin/repair                            POST, GET         an anti-entropy pass with every peer now, answered when done;
 *                                                               GET: the last pass per peer and range (loopback or admin)
 * /v0/cluster                                 GET               the membership: epoch, members, the change under way
 * /v0/admin/join|leave|remove?url=URL         POST              begins a membership change (loopback or admin); 202 begun
 * /v0/admin/abort                             POST              calls off the change under way: back to the old members
 * /v0/internal/membership, change, handoff, handoff-progress    peers' membership calls (see ReplicaProtocol)
 * </pre>
 */
public final class DhtServer extends HttpServer {
    private static final System.Logger LOG = System.getLogger(DhtServer.class.getName());
    static final String ENTITY_PATH = "/v0/entity";
    static final String RANGE_PATH = "/v0/entities";
    private static final String[] ENTITY_PARAMS = {"id", "ack", "from"};
    private static final String[] PUT_PARAMS = {"id", "ack", "from", "ttl"};
    private static final String[] RANGE_PARAMS = {"start", "end", "local"};
    static final String STATUS_PATH = "/v0/status";
    static final String METRICS_PATH = "/metrics";
    static final String PROFILE_PATH = "/v0/admin/profile";
    static final String REPAIR_PATH = "/v0/admin/repair";
    static final String CLUSTER_PATH = "/v0/cluster";
    static final String JOIN_PATH = "/v0/admin/join";
    static final String LEAVE_PATH = "/v0/admin/leave";
    static final String REMOVE_PATH = "/v0/admin/remove";
    static final String ABORT_PATH = "/v0/admin/abort";
    private static final int DEFAULT_PROFILE_SECONDS = 10;
    private static final int DEADLINE_CHECK_MILLIS = 1000;
    private static final int MAX_TTL_SECONDS = 10 * 365 * 24 * 3600;
    private static final Runnable NOTHING = () -> { };

    // fixed after construction
    private final Coordinator coordinator;
    private final ReplicaEndpoint replicas;
    private final WorkerPool workers;
    // One thread and a short queue: reports are few, and a scraper that floods gets 503s.
    private final WorkerPool reports = new WorkerPool("report", 1, 16, 5_000);
    private final int maxValueBytes;
    private final BodyBudget bodyBudget;
    private final Connections connections;
    private final RangeStreams streams;
    private final Observability observability;
    private final Profiler profiler;
    private final AntiEntropy repair;
    private final MembershipEndpoint membership;
    private final HybridClock clock;

    // any thread
    private final Semaphore selectorSlots; // requests coordinated on a selector thread, in flight
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean draining;
    private volatile boolean ready;

    /**
     * @param local this node's replica, which serves peers' calls and {@code local=true} ranges
     * @param shared what this node shares with each peer, for the peers' anti-entropy calls
     * @param repair this node's anti-entropy, for the repair admin endpoint
     * @param membership the cluster report, membership changes and their internal calls
     * @param detector told of every peer that calls this node
     * @param secret what peers' calls must be signed with
     * @param clock what a peer's record versions are checked against, and expiries on ranges
     */
    public DhtServer(HttpServerConfig config, Coordinator coordinator, Replica local, SharedRecords shared,
                     AntiEntropy repair, MembershipEndpoint membership, FailureDetector detector,
                     ClusterSecret secret, HybridClock clock, WorkerPool workers, int maxValueBytes,
                     BodyBudget bodyBudget, Connections connections, RangeStreams streams,
                     Observability observability) throws IOException {
        super(withDeadlineChecks(config));
        this.coordinator = coordinator;
        this.replicas = new ReplicaEndpoint(local, shared, membership, detector, secret, clock, maxValueBytes);
        this.repair = repair;
        this.membership = membership;
        this.clock = clock;
        this.workers = workers;
        this.selectorSlots = new Semaphore(workers.queueCapacity());
        this.maxValueBytes = maxValueBytes;
        this.bodyBudget = bodyBudget;
        this.connections = connections;
        this.streams = streams;
        this.observability = observability;
        this.profiler = observability.access().admin().enabled() ? new Profiler() : null;
    }

    /**
     * one-nio's cleanup thread visits every session each keep-alive period; {@link DhtSession}
     * uses the visit to enforce its deadlines, so the period is their precision.
     */
    private static HttpServerConfig withDeadlineChecks(HttpServerConfig config) {
        config.keepAlive = DEADLINE_CHECK_MILLIS;
        return config;
    }

    @Override
    public HttpSession createSession(Socket socket) throws RejectedSessionException {
        if (!connections.tryOpen()) {
            throw new RejectedSessionException("more than " + connections.max() + " connections open");
        }
        // one-nio's Java-socket fallback ignores the acceptor's noDelay. Without it, Nagle holds a
        // reply while the one before is unacknowledged: pipelined peer calls then wait out delayed
        // ACKs, and at 1,000 req/s a 2-of-3 GET measured 13 ms at the median instead of 1-2 ms.
        socket.setNoDelay(true);
        // Replica writes carry the record header on top of the largest value.
        return new DhtSession(socket, this, replicas.maxRecordBytes(), bodyBudget, connections, observability.requests());
    }

    @Override
    public void handleRequest(Request request, HttpSession session) throws IOException {
        if (((DhtSession) session).holdWhileBacklogged(request)) {
            return; // handled once the client has read the answers before it
        }
        ((DhtSession) session).begin(Operation.of(request.getPath(), request.getMethod()));
        if (draining) {
            session.sendResponse(Responses.overloaded("node is stopping"));
            return;
        }
        try {
            switch (request.getPath()) {
                case ENTITY_PATH -> {
                    requireRole(request, request.getMethod() == Request.METHOD_GET ? Tokens.Role.READ : Tokens.Role.WRITE);
                    entity(request, session);
                }
                case RANGE_PATH -> {
                    requireRole(request, Tokens.Role.READ);
                    range(request, (DhtSession) session);
                }
                case STATUS_PATH -> {
                    requireRole(request, Tokens.Role.READ);
                    status(request, session);
                }
                case METRICS_PATH -> {
                    requireRole(request, Tokens.Role.READ);
                    report(request, session, this::metrics);
                }
                case PROFILE_PATH -> profile(request, session);
                case REPAIR_PATH -> repair(request, session);
                case CLUSTER_PATH -> {
                    requireRole(request, Tokens.Role.READ);
                    report(request, session, membership::cluster);
                }
                case JOIN_PATH -> change(request, session, Transition.Kind.JOIN);
                case LEAVE_PATH -> change(request, session, Transition.Kind.LEAVE);
                case REMOVE_PATH -> change(request, session, Transition.Kind.REMOVE);
                case ABORT_PATH -> change(request, session, null);
                case ReplicaProtocol.ENTITY_PATH, ReplicaProtocol.RANGE_PATH, ReplicaProtocol.PING_PATH,
                     ReplicaProtocol.TREE_PATH, ReplicaProtocol.SHARED_PATH, ReplicaProtocol.MEMBERSHIP_PATH,
                     ReplicaProtocol.CHANGE_PATH, ReplicaProtocol.HANDOFF_PATH, ReplicaProtocol.PROGRESS_PATH ->
                        replicas.handle(request, (DhtSession) session, this::stream);
                default -> throw new BadRequest(Response.BAD_REQUEST, "unknown path " + request.getPath());
            }
        } catch (BadRequest e) {
            LOG.log(System.Logger.Level.DEBUG, "bad request {0}: {1}", request.getURI(), e.getMessage());
            Response response = Responses.text(e.status(), e.getMessage());
            if (e.status().equals(Response.METHOD_NOT_ALLOWED)) {
                response.addHeader("Allow: " + allowedMethods(request.getPath()));
            } else if (e.status().equals(Response.UNAUTHORIZED)) {
                response.addHeader("WWW-Authenticate: Bearer");
            }
            session.sendResponse(response);
        }
    }

    private void requireRole(Request request, Tokens.Role role) throws BadRequest {
        observability.access().require(role, request);
    }

    private void entity(Request request, HttpSession session) throws BadRequest {
        int method = request.getMethod();
        if (method != Request.METHOD_GET && method != Request.METHOD_PUT && method != Request.METHOD_DELETE) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + ENTITY_PATH);
        }
        QueryParams.requireKnown(request.getURI(), request.getMethodName() + " " + ENTITY_PATH, method == Request.METHOD_PUT ? PUT_PARAMS : ENTITY_PARAMS);
        byte[] key = QueryParams.id(request.getURI());
        Replication replication = replication(request.getURI());
        switch (method) {
            case Request.METHOD_GET -> coordinate(session, coordinator.callsLocal(key, replication, false),
                    () -> coordinator.get(key, replication).thenApply(this::answer));
            case Request.METHOD_PUT -> {
                Integer ttl = ttlSeconds(request.getURI());
                byte[] value = body(request, maxValueBytes);
                coordinate(session, coordinator.callsLocal(key, replication, true),
                        () -> (ttl == null ? coordinator.put(key, value, replication)
                                : coordinator.put(key, value, ttl * 1000L, replication)).thenApply(this::answer));
            }
            default -> coordinate(session, coordinator.callsLocal(key, replication, true),
                    () -> coordinator.delete(key, replication).thenApply(this::answer));
        }
    }

    /** A client's answer, with the membership epoch, by which a ring-aware client knows to read the members again. */
    private Response answer(Outcome outcome) {
        Response response = Responses.of(outcome);
        response.addHeader(membership.view().placement().epochHeader());
        return response;
    }

    private static Integer ttlSeconds(String uri) throws BadRequest {
        Integer ttl = QueryParams.integer(uri, "ttl");
        if (ttl != null && (ttl < 1 || ttl > MAX_TTL_SECONDS)) {
            throw new BadRequest(Response.BAD_REQUEST, "ttl must be whole seconds from 1 to " + MAX_TTL_SECONDS + " (10 years)");
        }
        return ttl;
    }

    private Replication replication(String uri) throws BadRequest {
        Integer ack = QueryParams.integer(uri, "ack");
        Integer from = QueryParams.integer(uri, "from");
        try {
            return coordinator.replication(ack, from);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, e.getMessage());
        }
    }

    private void range(Request request, DhtSession session) throws BadRequest {
        QueryParams.requireKnown(request.getURI(), "GET " + RANGE_PATH, RANGE_PARAMS);
        byte[][] bounds = rangeBounds(request);
        Supplier<RecordCursor> records = QueryParams.bool(request.getURI(), "local", false)
                ? () -> replicas.localRange(bounds[0], bounds[1])
                : () -> coordinator.range(bounds[0], bounds[1]);
        stream(session, () -> new LiveCursor(records.get(), clock.wallMillis()), ChunkFormat.CLIENT);
    }

    /** The range's start and end (null: open-ended) from a GET over HTTP/1.1, which chunks need. */
    static byte[][] rangeBounds(Request request) throws BadRequest {
        requireGet(request);
        if (!request.isHttp11()) {
            throw new BadRequest(Response.HTTP_VERSION_NOT_SUPPORTED, "range answers are chunked, which needs HTTP/1.1");
        }
        byte[] start = QueryParams.bytes(request.getURI(), "start");
        if (start == null || start.length == 0) {
            throw new BadRequest(Response.BAD_REQUEST, "missing or empty start");
        }
        byte[] end = QueryParams.bytes(request.getURI(), "end");
        if (end != null && end.length == 0) {
            throw new BadRequest(Response.BAD_REQUEST, "empty end; leave it out to read to the last key");
        }
        return new byte[][] {start, end};
    }

    private void stream(DhtSession session, Supplier<RecordCursor> source, ChunkFormat format) {
        if (session.owesAnswers()) {
            // Its chunks would overtake the answers owed to the writes pipelined before it.
            send(session, Responses.text(Response.BAD_REQUEST, "a range request cannot follow unanswered writes on one connection"));
            return;
        }
        inFlight.incrementAndGet();
        if (!streams.start(session, source, format, inFlight::decrementAndGet)) {
            inFlight.decrementAndGet();
            send(session, Responses.overloaded("too many range streams open"));
        }
    }

    static void requireGet(Request request) throws BadRequest {
        if (request.getMethod() != Request.METHOD_GET) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + request.getPath());
        }
    }

    /** Ready once the node has announced itself: from then on its peers no longer skip it. */
    private void status(Request request, HttpSession session) throws BadRequest {
        if (!ready) {
            requireGet(request);
            send(session, Responses.overloaded("node is starting: announcing itself to its peers"));
            return;
        }
        report(request, session, () -> Responses.json(observability.status().get()));
    }

    /**
     * Answers on the report thread: not on a worker, so that an overloaded node can still say how
     * it is doing, and not on the selector, which rendering a report would hold for milliseconds.
     */
    private void report(Request request, HttpSession session, Supplier<Response> report) throws BadRequest {
        requireGet(request);
        dispatch(session, reports, () -> CompletableFuture.completedFuture(report.get()));
    }

    /** The node has announced itself to its peers: {@code /v0/status} answers 200 from now on. */
    public void ready() {
        ready = true;
    }

    private Response metrics() {
        Response response = new Response(Response.OK, observability.metrics().get());
        response.addHeader("Content-Type: " + observability.metricsContentType());
        return response;
    }

    private void profile(Request request, HttpSession session) throws BadRequest {
        observability.access().requireAdmin(session.getRemoteHost(), request);
        if (request.getMethod() != Request.METHOD_GET) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + PROFILE_PATH);
        }
        byte[] name = QueryParams.bytes(request.getURI(), "event");
        Profiler.Event event = Profiler.Event.of(name == null ? "cpu" : new String(name, StandardCharsets.UTF_8));
        if (event == null) {
            throw new BadRequest(Response.BAD_REQUEST, "event must be cpu, alloc or lock");
        }
        Integer seconds = QueryParams.integer(request.getURI(), "duration");
        int duration = seconds == null ? DEFAULT_PROFILE_SECONDS : seconds;
        if (duration < 1 || duration > Profiler.MAX_SECONDS) {
            throw new BadRequest(Response.BAD_REQUEST, "duration must be 1 to " + Profiler.MAX_SECONDS + " seconds");
        }
        inFlight.incrementAndGet();
        if (!profiler.record(event, duration, flamegraph -> {
            send(session, flamegraph);
            inFlight.decrementAndGet();
        })) {
            inFlight.decrementAndGet();
            throw new BadRequest(Response.CONFLICT, "a profile is being recorded; try again when it is done");
        }
    }

    /** POST: a pass with every peer, answered with what it did once it is done; GET: the last passes. */
    private void repair(Request request, HttpSession session) throws BadRequest {
        observability.access().requireOperator(session.getRemoteHost(), request);
        if (request.getMethod() == Request.METHOD_GET) {
            send(session, Responses.json(RepairReport.ledger(repair)));
            return;
        }
        if (request.getMethod() != Request.METHOD_POST) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + REPAIR_PATH);
        }
        inFlight.incrementAndGet();
        repair.requestPass().whenComplete((results, failure) -> {
            send(session, failure == null ? Responses.json(RepairReport.pass(results))
                    : Responses.text(Response.SERVICE_UNAVAILABLE, "the pass did not run: " + failure.getMessage()));
            inFlight.decrementAndGet();
        });
    }

    /**
     * POST: begins the join, leave or remove of {@code url} (with no kind: calls off the change
     * under way), answered once it began or was refused.
     */
    private void change(Request request, HttpSession session, Transition.Kind kind) throws BadRequest {
        observability.access().requireOperator(session.getRemoteHost(), request);
        if (request.getMethod() != Request.METHOD_POST) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + request.getPath());
        }
        CompletableFuture<Response> answer = kind == null ? membership.abort() : membership.admin(kind, request.getURI());
        inFlight.incrementAndGet();
        answer.whenComplete((response, failure) -> {
            send(session, failure == null ? response : internalError(failure));
            inFlight.decrementAndGet();
        });
    }

    /** The request's body; its framing was checked as its head was read (see {@link DhtSession}). */
    static byte[] body(Request request, int limit) throws BadRequest {
        byte[] body = request.getBody();
        if (body == null) {
            return Response.EMPTY;
        }
        if (body.length > limit) {
            throw new BadRequest(Response.REQUEST_ENTITY_TOO_LARGE, "body is larger than " + limit + " bytes");
        }
        return body;
    }

    private static String allowedMethods(String path) {
        return switch (path) {
            case ENTITY_PATH -> "GET, PUT, DELETE";
            case ReplicaProtocol.ENTITY_PATH -> "GET, PUT";
            case REPAIR_PATH -> "GET, POST";
            case JOIN_PATH, LEAVE_PATH, REMOVE_PATH, ABORT_PATH, ReplicaProtocol.CHANGE_PATH -> "POST";
            case ReplicaProtocol.MEMBERSHIP_PATH -> "GET, PUT";
            default -> "GET";
        };
    }

    private void dispatch(HttpSession session, WorkerPool pool, Supplier<CompletableFuture<Response>> work) {
        inFlight.incrementAndGet();
        ((DhtSession) session).handOff(() -> pool.execute(() -> respond(session, work, NOTHING), reason -> {
            send(session, Responses.overloaded(reason));
            inFlight.decrementAndGet();
        }));
    }

    /**
     * Coordinates a request whose replicas are all peers on this selector thread: it only sends
     * calls, and a worker's wake-up and thread switch would cost more than its own work. At most
     * {@code --queue} such requests are in flight; past that, and for every request that calls
     * this node's store, the worker pool takes it.
     */
    private void coordinate(HttpSession session, boolean callsLocal, Supplier<CompletableFuture<Response>> work) {
        if (callsLocal || !selectorSlots.tryAcquire()) {
            dispatch(session, workers, work);
            return;
        }
        inFlight.incrementAndGet();
        ((DhtSession) session).handOff(() -> respond(session, work, selectorSlots::release));
    }

    private void respond(HttpSession session, Supplier<CompletableFuture<Response>> work, Runnable done) {
        CompletableFuture<Response> response;
        try {
            response = work.get();
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((ok, failure) -> {
            done.run(); // before the answer: the client's next request may arrive the moment it is sent
            send(session, ok != null ? ok : internalError(failure));
            inFlight.decrementAndGet();
        });
    }

    private static Response internalError(Throwable failure) {
        Threads.exitOnOutOfMemory(failure);
        LOG.log(System.Logger.Level.ERROR, "request failed", failure);
        return Responses.text(Response.INTERNAL_ERROR, "internal error: " + failure);
    }

    static void send(HttpSession session, Response response) {
        try {
            session.sendResponse(response);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "client went away: {0}", e.toString());
            session.scheduleClose();
        }
    }

    /** Refuses new requests, waits up to the timeout for those in flight, then stops the server. */
    public void drainAndStop(long timeoutMillis) throws InterruptedException {
        draining = true;
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        if (profiler != null) {
            profiler.shutdown(); // a recording in progress answers with what it has
        }
        stop(); // closes the sessions, which ends their streams
        workers.shutdown(timeoutMillis);
        reports.shutdown(timeoutMillis);
        streams.shutdown(timeoutMillis);
    }
}
