package dht.client;

import dht.cluster.PeerConnection;
import dht.cluster.PeerLoop;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A closed-loop load, the same through the ring-aware {@link DhtClient} ({@code --via client})
 * and through the first node alone ({@code --via node}) over the same transport (pipelined
 * connections on one {@link PeerLoop}), so that the two can be compared in one run: threads each
 * send a request, wait for its answer, and send the next; with {@code --async true}, as many
 * requests are kept in flight with no thread of their own, each answer sending the next. Prints
 * throughput and latency percentiles.
 *
 * <pre>
 * java -cp target/dht.jar:target/test-classes dht.client.ClientLoad --urls URL,URL,URL --via client|node
 *      [--op put|get] [--threads 64] [--async true] [--seconds 20] [--keys 100000] [--value-size 256] [--ack A --from F]
 * </pre>
 */
public final class ClientLoad {
    private ClientLoad() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> flags = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String[] urls = flags.get("urls").split(",");
        boolean viaClient = flags.getOrDefault("via", "client").equals("client");
        boolean put = flags.getOrDefault("op", "put").equals("put");
        int threads = Integer.parseInt(flags.getOrDefault("threads", "64"));
        boolean async = Boolean.parseBoolean(flags.getOrDefault("async", "false"));
        int seconds = Integer.parseInt(flags.getOrDefault("seconds", "20"));
        int keys = Integer.parseInt(flags.getOrDefault("keys", "100000"));
        int ack = Integer.parseInt(flags.getOrDefault("ack", "0"));
        int from = Integer.parseInt(flags.getOrDefault("from", "0"));
        byte[] value = new byte[Integer.parseInt(flags.getOrDefault("value-size", "256"))];
        Arrays.fill(value, (byte) 'v');
        String query = (ack > 0 ? "&ack=" + ack : "") + (from > 0 ? "&from=" + from : "");

        DhtClient client = viaClient ? DhtClient.builder(urls).build() : null;
        // As many connections to the one node as the client opens to all members (4 each), so
        // that answers held behind a slower one on a pipelined connection weigh on both alike.
        OneNode node = viaClient ? null : new OneNode(URI.create(urls[0]), 4 * urls.length);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        int[] errors = new int[threads];
        // One request of the load: GET or PUT of a random key, through the client or the node; fails on a 5xx.
        Supplier<CompletableFuture<?>> request = () -> {
            String id = "k" + ThreadLocalRandom.current().nextInt(keys);
            if (viaClient) {
                return put ? client.putAsync(id, value, ack, from) : client.getAsync(id, ack, from);
            }
            return node.send(put ? "PUT" : "GET", "/v0/entity?id=" + id + query, put ? value : null);
        };
        if (async) {
            CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++) {
                latencies[t] = new long[1 << 20];
                new InFlight(t, request, end, latencies[t], counts, errors, done).next();
            }
            done.await();
        } else {
            Thread[] workers = new Thread[threads];
            for (int t = 0; t < threads; t++) {
                int me = t;
                latencies[t] = new long[1 << 20];
                workers[t] = new Thread(() -> {
                    while (System.nanoTime() < end && counts[me] < latencies[me].length) {
                        long start = System.nanoTime();
                        try {
                            request.get().get();
                        } catch (Exception e) {
                            errors[me]++;
                        }
                        latencies[me][counts[me]++] = System.nanoTime() - start;
                    }
                });
                workers[t].start();
            }
            for (Thread worker : workers) {
                worker.join();
            }
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        Arrays.sort(all);
        System.out.printf("via %s%s, %s%s: %,.0f req/s, p50 %.2f ms, p99 %.2f ms, errors %d%n",
                viaClient ? "client" : "node", async ? " (async)" : "", put ? "PUT" : "GET", query.isEmpty() ? "" : " " + query,
                total / (double) seconds, all[total / 2] / 1e6, all[(int) (total * 0.99)] / 1e6, Arrays.stream(errors).sum());
        if (client != null) {
            client.close();
        }
        System.exit(0);
    }

    /**
     * One of the requests kept in flight without a thread of its own: each answer sends the next
     * request, from the thread that delivered it (the I/O thread). An answer that is already there
     * when its request returns (a failure found without a round trip) is counted in a loop, not by
     * recursion, so a cluster that refuses every request at once cannot overflow the stack.
     */
    record InFlight(int me, Supplier<CompletableFuture<?>> request, long end, long[] latencies, int[] counts,
                    int[] errors, CountDownLatch done) {
        void next() {
            while (System.nanoTime() < end && counts[me] < latencies.length) {
                long start = System.nanoTime();
                CompletableFuture<?> answer = request.get();
                if (!answer.isDone()) {
                    answer.whenComplete((ignored, failure) -> {
                        count(start, failure != null);
                        next();
                    });
                    return;
                }
                count(start, answer.isCompletedExceptionally());
            }
            done.countDown();
        }

        private void count(long start, boolean failed) {
            if (failed) {
                errors[me]++;
            }
            latencies[counts[me]++] = System.nanoTime() - start;
        }
    }

    /** Requests to one node over pipelined connections, as the client sends them to each member. */
    private static final class OneNode {
        private final byte[] headers;
        private final PeerConnection[] connections;
        private final AtomicInteger next = new AtomicInteger();

        OneNode(URI uri, int connectionCount) {
            this.connections = new PeerConnection[connectionCount];
            PeerLoop loop = new PeerLoop(64 << 20);
            this.headers = (" HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort() + "\r\n").getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < connections.length; i++) {
                connections[i] = new PeerConnection(new InetSocketAddress(uri.getHost(), uri.getPort()), loop, 64 << 20);
            }
        }

        /** The answer's status; fails on a 5xx. */
        CompletableFuture<Integer> send(String method, String target, byte[] body) {
            byte[] length = body == null ? new byte[0] : ("Content-Length: " + body.length + "\r\n").getBytes(StandardCharsets.US_ASCII);
            ByteBuffer request = ByteBuffer.allocate(method.length() + 1 + target.length() + headers.length + length.length + 2
                    + (body == null ? 0 : body.length));
            request.put((method + " " + target).getBytes(StandardCharsets.US_ASCII)).put(headers).put(length).put((byte) '\r').put((byte) '\n');
            if (body != null) {
                request.put(body);
            }
            request.flip();
            CompletableFuture<PeerConnection.Reply> reply = new CompletableFuture<>();
            connections[Math.floorMod(next.getAndIncrement(), connections.length)]
                    .submit(new PeerConnection.Call(request, reply, System.nanoTime() + 5_000_000_000L));
            return reply.thenApply(answer -> {
                if (answer.status() >= 500) {
                    throw new IllegalStateException("status " + answer.status());
                }
                return answer.status();
            });
        }
    }
}
