package dht.cli;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The profiling command end to end. It needs wrk or wrk2 on the PATH, which .ci/run installs; on a
 * machine without either it is skipped, and says why.
 */
class BenchIT {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String JAR = System.getProperty("dht.jar", "target/dht.jar");

    @Test
    void bench_startsNodes_fills_loads_andWritesWrkOutputFlamegraphsAndSettings() throws Exception {
        assumeTrue(Shell.onPath("wrk") || Shell.onPath("wrk2"), "neither wrk nor wrk2 is on the PATH (Debian's package wrk brings it)");
        Path out = Files.createTempDirectory("dht-bench-test");
        try {
            List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR, "bench", "--load", "get", "--nodes", "2",
                    "--duration", "20", "--rate", "500", "--connections", "8", "--keys", "2000", "--warmup", "2", "--out", out.toString()));
            boolean burst = Shell.onPath("wrk"); // the burst runs closed-loop, which wrk2 cannot
            if (burst) {
                command.addAll(List.of("--burst", "2", "--settle"));
            }
            Process bench = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.resolve("bench.log").toFile()).start();
            assertTrue(bench.waitFor(120, TimeUnit.SECONDS), "bench finished");
            String log = Files.readString(out.resolve("bench.log"));
            assertEquals(0, bench.exitValue(), log);
            assertTrue(Files.readString(out.resolve("wrk.txt")).contains("Requests/sec:"));
            for (String event : List.of("cpu", "alloc", "lock")) {
                String html = Files.readString(out.resolve(event + ".html"), StandardCharsets.UTF_8);
                assertTrue(html.startsWith("<!DOCTYPE html>"), event + ": " + html.substring(0, Math.min(200, html.length())));
            }
            String settings = Files.readString(out.resolve("settings.txt"));
            assertTrue(settings.matches("(?s).*fill: filled in [0-9.]+ s; then a 2 s warm-up of the load: [1-9][0-9]* req/s, p99 [0-9.]+ ms.*"),
                    settings);
            assertTrue(Files.readString(out.resolve("warmup.txt")).contains("Requests/sec:"));
            if (burst) {
                assertTrue(settings.matches("(?s).*then a 2 s burst of PUTs, [1-9][0-9]* req/s closed-loop, 0 errors; "
                        + "then settled \\(no compaction running or pending\\) in [0-9.]+ s\\n.*"), settings);
            }
            assertTrue(settings.matches("(?s).*GC pauses during the load \\(-Xlog:gc, gc<node>.log\\):"
                    + "\\n  node 0: [0-9]+ pauses, longest [0-9.]+ ms, [0-9.]+ ms in all, [0-9]+ over 10 ms"
                    + "\\n  node 1: [0-9]+ pauses, .*"), settings);
            assertTrue(settings.matches("(?s).*node CPU during the load: [0-9.]+ s for [1-9][0-9]* requests, [0-9.]+ us per request"
                    + "; per node: [1-9][0-9.]*, [1-9][0-9.]* us\\n.*"), settings);
            assertTrue(settings.matches("(?s).*peak heap used per node \\(MiB, sampled every 5 s\\): [1-9][0-9.]* [1-9][0-9.]*\\n.*"), settings);
            assertTrue(Files.readString(out.resolve("metrics.txt")).contains("dht_requests_total{operation=\"get\",status=\"200\"}"));
        } finally {
            try (Stream<Path> files = Files.walk(out)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }
}
