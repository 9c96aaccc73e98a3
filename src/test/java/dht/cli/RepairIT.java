package dht.cli;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anti-entropy with real processes: a replica that missed writes (no hints: {@code
 * --hint-window-ms 1}) or lost its disk gets every value and every delete back by repair, with no
 * client read in between; and a tombstone outlives its grace period while a replica is away.
 */
class RepairIT {
    private static final int KEYS = 10_000;
    private static final Pattern PULLED = Pattern.compile("\"pulled\":(\\d+)");

    @Test
    void aReplicaBackFromAwayGetsEveryWriteAndDeleteByAnAdminPass() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(3, "--hint-window-ms", "1", "--tombstone-grace-ms", "3600000")) {
            nodes.startAll();
            nodes.stop(2);
            write(nodes.urls.get(0), 0, KEYS, "v1-");
            write(nodes.urls.get(1), 0, 1_000, "v2-");
            parallel(1_000, 2_000, i -> assertEquals(202, Http.delete(entity(nodes.urls.get(0), i, "")).statusCode()));
            nodes.start(2);

            HttpResponse<byte[]> pass = Http.send("POST", nodes.urls.get(2) + "/v0/admin/repair", new byte[0]);
            String report = Http.text(pass);
            assertEquals(200, pass.statusCode(), report);
            assertEquals(2, count(report, "\"completed\":true"), report);
            assertTrue(sum(PULLED, report) >= KEYS, "node 2 pulled what it missed: " + report);

            nodes.stop(0);
            nodes.stop(1);
            assertEverything(nodes.urls.get(2));
        }
    }

    @Test
    void aReplicaOnAnEmptyDiskGetsItsRangesBackFromTheBackgroundPasses() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(3, "--hint-window-ms", "1", "--tombstone-grace-ms", "3600000",
                "--repair-interval-ms", "1000")) {
            nodes.startAll();
            write(nodes.urls.get(0), 0, KEYS, "v1-");
            write(nodes.urls.get(1), 0, 1_000, "v2-");
            parallel(1_000, 2_000, i -> assertEquals(202, Http.delete(entity(nodes.urls.get(0), i, "")).statusCode()));
            nodes.kill(2);
            deleteTree(nodes.data(2));
            nodes.start(2);
            assertTrue(TestCluster.eventually(60_000, () -> Ranges.entries(nodes.urls.get(2)
                            + "/v0/entities?start=k&local=true").size() == KEYS - 1_000),
                    "node 2 holds every live key again, from its peers' passes and its own");
            nodes.stop(0);
            nodes.stop(1);
            assertEverything(nodes.urls.get(2));
        }
    }

    @Test
    void aTombstoneOutlivesItsGraceWhileAReplicaIsAwayAndGoesOnceItWasRepaired() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(3, "--hint-window-ms", "1", "--tombstone-grace-ms", "1500")) {
            nodes.startAll();
            String key = "gone";
            assertEquals(201, Http.put(nodes.urls.get(0) + "/v0/entity?id=" + key + "&ack=3&from=3", "old value").statusCode());
            nodes.stop(2);
            assertEquals(202, Http.delete(nodes.urls.get(0) + "/v0/entity?id=" + key).statusCode());
            for (int node : new int[] {0, 1}) {
                String url = nodes.urls.get(node);
                assertTrue(TestCluster.eventually(20_000, () -> TestCluster.metric(url, "dht_tombstones_awaiting_repair") == 1),
                        "node " + node + " keeps the tombstone past its grace while node 2 is away");
            }
            assertEquals(0.0, TestCluster.metric(nodes.urls.get(0), "dht_tombstones_purged_total"));

            nodes.start(2); // with the old value
            for (int node : new int[] {0, 1}) {
                assertEquals(200, Http.send("POST", nodes.urls.get(node) + "/v0/admin/repair", new byte[0]).statusCode());
            }
            for (int node : new int[] {0, 1}) {
                String url = nodes.urls.get(node);
                assertTrue(TestCluster.eventually(20_000, () -> TestCluster.metric(url, "dht_tombstones_purged_total") == 1),
                        "node " + node + " purges the tombstone once both other replicas were repaired since");
            }
            for (String url : nodes.urls) {
                assertEquals(404, Http.get(url + "/v0/entity?id=" + key).statusCode(), "the delete holds through " + url);
            }
            nodes.stop(0);
            nodes.stop(1);
            assertEquals(404, Http.get(nodes.urls.get(2) + "/v0/entity?id=" + key + "&ack=1&from=3").statusCode(),
                    "node 2 got the tombstone, not just the others' silence");
        }
    }

    /** Every key through one node, which must answer from its own copy: the others are stopped. */
    private static void assertEverything(String url) {
        parallel(0, KEYS, i -> {
            HttpResponse<byte[]> read = Http.get(entity(url, i, "&ack=1&from=3"));
            if (i >= 1_000 && i < 2_000) {
                assertEquals(404, read.statusCode(), "key " + i + " stays deleted");
            } else {
                assertEquals(200, read.statusCode(), "key " + i);
                assertEquals((i < 1_000 ? "v2-" : "v1-") + i, Http.text(read), "key " + i);
            }
        });
    }

    private static void write(String url, int from, int to, String prefix) {
        parallel(from, to, i -> assertEquals(201, Http.put(entity(url, i, ""), prefix + i).statusCode(), "key " + i));
    }

    private static String entity(String url, int i, String quorum) {
        return url + "/v0/entity?id=k" + i + quorum;
    }

    private static void parallel(int from, int to, java.util.function.IntConsumer action) {
        ForkJoinPool pool = new ForkJoinPool(8);
        try {
            pool.submit(() -> IntStream.range(from, to).parallel().forEach(action)).join();
        } finally {
            pool.shutdown();
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private static long sum(Pattern pattern, String text) {
        long sum = 0;
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            sum += Long.parseLong(matcher.group(1));
        }
        return sum;
    }

    private static void deleteTree(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
