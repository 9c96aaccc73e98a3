package dht.cluster;

import dht.storage.Record;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Reads and writes records on one peer through the {@link ReplicaProtocol}: the peer serves each
 * call from its own data and never forwards it.
 *
 * <p>Calls go over a few pipelined keep-alive connections driven by the node's {@link PeerLoop}:
 * no thread waits for a peer, and under load one write carries many requests. Each call's future
 * is settled by its deadline whatever the socket does. Every reply and every failure updates the
 * peer's {@link PeerHealth}; the client itself sends every call it is given, down or not.
 */
public final class PeerClient implements AutoCloseable {
    private static final int CALLS_IN_FLIGHT_PER_CONNECTION = 256;
    private static final int SERVICE_UNAVAILABLE = 503;
    /** A peer answers a repair call after a scan of its whole store, and may scan long between two records. */
    private static final int REPAIR_TIMEOUT_MILLIS = 120_000;
    /**
     * A membership call may wait for the peer's writes in flight to settle, and a join for the
     * seed to reach every member: each within a few call deadlines, not one.
     */
    private static final long MEMBERSHIP_TIMEOUT_NANOS = 10_000_000_000L;

    // fixed after construction
    private final String url;
    private final InetSocketAddress address;
    private final String host;
    private final String self;
    private final String memberParam;
    private final PeerSettings settings;
    private final PeerConnection[] connections;
    private final ByteBudget requestBudget; // the loop's, shared by every peer
    private final PeerHealth health = new PeerHealth(System::nanoTime);
    private final long timeoutNanos;

    // any thread; rebuilt when this node's epoch changes, which every call carries
    private volatile byte[] headers;
    private volatile String senderHeaders;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder[] results = new LongAdder[CallResult.values().length];

    /**
     * @param url the peer's URL
     * @param self this node's URL, sent with every call so that the peer knows who is up
     * @param epoch this node's membership epoch, sent with every call so that a peer behind catches up
     */
    public PeerClient(String url, String self, long epoch, PeerSettings settings, PeerLoop loop) {
        this.url = url;
        URI parsed = URI.create(url);
        this.address = new InetSocketAddress(parsed.getHost(), parsed.getPort());
        this.host = parsed.getHost() + ":" + parsed.getPort();
        this.self = self;
        this.memberParam = PercentEncoding.encode(self.getBytes(StandardCharsets.UTF_8));
        epoch(epoch);
        this.settings = settings;
        this.connections = new PeerConnection[settings.connections()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new PeerConnection(address, loop, settings.maxEntryBytes());
        }
        this.requestBudget = loop.requestBudget();
        this.timeoutNanos = settings.timeoutMillis() * 1_000_000L;
        for (int i = 0; i < results.length; i++) {
            results[i] = new LongAdder();
        }
    }

    public String url() {
        return url;
    }

    /** The epoch this node's calls carry from now on. */
    public void epoch(long epoch) {
        senderHeaders = ReplicaProtocol.SENDER_HEADER + ": " + self + "\r\n" + ReplicaProtocol.EPOCH_HEADER + ": " + epoch + "\r\n";
        headers = (" HTTP/1.1\r\nHost: " + host + "\r\n" + senderHeaders).getBytes(StandardCharsets.US_ASCII);
    }

    public PeerHealth health() {
        return health;
    }

    /** The peer's record for the key, a tombstone included, or null when it has none. */
    public CompletableFuture<Record> read(byte[] key) {
        return call(request("GET ", entityTarget(key), null), timeoutNanos, reply -> switch (reply.status()) {
            case ReplicaProtocol.FOUND -> ReplicaProtocol.record(reply.body());
            case ReplicaProtocol.ABSENT -> null;
            default -> throw badReply(reply);
        });
    }

    public CompletableFuture<Void> write(byte[] key, Record record) {
        return call(request("PUT ", entityTarget(key), ReplicaProtocol.recordBody(record)), timeoutNanos, reply -> {
            if (reply.status() != ReplicaProtocol.STORED) {
                throw badReply(reply);
            }
            return null;
        });
    }

    /**
     * The cheapest call there is: it tells the peer that this node is up, and its answer that the
     * peer is, and at which membership epoch. Used to announce a start and to probe a peer marked down.
     */
    public CompletableFuture<Long> ping() {
        return call(request("GET ", ReplicaProtocol.PING_PATH, null), timeoutNanos, reply -> {
            if (reply.status() != ReplicaProtocol.PONG) {
                throw badReply(reply);
            }
            return ReplicaProtocol.epoch(reply.body());
        });
    }

    /** The membership the peer holds. */
    public CompletableFuture<Membership> membership() {
        return call(request("GET ", ReplicaProtocol.MEMBERSHIP_PATH, null), MEMBERSHIP_TIMEOUT_NANOS, this::membership);
    }

