package dht.http;

import dht.cluster.ClusterSecret;
import dht.cluster.FailureDetector;
import dht.cluster.ReplicaProtocol;
import dht.coordinator.ClusterView;
import dht.coordinator.HybridClock;
import dht.coordinator.LeafSet;
import dht.coordinator.MerkleTree;
import dht.coordinator.Outcome;
import dht.coordinator.Replica;
import dht.coordinator.SharedRecords;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.StorageException;
import one.nio.http.Request;
import one.nio.http.Response;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The serving side of the {@link ReplicaProtocol}: peers' reads, writes, range streams and pings,
 * served from this node's own replica and never forwarded. A replica call is one local read or
 * write of microseconds, so it is served on the selector thread: a hand-off to a worker would
 * cost more than the call, and a wake-up of a thread on every replica of every request. Every
 * call names its sender, which the failure detector then knows to be up, and its epoch: a call
 * from a node ahead of this one is served once this node has fetched that node's membership,
 * so a node that was away during a change catches up on the first call it gets.
 */
final class ReplicaEndpoint {
    private static final String SENDER = ReplicaProtocol.SENDER_HEADER + ":";
    private static final String EPOCH = ReplicaProtocol.EPOCH_HEADER + ":";
    private static final String AUTH = ClusterSecret.HEADER + ":";
    /** A membership names its members and a change: far below this. */
    private static final int MAX_MEMBERSHIP_BYTES = 1 << 20;

    /** Starts a range stream the way the server tracks them. */
    interface Streams {
        void stream(DhtSession session, Supplier<RecordCursor> source, ChunkFormat format);
    }

    // fixed after construction
    private final Replica local;
    private final SharedRecords shared;
    private final ClusterView view;
    private final MembershipEndpoint membership;
    private final FailureDetector detector;
    private final ClusterSecret secret;
    private final HybridClock clock;
    private final int maxRecordBytes;

    ReplicaEndpoint(Replica local, SharedRecords shared, MembershipEndpoint membership,
                    FailureDetector detector, ClusterSecret secret, HybridClock clock, int maxValueBytes) {
        this.local = local;
        this.shared = shared;
        this.view = membership.view();
        this.membership = membership;
        this.detector = detector;
        this.secret = secret;
        this.clock = clock;
        this.maxRecordBytes = maxValueBytes + ReplicaProtocol.RECORD_HEADER_BYTES;
    }

    /** The largest body a peer may send: a record of the largest value. */
    int maxRecordBytes() {
        return maxRecordBytes;
    }

