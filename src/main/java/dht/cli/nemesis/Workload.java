package dht.cli.nemesis;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Concurrent clients that overwrite and delete a small key space through every node, and record
 * each operation in the history: a unique value per PUT, so a read names the write it saw.
 */
final class Workload {
    private static final long BACKOFF_MILLIS = 20;

    private final List<String> urls;
    private final int keys;
    private final String quorum;
    private final Duration timeout;
    private final History history;
    private final long seed;
    private final HttpClient http;
    private final AtomicBoolean running = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    /**
     * @param quorum  the {@code &ack=..&from=..} every request carries, or empty for the nodes' default
     * @param timeout how long a client waits for an answer before it counts the operation as indeterminate
     */
    Workload(List<String> urls, int keys, String quorum, Duration timeout, History history, long seed) {
        this.urls = List.copyOf(urls);
        this.keys = keys;
        this.quorum = quorum;
        this.timeout = timeout;
        this.history = history;
        this.seed = seed;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
    }

    void start(int count) {
        running.set(true);
        for (int i = 0; i < count; i++) {
            int client = i;
            Thread thread = new Thread(() -> loop(client), "nemesis client " + i);
            thread.setDaemon(true);
            clients.add(thread);
            thread.start();
        }
    }

    /** Stops the clients after their current operation, which may take up to the timeout. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(timeout.toMillis() + 5_000);
        }
    }

    private void loop(int client) {
        Random random = new Random(seed * 31 + client);
        long written = 0;
        while (running.get()) {
            String key = "k" + random.nextInt(keys);
            int node = random.nextInt(urls.size());
            int dice = random.nextInt(10);
            Op op = dice < 4 ? call(client, node, Op.Kind.PUT, key, "c" + client + "-" + ++written)
                    : dice < 8 ? call(client, node, Op.Kind.GET, key, null)
                    : call(client, node, Op.Kind.DELETE, key, null);
            history.add(op);
            if (op.outcome() != Op.Outcome.ACK && op.latency() < BACKOFF_MILLIS * 1_000_000) {
                pause(); // a refused connection answers at once: do not spin on a node that is down
            }
        }
    }

    /** One operation through one node, as a client sees it. */
    Op call(int client, int node, Op.Kind kind, String key, String value) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(urls.get(node) + "/v0/entity?id=" + key + quorum))
                .timeout(timeout);
        int expected = switch (kind) {
            case PUT -> {
                request.PUT(HttpRequest.BodyPublishers.ofString(value, StandardCharsets.UTF_8));
                yield 201;
            }
            case GET -> 200;
            case DELETE -> {
                request.DELETE();
                yield 202;
            }
        };
        long invoke = history.now();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            long complete = history.now();
            int status = response.statusCode();
            if (status == expected || kind == Op.Kind.GET && status == 404) {
                String seen = kind == Op.Kind.GET ? (status == 200 ? response.body() : null) : value;
                return new Op(client, kind, key, seen, node, invoke, complete, Op.Outcome.ACK, Integer.toString(status));
            }
            String reason = response.body().lines().findFirst().orElse("").strip();
            return new Op(client, kind, key, kind == Op.Kind.GET ? null : value, node, invoke, complete, Op.Outcome.FAIL,
                    status + (reason.isEmpty() ? "" : " " + reason));
        } catch (ConnectException | HttpConnectTimeoutException e) {
            // Nothing was sent: the operation cannot take effect.
            return new Op(client, kind, key, value, node, invoke, history.now(), Op.Outcome.FAIL, "no connection");
        } catch (HttpTimeoutException e) {
            return new Op(client, kind, key, value, node, invoke, history.now(), Op.Outcome.INFO, "timed out");
        } catch (IOException e) {
            return new Op(client, kind, key, value, node, invoke, history.now(), Op.Outcome.INFO,
                    "connection broken: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Op(client, kind, key, value, node, invoke, history.now(), Op.Outcome.INFO, "interrupted");
        }
    }

    private static void pause() {
        try {
            Thread.sleep(BACKOFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
