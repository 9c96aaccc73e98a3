package dht.cluster;

import dht.storage.Record;
import dht.storage.RecordCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Reads and writes records on one peer through its internal endpoint, which serves the call
 * locally and never forwards it. The body on the wire is the {@link RecordCodec} form, so the
 * version and the tombstone flag travel with the value.
 *
 * <p>Calls go over a few pipelined keep-alive connections driven by the node's {@link PeerLoop}:
 * no thread waits for a peer, and under load one write carries many requests. Each call's future
 * is settled by its deadline whatever the socket does. A peer that failed is refused at once
 * until {@link PeerHealth} lets a probe through.
 */
public final class PeerClient implements AutoCloseable {
    public static final String INTERNAL_PATH = "/v0/internal/entity";
    public static final String INTERNAL_RANGE_PATH = "/v0/internal/entities";
    private static final int CALLS_IN_FLIGHT_PER_CONNECTION = 256;

    // fixed after construction
    private final String url;
    private final InetSocketAddress address;
    private final byte[] hostHeader;
    private final PeerSettings settings;
    private final PeerConnection[] connections;
    private final PeerHealth health;
    private final long timeoutNanos;

    // any thread
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder[] results = new LongAdder[CallResult.values().length];

    public PeerClient(String url, PeerSettings settings, PeerLoop loop) {
        this.url = url;
        URI parsed = URI.create(url);
        this.address = new InetSocketAddress(parsed.getHost(), parsed.getPort());
        this.hostHeader = (" HTTP/1.1\r\nHost: " + parsed.getHost() + ":" + parsed.getPort() + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        this.settings = settings;
        this.connections = new PeerConnection[settings.connections()];
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new PeerConnection(address, loop);
        }
        this.timeoutNanos = settings.timeoutMillis() * 1_000_000L;
        this.health = new PeerHealth(settings.downMillis(), System::currentTimeMillis);
        for (int i = 0; i < results.length; i++) {
            results[i] = new LongAdder();
        }
    }

    public boolean isDown() {
        return health.isDown();
    }

    /** The peer's record for the key, a tombstone included, or null when it has none. */
    public CompletableFuture<Record> read(byte[] key) {
        return call(request("GET ", key, null), reply -> switch (reply.status()) {
            case 200 -> RecordCodec.decode(reply.body());
            case 404 -> null;
            default -> throw badReply(reply);
        });
    }

    public CompletableFuture<Void> write(byte[] key, Record record) {
        return call(request("PUT ", key, record), reply -> {
            if (reply.status() != 201) {
                throw badReply(reply);
            }
            return null;
        });
    }

    /** The whole request in one buffer: request line, headers and, for a write, the record. */
    private ByteBuffer request(String method, byte[] key, Record record) {
        String target = INTERNAL_PATH + "?id=" + PercentEncoding.encode(key);
        int bodyLength = record == null ? 0 : RecordCodec.encodedLength(record);
        String length = record == null ? "" : "Content-Length: " + bodyLength + "\r\n";
        byte[] bytes = new byte[method.length() + target.length() + hostHeader.length + length.length() + 2 + bodyLength];
        int at = ascii(method, bytes, 0);
        at = ascii(target, bytes, at);
        System.arraycopy(hostHeader, 0, bytes, at, hostHeader.length);
        at = ascii(length, bytes, at + hostHeader.length);
        bytes[at++] = '\r';
        bytes[at++] = '\n';
        if (record != null) {
            RecordCodec.encodeInto(record, bytes, at);
        }
        return ByteBuffer.wrap(bytes);
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
     * @throws PeerException when the peer is marked down or does not start the stream
     */
    public PeerStream range(byte[] start, byte[] end) {
        if (!health.admit()) {
            results[CallResult.UNAVAILABLE.ordinal()].increment();
            throw new PeerException(PeerException.Kind.UNAVAILABLE, "peer " + url + " is marked down", null);
        }
        String uri = INTERNAL_RANGE_PATH + "?start=" + PercentEncoding.encode(start)
                + (end == null ? "" : "&end=" + PercentEncoding.encode(end));
        try {
            ChunkedReader reader = ChunkedReader.open(address, uri,
                    settings.connectTimeoutMillis(), settings.timeoutMillis(), settings.maxEntryBytes());
            health.succeeded();
            count(null);
            return new PeerStream(url, reader);
        } catch (ChunkedReader.Refused e) {
            health.succeeded();
            PeerException refused = new PeerException(PeerException.Kind.BAD_REPLY, "peer " + url + " refused the range: " + e.getMessage(), e);
            count(refused);
            throw refused;
        } catch (IOException e) {
            health.failed();
            PeerException failed = PeerStream.failure(url, e);
            count(failed);
            throw failed;
        }
    }

    private <T> CompletableFuture<T> call(ByteBuffer request, Function<PeerConnection.Reply, T> decoder) {
        if (!health.admit()) {
            return refused("peer " + url + " is marked down");
        }
        if (inFlight.incrementAndGet() > connections.length * CALLS_IN_FLIGHT_PER_CONNECTION) {
            inFlight.decrementAndGet();
            return refused("too many calls in flight to peer " + url);
        }
        PeerConnection connection = connections[Math.floorMod(next.getAndIncrement(), connections.length)];
        CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
        CompletableFuture<T> answer = reply.handle((received, failure) -> {
            inFlight.decrementAndGet();
            try {
                if (failure != null) {
                    throw failed(unwrap(failure));
                }
                health.succeeded();
                T value = decoder.apply(received);
                count(null);
                return value;
            } catch (RuntimeException e) {
                count(e);
                throw e;
            }
        });
        connection.submit(new PeerConnection.Call(request, reply, System.nanoTime() + timeoutNanos));
        return answer;
    }

    private <T> CompletableFuture<T> refused(String message) {
        PeerException refused = new PeerException(PeerException.Kind.UNAVAILABLE, message, null);
        count(refused);
        return CompletableFuture.failedFuture(refused);
    }

    private PeerException failed(Throwable cause) {
        health.failed();
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
    public enum CallResult { OK, UNAVAILABLE, TIMEOUT, BAD_REPLY }
}