    /** Serves a request on one of the protocol's paths, if it carries the cluster's signature. */
    void handle(Request request, DhtSession session, Streams streams) throws BadRequest {
        if (secret.enabled()) {
            byte[] body = request.getBody();
            if (!secret.verify(request.getHeader(AUTH), request.getMethodName(), request.getURI(), request.getHeader(SENDER),
                    System.currentTimeMillis(), body == null ? 0 : body.length)) {
                throw new BadRequest(Response.UNAUTHORIZED, "internal calls must be signed with the cluster secret");
            }
        }
        if (detector.anyDown()) {
            detector.heardFrom(request.getHeader(SENDER)); // looked up only when it can matter
        }
        CompletableFuture<Void> caughtUp = request.getPath().equals(ReplicaProtocol.MEMBERSHIP_PATH) ? null : catchUp(request);
        switch (request.getPath()) {
            case ReplicaProtocol.ENTITY_PATH -> entity(request, session, caughtUp);
            case ReplicaProtocol.MEMBERSHIP_PATH -> {
                if (request.getMethod() == Request.METHOD_PUT) {
                    answer(session, membership.offer(DhtServer.body(request, MAX_MEMBERSHIP_BYTES)), response -> response);
                } else {
                    DhtServer.requireGet(request);
                    DhtServer.send(session, membership.membership());
                }
            }
            case ReplicaProtocol.CHANGE_PATH -> {
                if (request.getMethod() != Request.METHOD_POST) {
                    throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + request.getPath());
                }
                answer(session, membership.change(request.getURI()), response -> response);
            }
            case ReplicaProtocol.HANDOFF_PATH -> {
                DhtServer.requireGet(request);
                streams.stream(session, membership.handoff(request.getURI(), request.getHeader(SENDER), caughtUp),
                        ChunkFormat.INTERNAL);
            }
            case ReplicaProtocol.PROGRESS_PATH -> {
                DhtServer.requireGet(request);
                DhtServer.send(session, membership.progress(request.getURI()));
            }
            case ReplicaProtocol.RANGE_PATH -> {
                byte[][] bounds = DhtServer.rangeBounds(request);
                streams.stream(session, () -> localRange(bounds[0], bounds[1]), ChunkFormat.INTERNAL);
            }
            case ReplicaProtocol.TREE_PATH -> {
                DhtServer.requireGet(request);
                String member = member(request);
                Integer range = QueryParams.integer(request.getURI(), "range");
                if (range != null && (range < 0 || range >= MerkleTree.RANGES)) {
                    throw new BadRequest(Response.BAD_REQUEST, "range must be 0 to " + (MerkleTree.RANGES - 1));
                }
                // The scan runs on the stream's thread, never on this selector.
                streams.stream(session, () -> new SingleEntry(ReplicaProtocol.hashesRecord(
                        shared.hashes(member, range == null ? -1 : range))), ChunkFormat.INTERNAL);
            }
            case ReplicaProtocol.SHARED_PATH -> {
                DhtServer.requireGet(request);
                String member = member(request);
                byte[] encoded = QueryParams.bytes(request.getURI(), "leaves");
                LeafSet leaves;
                try {
                    leaves = LeafSet.decode(encoded == null ? "" : new String(encoded, StandardCharsets.US_ASCII));
                } catch (IllegalArgumentException e) {
                    throw new BadRequest(Response.BAD_REQUEST, "bad leaves: " + e.getMessage());
                }
                streams.stream(session, () -> shared.records(member, leaves), ChunkFormat.INTERNAL);
            }
            default -> {
                DhtServer.requireGet(request);
                DhtServer.send(session, new Response(ReplicaProtocol.statusLine(ReplicaProtocol.PONG),
                        ReplicaProtocol.epochBody(view.epoch())));
            }
        }
    }

    /** Starts fetching the sender's membership when its call carries a newer epoch; null when this node is not behind. */
    private CompletableFuture<Void> catchUp(Request request) {
        String header = request.getHeader(EPOCH);
        if (header == null) {
            return null;
        }
        long epoch;
        try {
            epoch = Long.parseLong(header.strip());
        } catch (NumberFormatException e) {
            return null;
        }
        String sender = epoch > view.epoch() ? request.getHeader(SENDER) : null;
        return sender == null ? null : view.catchUp(sender.strip(), epoch);
    }

    /** The other member a repair call is about: the caller itself. */
    private String member(Request request) throws BadRequest {
        byte[] member = QueryParams.bytes(request.getURI(), "member");
        String url = member == null ? "" : new String(member, StandardCharsets.UTF_8);
        try {
            shared.member(url);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, e.getMessage());
        }
        return url;
    }

    /** The one entry of a tree answer, as the cursor a stream sends. */
    private static final class SingleEntry implements RecordCursor {
        private static final byte[] KEY = "hashes".getBytes(StandardCharsets.US_ASCII);
        private final Record record;
        private boolean moved;

        SingleEntry(Record record) {
            this.record = record;
        }

        @Override
        public boolean next() {
            boolean first = !moved;
            moved = true;
            return first;
        }

        @Override
        public byte[] key() {
            return KEY;
        }

        @Override
        public Record record() {
            return record;
        }

        @Override
        public void close() {
        }
    }

    /** A replica read or write, done once this node caught up if it had to. */
    private void entity(Request request, DhtSession session, CompletableFuture<Void> caughtUp) throws BadRequest {
        int method = request.getMethod();
        if (method != Request.METHOD_GET && method != Request.METHOD_PUT) {
            throw new BadRequest(Response.METHOD_NOT_ALLOWED, request.getMethodName() + " is not allowed on " + ReplicaProtocol.ENTITY_PATH);
        }
        byte[] key = QueryParams.id(request.getURI());
        if (method == Request.METHOD_GET) {
            answer(session, after(caughtUp, () -> local.read(key)), record -> record == null
                    ? new Response(ReplicaProtocol.statusLine(ReplicaProtocol.ABSENT), Response.EMPTY)
                    : new Response(ReplicaProtocol.statusLine(ReplicaProtocol.FOUND), ReplicaProtocol.recordBody(record)));
            return;
        }
        Record record = decodeRecord(DhtServer.body(request, maxRecordBytes));
        if (!clock.admits(record.version())) {
            detector.clockRefused(request.getHeader(SENDER));
            throw new BadRequest(Response.BAD_REQUEST, "record version lies " + clock.millisAhead(record.version())
                    + " ms ahead of this node's clock, more than the allowed skew");
        }
        answer(session, after(caughtUp, () -> local.write(key, record)),
                ignored -> new Response(ReplicaProtocol.statusLine(ReplicaProtocol.STORED), Response.EMPTY));
    }

    /** The call, at once or once the catch-up ended, whether or not the fetch succeeded. */
    private static <T> CompletableFuture<T> after(CompletableFuture<Void> caughtUp, Supplier<CompletableFuture<T>> call) {
        return caughtUp == null ? call.get() : caughtUp.handle((ok, failure) -> null).thenCompose(ignored -> call.get());
    }

    /**
     * Answers when the call is done: at once for a read, and for a write unless it waits for a
     * WAL sync, whose thread then gives the answer. Meanwhile the session goes on with the calls
     * pipelined behind it, so that they share the sync instead of waiting for one each.
     */
    private static <T> void answer(DhtSession session, CompletableFuture<T> call, Function<T, Response> ok) {
        if (call.isDone()) {
            DhtServer.send(session, response(call, ok));
            return;
        }
        DhtSession.Owed slot;
        try {
            slot = session.defer();
        } catch (IOException e) {
            session.scheduleClose(); // the client went away; the write stands
            return;
        }
        if (slot == null) {
            call.whenComplete((value, failure) -> DhtServer.send(session, response(call, ok)));
        } else {
            call.whenComplete((value, failure) -> slot.answer(response(call, ok)));
        }
    }

    private static <T> Response response(CompletableFuture<T> done, Function<T, Response> ok) {
        try {
            return ok.apply(done.join());
        } catch (CompletionException e) {
            return Responses.of(new Outcome.StorageFailed(unwrap(e).getMessage()));
        }
    }

    /** This node's own records in the range, for peers and for a client's {@code local=true}. */
    RecordCursor localRange(byte[] start, byte[] end) {
        try {
            return local.range(start, end).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof StorageException storage ? storage : e;
        }
    }

    private static Record decodeRecord(byte[] body) throws BadRequest {
        try {
            return ReplicaProtocol.record(body);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, "bad record: " + e.getMessage());
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
