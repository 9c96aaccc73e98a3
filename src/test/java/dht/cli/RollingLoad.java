package dht.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A client load that sends only to the nodes it is told are up, as an operator's load balancer
 * would during a rolling restart: each worker writes a new key through one node and reads it back
 * through another, with the cluster's default quorum. Every answer that is not the expected 2xx
 * is kept as a failure. Bounded in requests and time.
 */
final class RollingLoad implements AutoCloseable {
    private static final int MAX_ROUNDS = 200_000;
    private static final long MAX_MILLIS = 180_000;

    private final List<String> urls;
    private final AtomicReferenceArray<HttpClient> clients;
    private final boolean[] allowed;
    private final AtomicInteger[] inFlight;
    private final ExecutorService workers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger rounds = new AtomicInteger();
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final long deadline = System.currentTimeMillis() + MAX_MILLIS;

    RollingLoad(List<String> urls, int threads) {
        this.urls = urls;
        this.clients = new AtomicReferenceArray<>(urls.size());
        this.allowed = new boolean[urls.size()];
        this.inFlight = new AtomicInteger[urls.size()];
        for (int i = 0; i < urls.size(); i++) {
            clients.set(i, newClient());
            allowed[i] = true;
            inFlight[i] = new AtomicInteger();
        }
        this.workers = Executors.newFixedThreadPool(threads);
        for (int t = 0; t < threads; t++) {
            int worker = t;
            workers.execute(() -> run(worker));
        }
    }

    /** A client of its own per node incarnation: connections pooled to a stopped process are dead. */
    private static HttpClient newClient() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Sends nothing more to node i, and returns once none of its requests is in flight. */
    void exclude(int i) throws InterruptedException {
        synchronized (allowed) {
            allowed[i] = false;
        }
        if (!TestCluster.eventually(15_000, () -> inFlight[i].get() == 0)) {
            throw new AssertionError("requests to node " + i + " still in flight");
        }
    }

    void include(int i) {
        clients.set(i, newClient());
        synchronized (allowed) {
            allowed[i] = true;
        }
    }

    int requests() {
        return requests.get();
    }

    /** Waits until {@code count} more requests were answered. */
    void awaitProgress(int count) throws InterruptedException {
        int target = requests.get() + count;
        if (!TestCluster.eventually(60_000, () -> requests.get() >= target || !running.get())) {
            throw new AssertionError("the load made no progress: " + requests.get() + " answered; failures " + failures);
        }
    }

    List<String> failures() {
        return new ArrayList<>(failures);
    }

    /** Every key whose write was acknowledged, with its value. */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    private void run(int worker) {
        int next = worker;
        while (running.get() && rounds.incrementAndGet() <= MAX_ROUNDS && System.currentTimeMillis() < deadline) {
            String id = "roll-" + worker + "-" + next;
            String value = "v" + next;
            next += urls.size() + 1;
            int writer = Math.floorMod(next, urls.size());
            int reader = writer + 1;
            if (send(writer, "PUT", id, value, 201) != null) {
                acknowledged.put(id, value);
                send(reader, "GET", id, null, 200);
            }
        }
        running.set(false);
    }

    /** Sends through the first allowed node from {@code from} on; null when it failed. */
    private String send(int from, String method, String id, String value, int expected) {
        for (int k = 0; k < urls.size(); k++) {
            int node = (from + k) % urls.size();
            inFlight[node].incrementAndGet();
            try {
                boolean up;
                synchronized (allowed) {
                    up = allowed[node];
                }
                if (up) {
                    return call(node, method, id, value, expected);
                }
            } finally {
                inFlight[node].decrementAndGet();
            }
        }
        return null; // no node up: not a request
    }

    private String call(int node, String method, String id, String value, int expected) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(urls.get(node) + "/v0/entity?id=" + id))
                .timeout(Duration.ofSeconds(10))
                .method(method, value == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(value))
                .build();
        String what = method + " " + id + " through node " + node;
        try {
            HttpResponse<String> response = clients.get(node).send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            requests.incrementAndGet();
            if (response.statusCode() != expected) {
                failures.add(what + ": " + response.statusCode() + " " + response.body().strip());
                return null;
            }
            if (method.equals("GET") && !response.body().equals("v" + id.substring(id.lastIndexOf('-') + 1))) {
                failures.add(what + ": read back '" + response.body() + "'");
                return null;
            }
            return response.body();
        } catch (IOException e) {
            requests.incrementAndGet();
            failures.add(what + ": " + e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        workers.shutdown();
        if (!workers.awaitTermination(30, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
