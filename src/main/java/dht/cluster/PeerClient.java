package dht.cluster;

import dht.storage.Record;
import dht.storage.RecordCodec;
import one.nio.http.HttpClient;
import one.nio.http.HttpException;
import one.nio.http.Request;
import one.nio.http.Response;
import one.nio.net.ConnectionString;
import one.nio.pool.PoolException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Reads and writes records on one peer through its internal endpoint, which serves the call
 * locally and never forwards it. The body on the wire is the {@link RecordCodec} form, so the
 * version and the tombstone flag travel with the value.
 *
 * <p>one-nio's {@link HttpClient} blocks, so calls run on this peer's own small executor (one
 * thread per pooled connection) and the caller gets a future that is settled by the deadline
 * whatever the socket does. A peer that failed is refused at once until {@link PeerHealth} lets
 * a probe through.
 */
public final class PeerClient implements AutoCloseable {
    public static final String INTERNAL_PATH = "/v0/internal/entity";
    public static final String INTERNAL_RANGE_PATH = "/v0/internal/entities";
    private static final int QUEUED_CALLS_PER_CONNECTION = 64;

    // fixed after construction
    private final String url;
    private final String host;
    private final int port;
    private final PeerSettings settings;
    private final HttpClient http;
    private final ThreadPoolExecutor executor;
    private final PeerHealth health;
    private final int timeoutMillis;

    // any thread
    private final LongAdder[] results = new LongAdder[CallResult.values().length];

    public PeerClient(String url, PeerSettings settings) {
        this.url = url;
        URI parsed = URI.create(url);
        this.host = parsed.getHost();
        this.port = parsed.getPort();
        this.settings = settings;
        this.timeoutMillis = settings.timeoutMillis();
        this.http = new HttpClient(new ConnectionString(url
                + "?clientMaxPoolSize=" + settings.connections()
                + "&timeout=" + settings.timeoutMillis()
                + "&connectTimeout=" + settings.connectTimeoutMillis()
                + "&keepalive=true"));
        this.executor = new ThreadPoolExecutor(settings.connections(), settings.connections(),
                1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(settings.connections() * QUEUED_CALLS_PER_CONNECTION),
                Threads.daemon("peer " + url), new ThreadPoolExecutor.AbortPolicy());
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
        Request request = http.createRequest(Request.METHOD_GET, uriOf(key));
        return call(request, response -> switch (response.getStatus()) {
            case 200 -> RecordCodec.decode(response.getBody());
            case 404 -> null;
            default -> throw badReply(response);
        });
    }

    public CompletableFuture<Void> write(byte[] key, Record record) {
        byte[] body = RecordCodec.encode(record);
        Request request = http.createRequest(Request.METHOD_PUT, uriOf(key), "Content-Length: " + body.length);
        request.setBody(body);
        return call(request, response -> {
            if (response.getStatus() != 201) {
                throw badReply(response);
            }
            return null;
        });
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
            ChunkedReader reader = ChunkedReader.open(new InetSocketAddress(host, port), uri,
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

    private static String uriOf(byte[] key) {
        return INTERNAL_PATH + "?id=" + PercentEncoding.encode(key);
    }

    private <T> CompletableFuture<T> call(Request request, ReplyDecoder<T> decoder) {
        CompletableFuture<T> answer = send(request, decoder);
        answer.whenComplete((ignored, failure) -> count(failure));
        return answer;
    }

    private void count(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        CallResult result = cause == null ? CallResult.OK
                : cause instanceof PeerException e ? CallResult.valueOf(e.kind().name()) : CallResult.BAD_REPLY;
        results[result.ordinal()].increment();
    }

    /** Calls that ended this way since start, range streams included. */
    public long calls(CallResult result) {
        return results[result.ordinal()].sum();
    }

    private <T> CompletableFuture<T> send(Request request, ReplyDecoder<T> decoder) {
        CompletableFuture<T> result = new CompletableFuture<>();
        if (!health.admit()) {
            result.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE,
                    "peer " + url + " is marked down", null));
            return result;
        }
        try {
            executor.execute(() -> invoke(request, decoder, result));
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE,
                    "too many calls queued for peer " + url, null));
            return result;
        }
        return result.orTimeout(timeoutMillis, TimeUnit.MILLISECONDS).exceptionallyCompose(this::timedOut);
    }

    private <T> CompletableFuture<T> timedOut(Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TimeoutException) {
            health.failed();
            cause = new PeerException(PeerException.Kind.TIMEOUT,
                    "peer " + url + " gave no answer in " + timeoutMillis + " ms", null);
        }
        return CompletableFuture.failedFuture(cause);
    }

    private <T> void invoke(Request request, ReplyDecoder<T> decoder, CompletableFuture<T> result) {
        if (result.isDone()) {
            return; // its deadline passed while it queued
        }
        Response response;
        try {
            response = http.invoke(request, timeoutMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            result.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE, "interrupted", e));
            return;
        } catch (SocketTimeoutException e) {
            health.failed();
            result.completeExceptionally(new PeerException(PeerException.Kind.TIMEOUT,
                    "peer " + url + " timed out: " + e.getMessage(), e));
            return;
        } catch (PoolException | IOException e) {
            health.failed();
            result.completeExceptionally(new PeerException(PeerException.Kind.UNAVAILABLE,
                    "peer " + url + " unreachable: " + e.getMessage(), e));
            return;
        } catch (HttpException e) {
            health.failed();
            result.completeExceptionally(new PeerException(PeerException.Kind.BAD_REPLY,
                    "peer " + url + " sent a malformed reply: " + e.getMessage(), e));
            return;
        }
        health.succeeded();
        try {
            result.complete(decoder.decode(response));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private PeerException badReply(Response response) {
        return new PeerException(PeerException.Kind.BAD_REPLY,
                "peer " + url + " answered " + response.getStatus() + " " + response.getBodyUtf8().strip(), null);
    }

    @Override
    public void close() {
        executor.shutdownNow();
        http.close();
    }

    /** How a call to the peer ended: answered, or why not (see {@link PeerException.Kind}). */
    public enum CallResult { OK, UNAVAILABLE, TIMEOUT, BAD_REPLY }

    @FunctionalInterface
    private interface ReplyDecoder<T> {
        T decode(Response response);
    }
}
