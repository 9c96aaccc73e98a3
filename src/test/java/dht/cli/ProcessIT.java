package dht.cli;

import dht.storage.RecordCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Nodes as separate processes started from target/dht.jar, the way operators run them. */
class ProcessIT {
    private NodeProcesses cluster;

    @AfterEach
    void cleanUp() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"defaults", "--fsync"})
    void killDashNine_losesNothingAcknowledged(String mode) throws Exception {
        cluster = mode.equals("defaults") ? new NodeProcesses(3) : new NodeProcesses(3, mode);
        List<String> urls = cluster.urls;
        cluster.startAll();
        Queue<Integer> acknowledged = new ConcurrentLinkedQueue<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            int through = w % 2 == 0 ? 0 : 2;
            writers.execute(() -> {
                while (writing.get() && next.get() < 20_000) {
                    int n = next.getAndIncrement();
                    try {
                        if (Http.put(urls.get(through) + "/v0/entity?id=kill-" + n, "value-" + n).statusCode() == 201) {
                            acknowledged.add(n);
                        }
                    } catch (UncheckedIOException e) {
                        // not acknowledged, so not counted
                    }
                }
            });
        }
        assertTrue(TestCluster.eventually(30_000, () -> acknowledged.size() >= 500), "writes are flowing");
        cluster.kill(1);
        int atKill = acknowledged.size();
        assertTrue(TestCluster.eventually(30_000, () -> acknowledged.size() >= atKill + 300), "writes go on without node 1");
        writing.set(false);
        writers.shutdown();
        assertTrue(writers.awaitTermination(30, TimeUnit.SECONDS));

        cluster.start(1);
        for (int n : acknowledged) {
            for (int through = 0; through < 3; through++) {
                HttpResponse<byte[]> got = Http.get(urls.get(through) + "/v0/entity?id=kill-" + n);
                assertEquals(200, got.statusCode(), "acknowledged key kill-" + n + " through node " + through);
                assertEquals("value-" + n, Http.text(got));
            }
        }
    }

    @Test
    void replicaProcessAway_missesWritesWithDefaults_andHoldsThemSoonAfterItsRestart() throws Exception {
        cluster = new NodeProcesses(3);
        List<String> urls = cluster.urls;
        cluster.startAll();
        cluster.stop(2);
        for (int i = 0; i < 200; i++) {
            assertEquals(201, Http.put(urls.get(i % 2) + "/v0/entity?id=away-" + i, "v" + i).statusCode());
        }
        assertEquals(202, Http.delete(urls.get(0) + "/v0/entity?id=away-0").statusCode());

        cluster.start(2);
        for (int i = 1; i < 200; i++) {
            String internal = urls.get(2) + "/v0/internal/entity?id=away-" + i;
            assertTrue(TestCluster.eventually(15_000, () -> Http.get(internal).statusCode() == 200),
                    "away-" + i + " handed off to the restarted replica");
        }
        String deleted = urls.get(2) + "/v0/internal/entity?id=away-0";
        assertTrue(TestCluster.eventually(15_000, () -> {
            HttpResponse<byte[]> record = Http.get(deleted);
            return record.statusCode() == 200 && RecordCodec.decode(record.body()).tombstone();
        }), "the delete too");
        for (int i = 1; i < 200; i++) {
            assertEquals("v" + i, Http.text(Http.get(urls.get(2) + "/v0/entity?id=away-" + i)));
        }
        assertEquals(404, Http.get(urls.get(2) + "/v0/entity?id=away-0").statusCode());
    }

    @Test
    void readsWithTheDefaults_withAReplicaFrozen_callTheirSpareAfterTheDelay_notAfterThePeerDeadline() throws Exception {
        cluster = new NodeProcesses(3, "--peer-timeout-ms", "5000");
        cluster.startAll();
        String entity = cluster.urls.get(0) + "/v0/entity?id=frozen-";
        for (int i = 0; i < 100; i++) {
            assertEquals(201, Http.put(entity + i + "&ack=3", "v" + i).statusCode());
        }
        cluster.signal(2, "STOP");
        long slowestMillis = 0;
        for (int i = 0; i < 100; i++) {
            long started = System.nanoTime();
            assertEquals("v" + i, Http.text(Http.get(entity + i)));
            slowestMillis = Math.max(slowestMillis, (System.nanoTime() - started) / 1_000_000);
        }
        cluster.signal(2, "CONT");
        assertTrue(slowestMillis < 2_500, "the slowest read took " + slowestMillis + " ms: it waited for the frozen peer");
        assertTrue(TestCluster.metric(cluster.urls.get(0), "dht_speculative_reads_total") > 0, "reads called their spares");
    }

    @Test
    void concurrentLargestValues_onA128MiBHeap_areStoredOrRefused_neverOutOfMemory() throws Exception {
        cluster = new NodeProcesses(1);
        List<String> urls = cluster.urls;
        cluster.start(0);
        byte[] value = new byte[16 * 1024 * 1024];
        new java.util.Random(16).nextBytes(value);
        ExecutorService clients = Executors.newFixedThreadPool(8);
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String url = urls.get(0) + "/v0/entity?id=large-" + i;
            answers.add(clients.submit(() -> {
                try {
                    return Http.put(url, value).statusCode();
                } catch (UncheckedIOException e) {
                    return 0; // closed on us after a refusal: also an answer
                }
            }));
        }
        int stored = -1;
        for (int i = 0; i < 8; i++) {
            int status = answers.get(i).get(60, TimeUnit.SECONDS);
            assertTrue(status == 201 || status == 503 || status == 0, "large-" + i + ": " + status);
            if (status == 201) {
                stored = i;
            }
        }
        clients.shutdown();
        assertTrue(stored >= 0, "at least one large value was stored");
        HttpResponse<byte[]> back = Http.get(urls.get(0) + "/v0/entity?id=large-" + stored);
        assertEquals(200, back.statusCode());
        assertTrue(java.util.Arrays.equals(value, back.body()), "the stored value comes back whole");
        assertFalse(cluster.output("node0").contains("OutOfMemoryError"), cluster.output("node0"));
    }

    /**
     * 64 writers of 1 MiB values on three 128 MiB nodes with a 4 MiB body budget: each node is
     * coordinator and replica at once, its peers refuse bodies past their budget, and the writes
     * they miss become hints. A page of 256 such hints, or a follow-up queue bounded only in tasks,
     * used to take the heap.
     */
    @Test
    void sixtyFourWritersOf1MiBValues_onThree128MiBNodes_allStored_noNodeRunsOutOfMemory() throws Exception {
        cluster = new NodeProcesses(3);
        cluster.startAll();
        Process fill = cluster.launch("fill", "-Xmx256m", List.of("fill", "--keys", "1000", "--value-size", "1048576",
                "--concurrency", "64", "--url", String.join(",", cluster.urls)));
        assertTrue(fill.waitFor(120, TimeUnit.SECONDS), "the fill ended");
        assertEquals(0, fill.exitValue(), cluster.output("fill"));
        assertTrue(cluster.output("fill").contains(", 0 failed"), cluster.output("fill"));
        for (int i = 0; i < 3; i++) {
            assertTrue(NodeProcesses.isUp(cluster.urls.get(i)), "node " + i + " still serves");
            assertFalse(cluster.output("node" + i).contains("out of memory"), cluster.output("node" + i));
        }
        HttpResponse<byte[]> back = Http.get(cluster.urls.get(1) + "/v0/entity?id=k999");
        assertEquals(200, back.statusCode());
        assertEquals(1 << 20, back.body().length);
    }

    @Test
    void sixtyFourWritersOf1MiBValues_thatIgnoreRefusals_withAReplicaFrozen_runNoNodeOutOfMemory() throws Exception {
        cluster = new NodeProcesses(3);
        cluster.startAll();
        // Writes are answered by the two others, while each call to the frozen one holds its value.
        cluster.signal(2, "STOP");
        byte[] value = new byte[1 << 20];
        String entity = cluster.urls.get(0) + "/v0/entity?id=";
        AtomicInteger stored = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        ExecutorService writers = Executors.newFixedThreadPool(64);
        for (int w = 0; w < 64; w++) {
            String key = entity + "w" + w + "-";
            writers.execute(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    try {
                        (Http.put(key + i % 4, value).statusCode() == 201 ? stored : refused).incrementAndGet();
                    } catch (RuntimeException e) {
                        refused.incrementAndGet(); // a refused body closes the connection: straight on, no pause
                    }
                }
            });
        }
        writers.shutdown();
        assertTrue(writers.awaitTermination(60, TimeUnit.SECONDS), "the writers stopped");
        cluster.signal(2, "CONT");
        for (int i = 0; i < 3; i++) {
            assertTrue(NodeProcesses.isUp(cluster.urls.get(i)), "node " + i + " still serves");
            assertFalse(cluster.output("node" + i).contains("out of memory"), cluster.output("node" + i));
        }
        assertTrue(stored.get() > 0, stored + " stored, " + refused + " refused");
    }

    @Test
    void rangeOf220MiB_streamsThroughA64MiBHeap_fromBothNodes() throws Exception {
        cluster = new NodeProcesses(2);
        List<String> urls = cluster.urls;
        cluster.start(0, "-Xmx64m");
        cluster.start(1, "-Xmx64m");
        byte[] value = new byte[1 << 20];
        new java.util.Random(64).nextBytes(value);
        int count = 220;
        for (int i = 0; i < count; i++) {
            assertEquals(201, Http.put(urls.get(i % 2) + "/v0/entity?id=" + String.format("r%03d", i) + "&ack=1&from=1",
                    value).statusCode());
        }
        long bytes = 0;
        int entries = 0;
        try (dht.cluster.ChunkedReader reader = Ranges.open(urls.get(0) + "/v0/entities?start=r")) {
            for (byte[] chunk = reader.next(); chunk != null; chunk = reader.next()) {
                assertEquals(String.format("r%03d\n", entries), new String(chunk, 0, 5, StandardCharsets.US_ASCII));
                assertEquals(5 + value.length, chunk.length);
                bytes += chunk.length;
                entries++;
            }
        }
        assertEquals(count, entries);
        assertTrue(bytes >= 200L << 20, bytes + " bytes");
        assertTrue(NodeProcesses.isUp(urls.get(0)) && NodeProcesses.isUp(urls.get(1)), "both nodes still serve");
        assertFalse(cluster.output("node0").contains("OutOfMemoryError"), cluster.output("node0"));
        assertFalse(cluster.output("node1").contains("OutOfMemoryError"), cluster.output("node1"));
    }

    @Test
    void sigterm_drainsStopsCleanly_andRestartKeepsData() throws Exception {
        cluster = new NodeProcesses(1);
        List<String> urls = cluster.urls;
        cluster.start(0);
        for (int i = 0; i < 100; i++) {
            assertEquals(201, Http.put(urls.get(0) + "/v0/entity?id=term-" + i, "v" + i).statusCode());
        }
        cluster.stop(0);
        assertTrue(cluster.output("node0").contains("dht: node " + urls.get(0) + " stopped"), cluster.output("node0"));

        cluster.start(0);
        for (int i = 0; i < 100; i++) {
            assertEquals("v" + i, Http.text(Http.get(urls.get(0) + "/v0/entity?id=term-" + i)));
        }
    }

    @Test
    void nodesKilledAndRestarted_keepOneCopyOfRocksDbsLibrary_inTheirDataDirectory_noneInTmp() throws Exception {
        cluster = new NodeProcesses(1);
        cluster.start(0);
        Path library = cluster.data(0).resolve("native");
        List<Path> copies = files(library);
        assertEquals(1, copies.size(), copies.toString());
        FileTime written = Files.getLastModifiedTime(copies.get(0));
        cluster.kill(0);
        cluster.start(0);
        cluster.kill(0);
        assertEquals(copies, files(library), "one copy after a kill -9 and a restart");
        assertEquals(written, Files.getLastModifiedTime(copies.get(0)), "the restart used it as it was");
        assertEquals(List.of(), files(cluster.tmp()).stream()
                .filter(file -> file.getFileName().toString().startsWith("librocksdbjni")).toList());
    }

    @Test
    void aCopyOfTheLibraryCutShortByAKill_isReplaced_andItsUnfinishedFileSwept() throws Exception {
        cluster = new NodeProcesses(1);
        cluster.start(0);
        cluster.kill(0);
        Path library = cluster.data(0).resolve("native");
        Path copy = files(library).get(0);
        Files.write(copy, new byte[] {1});
        Path unfinished = library.resolve(copy.getFileName() + "1234.part");
        Files.write(unfinished, new byte[] {2});
        cluster.start(0);
        assertEquals(List.of(copy), files(library), "the unfinished file is gone");
        assertTrue(Files.size(copy) > 1 << 20, "the cut copy was written again whole");
        assertEquals(201, Http.put(cluster.urls.get(0) + "/v0/entity?id=swept", "v").statusCode());
    }

    @Test
    void aDataDirectoryMountedNoexec_stillServes_onATemporaryCopyOfTheLibrary() throws Exception {
        cluster = new NodeProcesses(1);
        Path data = cluster.data(0);
        Files.createDirectories(data);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "noexec,size=64m", "tmpfs", data.toString()),
                "mounting a noexec tmpfs needs root and mount");
        try {
            cluster.start(0);
            String url = cluster.urls.get(0);
            assertEquals(201, Http.put(url + "/v0/entity?id=noexec", "v").statusCode());
            assertEquals("v", Http.text(Http.get(url + "/v0/entity?id=noexec")));
            assertTrue(cluster.output("node0").contains("loading a temporary copy instead"), cluster.output("node0"));
            cluster.kill(0);
        } finally {
            assertTrue(run("umount", "-l", data.toString()), "unmounted " + data);
        }
    }

    private static boolean run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().transferTo(OutputStream.nullOutputStream());
        return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void badCommandLines_printOneLineAndExitNonZero() throws Exception {
        cluster = new NodeProcesses(1);
        String url = cluster.urls.get(0);
        Path root = cluster.root();
        Path file = Files.writeString(root.resolve("a-file"), "not a directory");
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String busyUrl = "http://127.0.0.1:" + busy.getLocalPort();
            List<List<String>> bad = List.of(
                    List.of("--bogus", "1"),
                    List.of("--self", url, "--cluster", "http://127.0.0.1:1"),
                    List.of("--self", busyUrl, "--cluster", busyUrl, "--data", root.resolve("busy").toString()),
                    List.of("--self", url, "--cluster", url, "--data", file.resolve("sub").toString()),
                    List.of("--port", "eighty"));
            for (int i = 0; i < bad.size(); i++) {
                Process process = cluster.launch("bad" + i, "-Xmx128m", bad.get(i));
                assertTrue(process.waitFor(30, TimeUnit.SECONDS));
                assertNotEquals(0, process.exitValue(), String.join(" ", bad.get(i)));
                String[] lines = cluster.output("bad" + i).strip().split("\n");
                assertEquals(1, lines.length, cluster.output("bad" + i));
                assertTrue(lines[0].startsWith("dht: "), lines[0]);
            }
        }
        Process help = cluster.launch("help", "-Xmx128m", List.of("--help"));
        assertTrue(help.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, help.exitValue());
        assertTrue(cluster.output("help").contains("--cluster"));
        assertFalse(cluster.output("help").contains("Exception"));
    }
}