    /**
     * Offers the peer a membership, which it adopts if it is newer than its own; completes with
     * the membership the peer then holds.
     */
    public CompletableFuture<Membership> offer(Membership membership) {
        return call(request("PUT ", ReplicaProtocol.MEMBERSHIP_PATH, membership.encode()), MEMBERSHIP_TIMEOUT_NANOS,
                this::membership);
    }

    private Membership membership(PeerConnection.Reply reply) {
        if (reply.status() != ReplicaProtocol.FOUND) {
            throw badReply(reply);
        }
        try {
            return Membership.decode(reply.body());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " sent a bad membership: " + e.getMessage(), e);
        }
    }

    /**
     * Asks the peer, the coordinator of changes, to begin one: {@code kind} is join, leave or
     * remove, of the member {@code memberUrl}. The reply's status says what became of it.
     */
    public CompletableFuture<PeerConnection.Reply> change(String kind, String memberUrl) {
        return call(request("POST ", ReplicaProtocol.CHANGE_PATH + "?kind=" + kind + "&url="
                + PercentEncoding.encode(memberUrl.getBytes(StandardCharsets.UTF_8)), new byte[0]), MEMBERSHIP_TIMEOUT_NANOS,
                reply -> reply);
    }

    /** How far the handoff streams the peer pulls in the change named by its first epoch got. */
    public CompletableFuture<List<HandoffProgress>> handoffProgress(long transition) {
        return call(request("GET ", ReplicaProtocol.PROGRESS_PATH + "?transition=" + transition, null), timeoutNanos, reply -> {
            if (reply.status() != ReplicaProtocol.FOUND) {
                throw badReply(reply);
            }
            try {
                return HandoffProgress.decode(reply.body());
            } catch (IllegalArgumentException e) {
                throw new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " sent bad progress: " + e.getMessage(), e);
            }
        });
    }

    private static String entityTarget(byte[] key) {
        return ReplicaProtocol.ENTITY_PATH + "?id=" + PercentEncoding.encode(key);
    }

    /** A request: its head (request line and headers, the signature's among them) and its body, if any, as it is. */
    private Request request(String method, String target, byte[] body) {
        byte[] headers = this.headers;
        int bodyLength = body == null ? 0 : body.length;
        String length = body == null ? "" : "Content-Length: " + body.length + "\r\n";
        if (settings.secret().enabled()) {
            length += settings.secret().headerLine(method.strip(), target, self, System.currentTimeMillis(), bodyLength);
        }
        byte[] bytes = new byte[method.length() + target.length() + headers.length + length.length() + 2];
        int at = ascii(method, bytes, 0);
        at = ascii(target, bytes, at);
        System.arraycopy(headers, 0, bytes, at, headers.length);
        at = ascii(length, bytes, at + headers.length);
        bytes[at++] = '\r';
        bytes[at] = '\n';
        return new Request(ByteBuffer.wrap(bytes), body == null ? null : ByteBuffer.wrap(body));
    }

    private record Request(ByteBuffer head, ByteBuffer body) {
    }

    private static int ascii(String text, byte[] out, int at) {
        for (int i = 0; i < text.length(); i++) {
            out[at + i] = (byte) text.charAt(i); // ASCII: the id is percent-encoded
        }
        return at + text.length();
    }

    /**
     * The peer's records from {@code start} (inclusive) to {@code end} (exclusive; null: to the
     * last key), tombstones included, as a stream that blocks the reading thread.
     *
     * @throws PeerException when the peer does not start the stream
     */
    public PeerStream range(byte[] start, byte[] end) {
        return stream(ReplicaProtocol.RANGE_PATH + "?start=" + PercentEncoding.encode(start)
                + (end == null ? "" : "&end=" + PercentEncoding.encode(end)), "range", settings.timeoutMillis());
    }

    /**
     * Anti-entropy: the peer's hashes of the records it shares with this node, of every range
     * ({@code range < 0}) or of one range's leaves. Blocks the calling thread.
     *
     * @throws PeerException when the peer does not answer with hashes
     */
    public long[] hashes(int range) {
        try (PeerStream stream = stream(ReplicaProtocol.TREE_PATH + "?member=" + memberParam
                + (range < 0 ? "" : "&range=" + range), "tree", REPAIR_TIMEOUT_MILLIS)) {
            if (!stream.next()) {
                throw new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " sent no hashes", null);
            }
            return ReplicaProtocol.hashes(stream.record());
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " sent bad hashes: " + e.getMessage(), e);
        }
    }

    /** Anti-entropy: the peer's records shared with this node in the leaves of the encoded set, as a blocking stream. */
    public PeerStream shared(String leaves) {
        return stream(ReplicaProtocol.SHARED_PATH + "?member=" + memberParam + "&leaves=" + leaves, "shared records",
                REPAIR_TIMEOUT_MILLIS);
    }

    /**
     * A membership change's handoff: the records of the arcs the peer sends this node, in key
     * order after {@code after} (null: from the first key), as a blocking stream whose first
     * entry is the peer's estimate of its size ({@link ReplicaProtocol#handoffEstimate}).
     */
    public PeerStream handoff(long transition, byte[] after) {
        return stream(ReplicaProtocol.HANDOFF_PATH + "?transition=" + transition
                + (after == null ? "" : "&after=" + PercentEncoding.encode(after)), "handoff", REPAIR_TIMEOUT_MILLIS);
    }

    /**
     * A streamed call on a connection of its own, so that a long answer holds up no pipelined call.
     *
     * @throws PeerException when the peer does not start the stream
     */
    private PeerStream stream(String uri, String what, int timeoutMillis) {
        long sent = System.nanoTime();
        try {
            String headerLines = senderHeaders + settings.secret().headerLine("GET", uri, self, System.currentTimeMillis(), 0);
            ChunkedReader reader = ChunkedReader.open(address, uri, headerLines,
                    settings.connectTimeoutMillis(), timeoutMillis, settings.maxEntryBytes());
            health.heardFrom();
            count(null);
            return new PeerStream(url, reader);
        } catch (ChunkedReader.Refused e) {
            health.heardFrom();
            PeerException refused = new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " refused the " + what
                    + ": " + e.getMessage(), e);
            count(refused);
            throw refused;
        } catch (IOException e) {
            health.failed(sent);
            PeerException failed = PeerStream.failure(url, e);
            count(failed);
            throw failed;
        }
    }

    private <T> CompletableFuture<T> call(Request request, long timeoutNanos, Function<PeerConnection.Reply, T> decoder) {
        if (inFlight.incrementAndGet() > connections.length * CALLS_IN_FLIGHT_PER_CONNECTION) {
            inFlight.decrementAndGet();
            PeerException refused = new PeerException(PeerException.Kind.UNAVAILABLE, "too many calls in flight to peer " + url, null);
            count(refused);
            return CompletableFuture.failedFuture(refused);
        }
        long bodyBytes = request.body() == null ? 0 : request.body().remaining();
        if (bodyBytes > 0 && !requestBudget.tryReserve(bodyBytes)) {
            inFlight.decrementAndGet();
            PeerException refused = new PeerException(PeerException.Kind.NO_ROOM, "no room for another " + bodyBytes
                    + "-byte request to peer " + url + ": too many bytes of requests to peers await their replies", null);
            count(refused);
            return CompletableFuture.failedFuture(refused);
        }
        PeerConnection connection = connections[Math.floorMod(next.getAndIncrement(), connections.length)];
        CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
        long sent = System.nanoTime();
        CompletableFuture<T> answer = reply.handle((received, failure) -> {
            inFlight.decrementAndGet();
            requestBudget.release(bodyBytes);
            try {
                if (failure != null) {
                    health.failed(sent);
                    throw failed(unwrap(failure));
                }
                if (received.status() == SERVICE_UNAVAILABLE) {
                    health.failed(sent); // stopping: it answers, but serves nothing
                } else {
                    health.heardFrom();
                }
                if (received.status() == ReplyReader.DROPPED) {
                    throw new PeerException(PeerException.Kind.NO_ROOM, "the reply from peer " + url
                            + " was dropped: larger than the node's room for replies being read", null);
                }
                T value = decoder.apply(received);
                count(null);
                return value;
            } catch (RuntimeException e) {
                count(e);
                throw e;
            }
        });
        connection.submit(new PeerConnection.Call(request.head(), request.body(), reply, sent + timeoutNanos));
        return answer;
    }

    private PeerException failed(Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new PeerException(PeerException.Kind.TIMEOUT,
                    "peer " + url + " gave no answer in " + settings.timeoutMillis() + " ms", null);
        }
        return new PeerException(PeerException.Kind.UNAVAILABLE, "peer " + url + " unreachable: " + cause.getMessage(), cause);
    }
    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    private void count(Throwable failure) {
        Throwable cause = unwrap(failure);
        CallResult result = cause == null ? CallResult.OK
                : cause instanceof PeerException e ? CallResult.valueOf(e.kind().name()) : CallResult.BAD_REPLY;
        results[result.ordinal()].increment();
    }

    /** Calls that ended this way since start, range streams included. */
    public long calls(CallResult result) {
        return results[result.ordinal()].sum();
    }

    private PeerException badReply(PeerConnection.Reply reply) {
        return new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " answered " + reply.status() + " "
                + new String(reply.body(), StandardCharsets.UTF_8).strip(), null);
    }

    @Override
    public void close() {
        for (PeerConnection connection : connections) {
            connection.reset("the node is stopping");
        }
    }

    /** How a call to the peer ended: answered, or why not (see {@link PeerException.Kind}). */
    public enum CallResult { OK, UNAVAILABLE, TIMEOUT, BAD_REPLY, NO_ROOM }
}
