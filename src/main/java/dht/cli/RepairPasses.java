package dht.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Anti-entropy passes run back to back on one node through {@code POST /v0/admin/repair}, for the
 * bench's {@code --repair-diff}: each pass's time and what it compared and exchanged, summed over
 * the node's peers, as a line of the report with the node's JSON answer under it.
 */
final class RepairPasses {
    private static final Duration PASS_TIMEOUT = Duration.ofMinutes(30);
    private static final String[] FIELDS = {"keysCompared", "leavesDiffering", "pulled", "pushed", "bytes"};

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;
    private final Path report;
    private final List<String> summaries = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "repair passes");
    private volatile boolean stopping;
    private long startNanos;

    RepairPasses(String nodeUrl, Path report) {
        this.url = nodeUrl + "/v0/admin/repair";
        this.report = report;
    }

    /** @param loadStartedNanos when the load began, which the report counts from */
    void start(long loadStartedNanos) {
        startNanos = loadStartedNanos;
        thread.start();
    }

    /** Lets the pass in progress end, then returns one summary line per pass. */
    List<String> stop() throws InterruptedException {
        stopping = true;
        thread.join(PASS_TIMEOUT.toMillis());
        synchronized (summaries) {
            return List.copyOf(summaries);
        }
    }

    private void run() {
        for (int pass = 1; !stopping; pass++) {
            long started = System.nanoTime();
            String line;
            String body = "";
            try {
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(PASS_TIMEOUT)
                        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
                body = answer.body();
                line = String.format("pass %d: began %.1f s into the load, took %d ms, %s", pass,
                        (started - startNanos) / 1e9, (System.nanoTime() - started) / 1_000_000,
                        answer.statusCode() == 200 ? totals(body) : "failed with " + answer.statusCode());
            } catch (IOException e) {
                line = "pass " + pass + ": failed: " + e.getMessage();
            } catch (InterruptedException e) {
                return;
            }
            synchronized (summaries) {
                summaries.add(line);
            }
            try {
                Files.writeString(report, line + "\n" + body + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                System.err.println("dht bench: cannot write " + report + ": " + e.getMessage());
            }
        }
    }

    /** Each field summed over the peers of the answer. */
    private static String totals(String json) {
        StringBuilder out = new StringBuilder();
        for (String field : FIELDS) {
            long sum = 0;
            Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
            while (matcher.find()) {
                sum += Long.parseLong(matcher.group(1));
            }
            out.append(out.isEmpty() ? "" : ", ").append(field).append(' ').append(sum);
        }
        return out.append(json.contains("\"completed\":false") ? ", INCOMPLETE" : "").toString();
    }
}
