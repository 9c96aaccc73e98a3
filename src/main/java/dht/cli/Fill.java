package dht.cli;

import dht.cluster.Threads;
import one.nio.http.HttpClient;
import one.nio.http.Response;
import one.nio.net.ConnectionString;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * {@code dht.jar fill}: writes keys {@code k0..k<N-1>} once, with the values lua/put.lua writes,
 * so GET workloads hit existing keys. Keys go round-robin over the given nodes from a fixed number
 * of client threads, and the command ends when the last one is answered, or when one fails
 * for good: a node down for longer than its retries, or one that refuses the writes.
 */
final class Fill {
    private static final Map<String, String[]> FLAGS = new LinkedHashMap<>();

    static {
        FLAGS.put("url", new String[] {"URL,URL,...", "nodes to send to, round-robin (default http://localhost:8080)"});
        FLAGS.put("keys", new String[] {"N", "how many keys, k0..k<N-1> (default 1000000)"});
        FLAGS.put("value-size", new String[] {"BYTES", "bytes per value (default 256)"});
        FLAGS.put("concurrency", new String[] {"N", "client threads, each with one request in flight (default 64)"});
        FLAGS.put("help", new String[] {"", "print this help and exit"});
    }

    private static final int ATTEMPTS = 60;
    private static final long MAX_RETRY_AFTER_MILLIS = 5000;

    private Fill() {
    }

    /** Returns the process exit status: 0 when every key was written. */
    static int run(List<String> args) {
        try {
            Flags flags = new Flags(FLAGS, args);
            if (flags.has("help")) {
                System.out.print(Flags.help("usage: java -jar dht.jar fill [flags]\n", FLAGS));
                return 0;
            }
            List<String> urls = Arrays.asList(flags.string("url", "http://localhost:8080").split(","));
            return fill(urls, flags.integer("keys", 1_000_000, 1, Integer.MAX_VALUE),
                    flags.integer("value-size", 256, 0, 1 << 24), flags.integer("concurrency", 64, 1, 4096));
        } catch (UsageException e) {
            System.err.println("dht fill: " + e.getMessage());
            return 2;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Writes the keys and prints a summary; returns 0 when every key was written. */
    static int fill(List<String> urls, int keys, int valueSize, int concurrency) throws InterruptedException {
        Result result = write(urls, keys, valueSize, concurrency);
        System.out.println(result.summary());
        return result.complete() ? 0 : 1;
    }

    /**
     * What a fill did: the keys written and, when it stopped before writing them all, why.
     */
    record Result(int keys, int valueSize, double seconds, long retried, Map<String, Long> failures, int untried,
                  String stopped) {
        boolean complete() {
            return stopped == null;
        }

        long failed() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        String summary() {
            if (untried == keys) {
                return "filled nothing: " + stopped;
            }
            return String.format("filled %d keys of %d bytes in %.1f s (%.0f/s), %d writes tried again, %d failed%s%s",
                    keys - failed() - untried, valueSize, seconds, (keys - untried) / seconds, retried, failed(),
                    failures.isEmpty() ? "" : failures.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                            .collect(Collectors.joining(", ", ": ", "")),
                    stopped == null ? "" : "; stopped with " + untried + " keys not tried: " + stopped);
        }
    }

    /**
     * Writes the keys. A node that does not answer at all is named before anything is written. A
     * key that fails for good stops the fill: the keys no thread has taken yet are left untried,
     * so a cluster that refuses every write (or went away) ends the fill in one key's retries,
     * not in one per key.
     */
    static Result write(List<String> urls, int keys, int valueSize, int concurrency) throws InterruptedException {
        // one-nio's client writes a request in one segment; the JDK client's separate body write
        // meets Nagle and delayed ACKs and caps a connection at about 25 requests a second.
        List<HttpClient> clients = new ArrayList<>();
        for (String url : urls) {
            clients.add(new HttpClient(new ConnectionString(url + "?clientMaxPoolSize=" + concurrency + "&timeout=30000")));
        }
        try {
            String unreachable = unreachable(urls, clients);
            if (unreachable != null) {
                return new Result(keys, valueSize, 0, 0, Map.of(), keys, unreachable);
            }
            return writeAll(clients, keys, valueSize, concurrency);
        } finally {
            clients.forEach(HttpClient::close);
        }
    }

    /** Why a node cannot be written to at all, or null when each answers (its status, any code). */
    private static String unreachable(List<String> urls, List<HttpClient> clients) throws InterruptedException {
        for (int i = 0; i < urls.size(); i++) {
            try {
                clients.get(i).get("/v0/status");
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                return urls.get(i) + " does not answer (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            }
        }
        return null;
    }

    private static Result writeAll(List<HttpClient> clients, int keys, int valueSize, int concurrency) throws InterruptedException {
        byte[] value = "v".repeat(valueSize).getBytes(StandardCharsets.US_ASCII);
        AtomicInteger next = new AtomicInteger();
        Map<String, LongAdder> failures = new ConcurrentSkipListMap<>();
        LongAdder retried = new LongAdder();
        LongAdder tried = new LongAdder();
        AtomicReference<String> stopped = new AtomicReference<>();
        ExecutorService threads = Executors.newFixedThreadPool(concurrency, Threads.daemon("fill"));
        long started = System.nanoTime();
        for (int t = 0; t < concurrency; t++) {
            threads.execute(() -> {
                try {
                    for (int i = next.getAndIncrement(); i < keys && stopped.get() == null; i = next.getAndIncrement()) {
                        tried.increment();
                        String failure = put(clients.get(i % clients.size()), "/v0/entity?id=k" + i, value, retried);
                        if (failure != null) {
                            failures.computeIfAbsent(failure, reason -> new LongAdder()).increment();
                            stopped.compareAndSet(null, "k" + i + " failed with " + failure);
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        threads.shutdown();
        threads.awaitTermination(Long.MAX_VALUE, TimeUnit.DAYS);
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> failed = new LinkedHashMap<>();
        failures.forEach((reason, count) -> failed.put(reason, count.sum()));
        return new Result(keys, valueSize, seconds, retried.sum(), failed, (int) (keys - tried.sum()), stopped.get());
    }

    /**
     * Writes one key, and returns null, or why it was not stored after {@link #ATTEMPTS} tries. A
     * fill sends as fast as it can, so what a node answers under more load than it takes is tried
     * again: a {@code 503} (its bodies or queue full) after its {@code Retry-After}, a {@code 504}
     * (too few replicas took the write, their own bodies full) and a connection the node closed
     * after refusing a body after a second. Writing the same value again is harmless.
     */
    private static String put(HttpClient client, String uri, byte[] value, LongAdder retried) throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            long retryAfter;
            String failure;
            try {
                Response response = client.put(uri, value);
                if (response.getStatus() == 201) {
                    return null;
                }
                failure = Integer.toString(response.getStatus());
                if (response.getStatus() != 503 && response.getStatus() != 504) {
                    return failure;
                }
                retryAfter = retryAfterMillis(response);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                failure = e.getClass().getSimpleName();
                retryAfter = 1000;
            }
            if (attempt == ATTEMPTS) {
                return failure;
            }
            retried.increment();
            Thread.sleep(retryAfter);
        }
    }

    private static long retryAfterMillis(Response response) {
        String seconds = response.getHeader("Retry-After:");
        try {
            return seconds == null ? 1000 : Math.min(MAX_RETRY_AFTER_MILLIS, Long.parseLong(seconds.strip()) * 1000);
        } catch (NumberFormatException e) {
            return 1000;
        }
    }
}
