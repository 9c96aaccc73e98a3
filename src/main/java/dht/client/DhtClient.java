package dht.client;

import dht.cluster.ChunkedReader;
import dht.cluster.PeerConnection;
import dht.cluster.PeerLoop;
import dht.cluster.PercentEncoding;
import dht.cluster.Ring;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Java client for a dht cluster that knows the ring.
 *
 * <p>Design. The client reads the members and the ring's partitions from any member's
 * {@code /v0/status}, computes the ring with the nodes' own {@link Ring} code, and sends each
 * request to a replica of its key: the first of its preference list not known to be down. That
 * replica coordinates the request and stores or reads its own copy instead of proxying it. A
 * member that cannot be reached is passed over for {@link #DOWN_MILLIS} and the request goes to
 * the next member of the list, so a dead node costs one refused connection, not a failed
 * request. Requests travel over the nodes' own transport: a few pipelined keep-alive connections
 * per member, driven by one non-blocking I/O thread ({@link PeerLoop}), so no thread is held per
 * connection and concurrent callers share connections. The client is thread-safe. A {@code 503}
 * (the node is overloaded or stopping) is retried after its {@code Retry-After}, a bounded number
 * of times, for reads always and for writes only when the builder says so. Every call has a
 * form that waits and one that returns a future ({@link #getAsync} and the like): the waiting
 * form waits for the other, and with the futures one thread keeps many requests in flight.
 *
 * <p>Its view of the members is read at start, on {@link #refresh}, and again in the background
 * when a member cannot be reached (at most once per {@link #DOWN_MILLIS}) and when a node's
 * answer carries a newer membership epoch than the view's: members that join or leave are seen
 * on the next answer after the change.
 */
public final class DhtClient implements AutoCloseable {
    /** How long a member that could not be reached is passed over. */
    static final long DOWN_MILLIS = 1000;
    private static final int CONNECTIONS_PER_MEMBER = 4;
    private static final int MAX_RETRY_AFTER_MILLIS = 2000;
    private static final int MAX_ANSWER_BYTES = Integer.MAX_VALUE - 64;
    private static final int SERVICE_UNAVAILABLE = 503;
    private static final Pattern URL = Pattern.compile("\"url\":\"([^\"]+)\"");
    private static final Pattern PARTITIONS = Pattern.compile("\"partitions\":(\\d+)");
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":(\\d+)");

    // fixed after construction
    private final List<String> seeds;
    private final Duration timeout;
    private final int retries;
    private final boolean retryWrites;
    private final String authorization;
    private final PeerLoop loop = new PeerLoop(Runtime.getRuntime().maxMemory() / 4);

    // any thread
    private volatile Ring ring;
    private volatile long epoch;
    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ConcurrentHashMap<String, Member> members = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> downUntil = new ConcurrentHashMap<>();
    private final AtomicLong lastRefreshMillis = new AtomicLong();

    /** One member's connections, and the request lines' fixed part for it. */
    private final class Member {
        final URI uri;
        final byte[] headers;
        final PeerConnection[] connections = new PeerConnection[CONNECTIONS_PER_MEMBER];
        final AtomicInteger next = new AtomicInteger();

        Member(String url) {
            this.uri = URI.create(url);
            this.headers = (" HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n"))
                    .getBytes(StandardCharsets.US_ASCII);
            InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort());
            for (int i = 0; i < connections.length; i++) {
                connections[i] = new PeerConnection(address, loop, MAX_ANSWER_BYTES, true);
            }
        }

        PeerConnection connection() {
            return connections[Math.floorMod(next.getAndIncrement(), connections.length)];
        }
    }

    private DhtClient(Builder builder) {
        this.seeds = List.copyOf(builder.seeds);
        this.timeout = builder.timeout;
        this.retries = builder.retries;
        this.retryWrites = builder.retryWrites;
        this.authorization = builder.token == null ? null : "Bearer " + builder.token;
        try {
            refresh();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** A client of the cluster that any of these members belongs to. */
    public static Builder builder(String... seedUrls) {
        return new Builder(List.of(seedUrls));
    }

    /** The key's value, or empty when it has none or was deleted. */
    public Optional<byte[]> get(String id) {
        return get(id, 0, 0);
    }

    /** @param ack and {@code from}: as the API's parameters; 0 for the cluster's defaults */
    public Optional<byte[]> get(String id, int ack, int from) {
        return await(getAsync(id, ack, from));
    }

    public void put(String id, byte[] value) {
        put(id, value, 0, 0);
    }

    public void put(String id, byte[] value, int ack, int from) {
        await(putAsync(id, value, ack, from));
    }

    /**
     * A value that reads as absent once {@code ttl} has passed, until a later write.
     *
     * @param ttl whole seconds, from 1 s to 10 years
     */
    public void put(String id, byte[] value, Duration ttl) {
        if (ttl.toNanosPart() != 0 || ttl.getSeconds() < 1) {
            throw new IllegalArgumentException("a ttl is whole seconds, at least one: " + ttl);
        }
        await(expect(send("PUT", id, 0, 0, "&ttl=" + ttl.getSeconds(), value, retryWrites), 201));
    }

    public void delete(String id) {
        delete(id, 0, 0);
    }

    public void delete(String id, int ack, int from) {
        await(deleteAsync(id, ack, from));
    }

    /**
     * {@link #get(String, int, int)} without waiting for the answer, so that one thread can keep
     * many requests in flight; they share the pipelined connections. The future fails with what
     * the waiting call would throw. It completes on the client's I/O thread: work chained to it
     * must not block, or must move to an executor of its own ({@code thenApplyAsync} and the like).
     */
    public CompletableFuture<Optional<byte[]>> getAsync(String id, int ack, int from) {
        return send("GET", id, ack, from, "", null, true).thenApply(reply -> reply.status() == 404
                ? Optional.empty() : Optional.of(expect(reply, 200).body()));
    }

    /** {@link #put(String, byte[], int, int)} without waiting; see {@link #getAsync}. */
    public CompletableFuture<Void> putAsync(String id, byte[] value, int ack, int from) {
        return expect(send("PUT", id, ack, from, "", value, retryWrites), 201);
    }

    /** {@link #delete(String, int, int)} without waiting; see {@link #getAsync}. */
    public CompletableFuture<Void> deleteAsync(String id, int ack, int from) {
        return expect(send("DELETE", id, ack, from, "", null, retryWrites), 202);
    }

    /**
     * The live keys from {@code start} (inclusive) to {@code end} (exclusive; null: to the last
     * key), merged across the cluster, read as the iterator moves: the client never holds more
     * than one entry. Close it when done early.
     */
    public RangeIterator range(String start, String end) {
        String target = "/v0/entities?start=" + PercentEncoding.encode(start.getBytes(StandardCharsets.UTF_8))
                + (end == null ? "" : "&end=" + PercentEncoding.encode(end.getBytes(StandardCharsets.UTF_8)));
        String headers = authorization == null ? "" : "Authorization: " + authorization + "\r\n";
        int millis = (int) timeout.toMillis();
        String cause = "no member to ask";
        for (String member : upFirst(ring.members())) {
            URI uri = URI.create(member);
            try {
                return new RangeIterator(ChunkedReader.open(new InetSocketAddress(uri.getHost(), uri.getPort()), target,
                        headers, millis, millis, MAX_ANSWER_BYTES));
            } catch (ChunkedReader.Refused e) {
                throw new DhtException(0, "range refused by " + member + ": " + e.getMessage());
            } catch (IOException e) {
                markDown(member);
                cause = member + " unreachable: " + e.getMessage();
            }
        }
        throw new DhtException(0, cause);
    }

    /** Reads the members and the ring again, from the first member or seed that answers. */
    public void refresh() {
        List<String> sources = new ArrayList<>(ring == null ? List.of() : ring.members());
        sources.addAll(seeds);
        for (String source : sources) {
            PeerConnection.Reply status;
            try {
                status = call(member(source), "GET", "/v0/status", null).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof ConnectException) {
                    markDown(source);
                }
                continue; // a member that broke off or did not answer in time: the next may
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DhtException(0, "interrupted");
            }
            if (status.status() == 200) {
                String text = new String(status.body(), StandardCharsets.UTF_8);
                ring = parse(text);
                Matcher epochOf = EPOCH.matcher(text);
                epoch = epochOf.find() ? Long.parseLong(epochOf.group(1)) : 0;
                lastRefreshMillis.set(System.currentTimeMillis());
                return;
            }
        }
        throw new DhtException(0, "no member of " + sources + " answered /v0/status with 200");
    }

    /** The ring a member's {@code /v0/status} describes: its members and its partitions. */
    static Ring parse(String status) {
        List<String> urls = new ArrayList<>();
        Matcher url = URL.matcher(status);
        while (url.find()) {
            urls.add(url.group(1));
        }
        Matcher partitions = PARTITIONS.matcher(status);
        if (urls.isEmpty() || !partitions.find()) {
            throw new DhtException(0, "a /v0/status without members or partitions");
        }
        return new Ring(urls, Integer.parseInt(partitions.group(1)));
    }

    /**
     * The members to try for the key, in order: its preference list, whose first {@code from}
     * are its replicas, so the first member up is a replica whenever one is; those known to be
     * down last.
     */
    List<String> membersFor(String id) {
        Ring current = ring;
        int[] preference = current.preferenceList(id.getBytes(StandardCharsets.UTF_8), current.size());
        List<String> order = new ArrayList<>(current.size());
        for (int member : preference) {
            order.add(current.members().get(member));
        }
        return upFirst(order);
    }

    private List<String> upFirst(List<String> candidates) {
        long now = System.currentTimeMillis();
        List<String> up = new ArrayList<>(candidates.size());
        List<String> down = new ArrayList<>();
        for (String member : candidates) {
            Long until = downUntil.get(member);
            (until != null && until > now ? down : up).add(member);
        }
        up.addAll(down);
        return up;
    }

    /** Passes the member over for a while, and reads the view again in the background, now and then. */
    private void markDown(String member) {
        long now = System.currentTimeMillis();
        downUntil.put(member, now + DOWN_MILLIS);
        long last = lastRefreshMillis.get();
        if (ring != null && now - last > DOWN_MILLIS && lastRefreshMillis.compareAndSet(last, now)) {
            CompletableFuture.runAsync(() -> {
                try {
                    refresh();
                } catch (DhtException e) {
                    // no member answered: the view stays as it was, and the next failure tries again
                }
            });
        }
    }

    private Member member(String url) {
        return members.computeIfAbsent(url, Member::new);
    }

    /** @param more further parameters, each with its leading {@code &} */
    private CompletableFuture<PeerConnection.Reply> send(String method, String id, int ack, int from, String more,
                                                         byte[] body, boolean retry) {
        String target = "/v0/entity?id=" + PercentEncoding.encode(id.getBytes(StandardCharsets.UTF_8))
                + (ack > 0 ? "&ack=" + ack : "") + (from > 0 ? "&from=" + from : "") + more;
        return attempt(method, target, id, body, retry ? retries + 1 : 1);
    }

    /** Sends the request, and again after a {@code 503}'s Retry-After while attempts are left. */
    private CompletableFuture<PeerConnection.Reply> attempt(String method, String target, String id, byte[] body,
                                                            int attempts) {
        return sendToReplicas(method, target, body, membersFor(id), 0, "no member").thenCompose(reply -> {
            if (reply.status() != SERVICE_UNAVAILABLE || attempts == 1) {
                return CompletableFuture.completedFuture(reply);
            }
            long millis = reply.retryAfterSeconds() < 0 ? 1000 : reply.retryAfterSeconds() * 1000L;
            Executor later = CompletableFuture.delayedExecutor(Math.min(millis, MAX_RETRY_AFTER_MILLIS), TimeUnit.MILLISECONDS);
            return CompletableFuture.runAsync(() -> { }, later)
                    .thenCompose(ignored -> attempt(method, target, id, body, attempts - 1));
        });
    }

    /** Sends to the members in order from the i-th, passing over those that cannot be reached. */
    private CompletableFuture<PeerConnection.Reply> sendToReplicas(String method, String target, byte[] body,
                                                                   List<String> order, int i, String cause) {
        if (i == order.size()) {
            return CompletableFuture.failedFuture(new DhtException(0, "no member could be reached for " + target + ": " + cause));
        }
        String url = order.get(i);
        return call(member(url), method, target, body).exceptionallyCompose(failure -> {
            if (!(unwrap(failure) instanceof IOException e)) {
                return CompletableFuture.failedFuture(unwrap(failure));
            }
            if (!(e instanceof ConnectException) && !method.equals("GET") && !retryWrites) {
                // It may have been carried out: only a request that is safe to repeat goes on.
                return CompletableFuture.failedFuture(
                        new UncheckedIOException(method + " " + target + " to " + url + " broke off", e));
            }
            markDown(url); // a refused connection never reached it; a broken one is safe to repeat
            return sendToReplicas(method, target, body, order, i + 1, e.getMessage());
        });
    }

    /** One request to one member: fails with a {@link DhtException} when it gets no answer within the timeout. */
    private CompletableFuture<PeerConnection.Reply> call(Member member, String method, String target, byte[] body) {
        byte[] length = body == null ? new byte[0]
                : ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteBuffer head = ByteBuffer.allocate(method.length() + 1 + target.length() + member.headers.length
                + length.length + 2);
        head.put(method.getBytes(StandardCharsets.US_ASCII)).put((byte) ' ')
                .put(target.getBytes(StandardCharsets.US_ASCII)).put(member.headers).put(length)
                .put((byte) '\r').put((byte) '\n').flip();
        CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
        member.connection().submit(new PeerConnection.Call(head, body == null ? null : ByteBuffer.wrap(body), reply,
                System.nanoTime() + timeout.toNanos()));
        // The loop fails a call at its deadline; this later bound only covers a loop that stalled.
        return reply.orTimeout(timeout.toMillis() + DOWN_MILLIS, TimeUnit.MILLISECONDS).handle((answer, failure) -> {
            if (failure == null) {
                if (answer.epoch() > epoch) {
                    refreshInBackground();
                }
                return answer;
            }
            Throwable cause = unwrap(failure);
            if (cause instanceof TimeoutException) {
                throw new DhtException(0, method + " " + target + " got no answer from " + member.uri + " in " + timeout);
            }
            throw new CompletionException(cause instanceof IOException ? cause : new IOException(cause));
        });
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }

    /** Waits for a call, and throws what it failed with as it is. */
    private static <T> T await(CompletableFuture<T> call) {
        try {
            return call.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new DhtException(0, e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DhtException(0, "interrupted");
        }
    }

    /** Reads the view again on another thread, unless a read is under way: the members changed. */
    private void refreshInBackground() {
        if (refreshing.compareAndSet(false, true)) {
            CompletableFuture.runAsync(() -> {
                try {
                    refresh();
                } catch (DhtException e) {
                    // the next answer with the newer epoch tries again
                } finally {
                    refreshing.set(false);
                }
            });
        }
    }

    private static PeerConnection.Reply expect(PeerConnection.Reply reply, int status) {
        if (reply.status() != status) {
            throw new DhtException(reply.status(), new String(reply.body(), StandardCharsets.UTF_8).strip());
        }
        return reply;
    }

    private static CompletableFuture<Void> expect(CompletableFuture<PeerConnection.Reply> reply, int status) {
        return reply.thenAccept(answer -> expect(answer, status));
    }

    /** Closes the connections and stops the client's I/O thread. */
    @Override
    public void close() {
        for (Member member : members.values()) {
            for (PeerConnection connection : member.connections) {
                connection.reset("the client is closing");
            }
        }
        loop.close();
    }

    /** How a client is made. */
    public static final class Builder {
        private final List<String> seeds;
        private Duration timeout = Duration.ofSeconds(5);
        private int retries = 3;
        private boolean retryWrites;
        private String token;

        private Builder(List<String> seeds) {
            if (seeds.isEmpty()) {
                throw new IllegalArgumentException("give at least one member's URL");
            }
            this.seeds = seeds;
        }

        /** The longest wait for one call's answer, connecting included (default 5 s). */
        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /** How many times a {@code 503} is retried after its Retry-After (default 3). */
        public Builder retries(int retries) {
            this.retries = retries;
            return this;
        }

        /**
         * Whether writes are retried too (default no): after a {@code 503}, and after a connection
         * that broke off, when the write may have been carried out already. Repeating a PUT stores
         * the value again under a newer version, which is harmless unless another write came between.
         */
        public Builder retryWrites(boolean retryWrites) {
            this.retryWrites = retryWrites;
            return this;
        }

        /** The bearer token to send, for a cluster with {@code --tokens-file}. */
        public Builder token(String token) {
            this.token = token;
            return this;
        }

        public DhtClient build() {
            return new DhtClient(this);
        }
    }
}
