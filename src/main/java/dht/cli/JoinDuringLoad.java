package dht.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The bench's {@code --join-last}: the last node, started under the load, joins the others. This
 * follows the change through its driver's cluster report, and samples the loaded node's GET
 * latency histogram each second, so that the report (join.txt) gives what the handoff moved and
 * how fast, and a timeline of the coordinator's GET p99 before, during and after it (each
 * window's p99 as the histogram bucket it falls in), with the driver's final JSON under it.
 */
final class JoinDuringLoad {
    private static final Pattern LAST = Pattern.compile("\"lastChange\":(\\{[^}]*})");
    private static final Pattern PHASE = Pattern.compile("\"change\":\\{[^{]*?\"phase\":\"([a-z-]+)\"");
    private static final Pattern CLEANUP = Pattern.compile("\"cleanup\":\\{\"running\":true");
    private static final Pattern BUCKET = Pattern.compile(
            "(?m)^dht_request_duration_seconds_bucket\\{operation=\"get\",le=\"([^\"]+)\"} (\\S+)$");
    private static final long SAMPLE_MILLIS = 1000;
    private static final int WINDOW_SAMPLES = 5;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String driver;
    private final String loaded;
    private final Path report;
    private final Thread thread = new Thread(this::sample, "join follower");
    private final List<String> timeline = new ArrayList<>();
    private volatile boolean stopping;
    private volatile String summary = "the join did not end before the load did";
    private String finalReport = "";
    private long startNanos;
    private long loadStartNanos;

    /** @param loadedUrl the node the load goes to, whose GET latency is sampled */
    JoinDuringLoad(String driverUrl, String loadedUrl, Path report) {
        this.driver = driverUrl + "/v0/cluster";
        this.loaded = loadedUrl + "/metrics";
        this.report = report;
    }

    /** @param loadStartedNanos when the load began, which the report counts from */
    void started(long loadStartedNanos) {
        this.loadStartNanos = loadStartedNanos;
        this.startNanos = System.nanoTime();
        thread.start();
    }

    /** Ends the sampling, writes the report, and returns the join's summary line. */
    String stop() throws InterruptedException, IOException {
        stopping = true;
        thread.join();
        StringBuilder text = new StringBuilder(summary).append("\n\nseconds into the load, what ran, GETs, coordinator GET p99 at most\n");
        timeline.forEach(row -> text.append(row).append('\n'));
        Files.writeString(report, text.append('\n').append(finalReport).append('\n'), StandardCharsets.UTF_8);
        return summary;
    }

    private void sample() {
        double[] bounds = null;
        double[] windowStart = null;
        int samples = 0;
        String phase = "before";
        while (!stopping) {
            try {
                String cluster = get(driver);
                String now = phase(cluster);
                phase = phase.contains(now) ? phase : phase + "+" + now;
                Matcher last = LAST.matcher(cluster);
                if (summary.startsWith("the join") && cluster.contains("\"change\":null") && last.find()) {
                    summary = summarize(last.group(1));
                    finalReport = cluster;
                }
                List<double[]> buckets = buckets(get(loaded));
                if (bounds == null) {
                    bounds = buckets.get(0);
                    windowStart = buckets.get(1);
                } else if (++samples == WINDOW_SAMPLES) {
                    timeline.add(row(bounds, windowStart, buckets.get(1), phase));
                    windowStart = buckets.get(1);
                    samples = 0;
                    phase = now;
                }
                Thread.sleep(SAMPLE_MILLIS);
            } catch (IOException e) {
                timeline.add(String.format(Locale.ROOT, "%5.0f  cannot sample: %s", seconds(), e.getMessage()));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String phase(String cluster) {
        Matcher phase = PHASE.matcher(cluster);
        if (phase.find()) {
            return phase.group(1);
        }
        return CLEANUP.matcher(cluster).find() ? "cleanup" : "none";
    }

    /** One window: its end, what ran in it, its GETs, and the bucket its p99 falls in. */
    private String row(double[] bounds, double[] before, double[] after, String phase) {
        double total = after[after.length - 1] - before[before.length - 1];
        String p99 = "-";
        for (int i = 0; i < bounds.length && total > 0; i++) {
            if (after[i] - before[i] >= 0.99 * total) {
                p99 = Double.isInfinite(bounds[i]) ? "above 10 s" : String.format(Locale.ROOT, "%.1f ms", bounds[i] * 1e3);
                break;
            }
        }
        return String.format(Locale.ROOT, "%5.0f  %-28s %7.0f  %s", seconds(), phase, total, p99);
    }

    private double seconds() {
        return (System.nanoTime() - loadStartNanos) / 1e9;
    }

    /** The GET histogram's bucket bounds and cumulative counts, in bound order. */
    private static List<double[]> buckets(String metrics) throws IOException {
        List<Double> bounds = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        Matcher bucket = BUCKET.matcher(metrics);
        while (bucket.find()) {
            bounds.add(bucket.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(bucket.group(1)));
            counts.add(Double.parseDouble(bucket.group(2)));
        }
        if (bounds.isEmpty()) {
            throw new IOException("no GET latency histogram in the metrics");
        }
        return List.of(bounds.stream().mapToDouble(Double::doubleValue).toArray(),
                counts.stream().mapToDouble(Double::doubleValue).toArray());
    }

    private String get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private String summarize(String last) {
        double streaming = (number(last, "streamedMillis") - number(last, "streamingMillis")) / 1e3;
        double whole = (number(last, "endedMillis") - number(last, "startedMillis")) / 1e3;
        return String.format(Locale.ROOT, "join: node started %.1f s into the load; %d records, %.1f MB streamed in %.1f s "
                        + "(%.0f records/s, %.1f MB/s); %.1f s from the request to the new member set",
                (startNanos - loadStartNanos) / 1e9, number(last, "keys"), number(last, "bytes") / 1e6, streaming,
                number(last, "keys") / streaming, number(last, "bytes") / 1e6 / streaming, whole);
    }

    private static long number(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        return matcher.find() ? Long.parseLong(matcher.group(1)) : 0;
    }
}
