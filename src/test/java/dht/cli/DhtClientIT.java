package dht.cli;

import dht.client.DhtClient;
import dht.client.DhtException;
import dht.client.RangeIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Java client against real nodes: every operation, routing to a replica, a node down, ranges, tokens. */
class DhtClientIT {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private double peerCalls() {
        double sum = 0;
        for (int node = 0; node < cluster.urls.size(); node++) {
            for (String peer : cluster.urls) {
                double calls = cluster.metric(node, "dht_peer_calls_total{peer=\"" + peer + "\",result=\"ok\"}");
                sum += Double.isNaN(calls) ? 0 : calls;
            }
        }
        return sum;
    }

    @Test
    void everyOperation_withAndWithoutAckAndFrom() throws Exception {
        cluster = new TestCluster(3);
        try (DhtClient client = DhtClient.builder(cluster.urls.get(0)).build()) {
            assertTrue(client.get("absent").isEmpty());
            client.put("k/1 &x", bytes("v1"));
            assertArrayEquals(bytes("v1"), client.get("k/1 &x").orElseThrow());
            client.put("k2", bytes("v2"), 3, 3);
            assertArrayEquals(bytes("v2"), client.get("k2", 1, 1).orElseThrow());
            client.delete("k2");
            assertTrue(client.get("k2", 3, 3).isEmpty());
            DhtException refused = assertThrows(DhtException.class, () -> client.get("k", 4, 3));
            assertEquals(400, refused.status());
            client.put("brief", bytes("v"), Duration.ofSeconds(1));
            assertTrue(TestCluster.eventually(10_000, () -> client.get("brief").isEmpty()), "the value expires");
            assertThrows(IllegalArgumentException.class, () -> client.put("brief", bytes("v"), Duration.ofMillis(1500)));
        }
    }

    @Test
    void oneCopyRequests_goStraightToTheOwner_withoutAPeerCall() throws Exception {
        cluster = new TestCluster(3);
        try (DhtClient client = DhtClient.builder(cluster.urls.get(2)).build()) {
            double before = peerCalls();
            for (int i = 0; i < 30; i++) {
                client.put("owned" + i, bytes("v" + i), 1, 1);
                assertArrayEquals(bytes("v" + i), client.get("owned" + i, 1, 1).orElseThrow());
            }
            assertEquals(before, peerCalls(), "every request reached the key's owner");
        }
        for (int i = 0; i < 30; i++) {
            assertEquals(200, Http.get(cluster.entity(0, "owned" + i) + "&ack=1&from=1").statusCode());
        }
        assertTrue(peerCalls() > 0, "the same reads through one node were proxied");
    }

    @Test
    void aNodeDown_requestsGoToTheOthers() throws Exception {
        cluster = new TestCluster(3);
        try (DhtClient client = DhtClient.builder(cluster.urls.get(0), cluster.urls.get(1)).build()) {
            for (int i = 0; i < 20; i++) {
                client.put("d" + i, bytes("v" + i));
            }
            cluster.stop(0);
            for (int i = 0; i < 20; i++) {
                assertArrayEquals(bytes("v" + i), client.get("d" + i).orElseThrow(), "d" + i);
                client.put("d" + i, bytes("w" + i));
            }
            client.refresh();
        }
    }

    @Test
    void asyncCalls_fromOneThread_keepHundredsInFlight_andFailOverAsTheWaitingOnesDo() throws Exception {
        cluster = new TestCluster(3);
        try (DhtClient client = DhtClient.builder(cluster.urls.get(0), cluster.urls.get(1)).build()) {
            List<CompletableFuture<Void>> writes = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                writes.add(client.putAsync("a" + i, bytes("v" + i), 0, 0));
            }
            CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            cluster.stop(0);
            List<CompletableFuture<Optional<byte[]>>> reads = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                reads.add(client.getAsync("a" + i, 0, 0));
            }
            for (int i = 0; i < 500; i++) {
                assertArrayEquals(bytes("v" + i), reads.get(i).get(30, TimeUnit.SECONDS).orElseThrow(), "a" + i);
            }
            client.deleteAsync("a0", 0, 0).get(30, TimeUnit.SECONDS);
            assertTrue(client.getAsync("a0", 0, 0).get(30, TimeUnit.SECONDS).isEmpty());
            ExecutionException refused = assertThrows(ExecutionException.class, () -> client.getAsync("a1", 4, 3).get());
            assertEquals(400, ((DhtException) refused.getCause()).status());
        }
    }

    @Test
    void range_streamsEveryLiveKeyInOrder() throws Exception {
        cluster = new TestCluster(3);
        try (DhtClient client = DhtClient.builder(cluster.urls.get(1)).build()) {
            for (int i = 0; i < 50; i++) {
                client.put(String.format("r%02d", i), bytes("line\nvalue " + i));
            }
            client.delete("r07");
            List<String> keys = new ArrayList<>();
            try (RangeIterator range = client.range("r", "s")) {
                while (range.hasNext()) {
                    RangeIterator.Entry entry = range.next();
                    keys.add(entry.key());
                    assertArrayEquals(bytes("line\nvalue " + Integer.parseInt(entry.key().substring(1))), entry.value());
                }
            }
            assertEquals(49, keys.size());
            assertFalse(keys.contains("r07"));
            assertEquals(keys.stream().sorted().toList(), keys);
        }
    }

    @Test
    void tokens_areSent_andRefusalsCarryTheirStatus() throws Exception {
        Path tokens = dir.resolve("tokens");
        Files.writeString(tokens, "w-token write\n");
        cluster = new TestCluster(2, "--tokens-file", tokens.toString());
        try (DhtClient client = DhtClient.builder(cluster.urls.get(0)).token("w-token").build()) {
            client.put("t", bytes("v"));
            assertArrayEquals(bytes("v"), client.get("t").orElseThrow());
        }
        DhtException refused = assertThrows(DhtException.class, () -> DhtClient.builder(cluster.urls.get(0)).build());
        assertTrue(refused.getMessage().contains("/v0/status"), refused.getMessage());
    }
}
