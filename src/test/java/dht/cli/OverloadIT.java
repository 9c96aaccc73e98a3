package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OverloadIT {
    private final List<FaultStore> stores = new ArrayList<>();
    private TestCluster cluster;
    private final ExecutorService clients = Executors.newFixedThreadPool(16);

    private void start(String... flags) throws Exception {
        start(1, flags);
    }

    private void start(int size, String... flags) throws Exception {
        cluster = new TestCluster(size, List.of(flags), real -> {
            FaultStore store = new FaultStore(real);
            stores.add(store);
            return store;
        });
    }

    @AfterEach
    void stop() throws Exception {
        stores.forEach(store -> {
            store.openGate();
            store.openEstimateGate();
        });
        clients.shutdownNow();
        cluster.close();
    }

    private List<CompletableFuture<HttpResponse<byte[]>>> burst(int count) {
        List<CompletableFuture<HttpResponse<byte[]>>> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String url = cluster.entity(0, "burst-" + i);
            answers.add(CompletableFuture.supplyAsync(() -> Http.put(url, "v"), clients));
        }
        return answers;
    }

    @Test
    void fullQueue_answers503WithRetryAfter_thenRecovers() throws Exception {
        start("--workers", "1", "--queue", "1", "--queue-ms", "60000");
        FaultStore store = stores.get(0);
        store.closeGate();
        List<CompletableFuture<HttpResponse<byte[]>>> answers = burst(12);

        int refused = 0;
        assertTrue(TestCluster.eventually(10_000, () -> answers.stream().filter(CompletableFuture::isDone).count() >= 10),
                "ten of twelve answered while the store is held");
        for (CompletableFuture<HttpResponse<byte[]>> answer : answers) {
            if (answer.isDone()) {
                HttpResponse<byte[]> response = answer.join();
                assertEquals(503, response.statusCode());
                assertEquals("1", response.headers().firstValue("Retry-After").orElse(""));
                refused++;
            }
        }
        assertEquals(10, refused);

        store.openGate();
        assertTrue(TestCluster.eventually(10_000, () -> answers.stream().allMatch(CompletableFuture::isDone)));
        assertEquals(2, answers.stream().filter(f -> f.join().statusCode() == 201).count());
        assertEquals(201, Http.put(cluster.entity(0, "after"), "ok").statusCode());
        assertEquals("ok", Http.text(Http.get(cluster.entity(0, "after"))));
    }

    @Test
    void workersHeldByTheLocalStore_delayNoRequestWhoseReplicasAreAllPeers() throws Exception {
        start(2, "--workers", "1", "--queue", "1", "--queue-ms", "60000");
        stores.get(0).closeGate();
        List<String> local = new ArrayList<>();
        List<String> remote = new ArrayList<>();
        for (int i = 0; local.size() < 2 || remote.size() < 200; i++) {
            (cluster.ownerOf("k" + i) == 0 ? local : remote).add("k" + i);
        }
        List<CompletableFuture<HttpResponse<byte[]>>> held = new ArrayList<>();
        for (String id : local.subList(0, 2)) {
            held.add(CompletableFuture.supplyAsync(() -> Http.put(cluster.entity(0, id + "&ack=1&from=1"), "held"), clients));
        }
        assertTrue(TestCluster.eventually(5000, () -> queued() == 1), "the worker is held, the queue full");
        for (String id : remote) {
            assertEquals(201, Http.put(cluster.entity(0, id + "&ack=1&from=1"), id).statusCode(), id);
            assertEquals(id, Http.text(Http.get(cluster.entity(0, id + "&ack=1&from=1"))));
        }
        assertFalse(held.get(0).isDone() || held.get(1).isDone(), "the local writes are still held");
        stores.get(0).openGate();
        for (CompletableFuture<HttpResponse<byte[]>> write : held) {
            assertEquals(201, write.get(10, TimeUnit.SECONDS).statusCode());
        }
    }

    @Test
    void requestThatWaitedPastTheDeadline_answers503() throws Exception {
        start("--workers", "1", "--queue", "100", "--queue-ms", "200");
        FaultStore store = stores.get(0);
        store.closeGate();
        List<CompletableFuture<HttpResponse<byte[]>>> answers = burst(5);
        assertTrue(TestCluster.eventually(5000, () -> queued() == 4), "four requests queued");
        Thread.sleep(300); // let the queued ones outlive their 200 ms deadline, the point of this test
        store.openGate();
        assertTrue(TestCluster.eventually(10_000, () -> answers.stream().allMatch(CompletableFuture::isDone)));
        assertEquals(1, answers.stream().filter(f -> f.join().statusCode() == 201).count());
        assertEquals(4, answers.stream().filter(f -> f.join().statusCode() == 503).count());
    }

    private String status() {
        return Http.text(Http.get(cluster.urls.get(0) + "/v0/status"));
    }

    private int queued() {
        java.util.regex.Matcher field = java.util.regex.Pattern.compile("\"queuedRequests\":(\\d+)").matcher(status());
        assertTrue(field.find(), "status reports queuedRequests");
        return Integer.parseInt(field.group(1));
    }

    @Test
    void aSlowReport_holdsNeitherTheSelectorNorTheWorkers() throws Exception {
        start("--selectors", "1", "--workers", "1");
        FaultStore store = stores.get(0);
        store.closeEstimateGate();
        CompletableFuture<HttpResponse<byte[]>> report =
                CompletableFuture.supplyAsync(() -> Http.get(cluster.urls.get(0) + "/v0/status"), clients);
        CompletableFuture<HttpResponse<byte[]>> write =
                CompletableFuture.supplyAsync(() -> Http.put(cluster.entity(0, "during"), "v"), clients);
        assertEquals(201, write.get(10, TimeUnit.SECONDS).statusCode(), "a write is served while the report is rendered");
        assertEquals("v", Http.text(Http.get(cluster.entity(0, "during"))));
        assertFalse(report.isDone(), "the report is still held");
        store.openEstimateGate();
        assertEquals(200, report.get(10, TimeUnit.SECONDS).statusCode());
    }

    @Test
    void storageFault_answers500_andTheNodeKeepsServingReads() throws Exception {
        start();
        assertEquals(201, Http.put(cluster.entity(0, "kept"), "v").statusCode());
        stores.get(0).failWrites(true);
        HttpResponse<byte[]> failed = Http.put(cluster.entity(0, "lost"), "v");
        assertEquals(500, failed.statusCode());
        assertTrue(Http.text(failed).contains("injected write fault"));
        assertEquals("v", Http.text(Http.get(cluster.entity(0, "kept"))));
        stores.get(0).failWrites(false);
        assertEquals(201, Http.put(cluster.entity(0, "lost"), "v").statusCode());
    }

    @Test
    void largeBodiesBeyondTheBudget_answer503_andTheBudgetComesBack() throws Exception {
        start("--body-memory-mb", "1");
        FaultStore store = stores.get(0);
        store.closeGate();
        byte[] large = new byte[800 * 1024];
        String held = cluster.entity(0, "held");
        CompletableFuture<HttpResponse<byte[]>> first = CompletableFuture.supplyAsync(() -> Http.put(held, large), clients);
        assertTrue(TestCluster.eventually(5000, () -> status().contains("\"heldBodyBytes\":" + large.length)),
                "the first large body is held");

        // Headers only, as a client waiting for 100 Continue sends them: the refusal comes before
        // the body, and the connection is closed after it.
        String refused = Http.raw(java.net.URI.create(cluster.urls.get(0)), "PUT /v0/entity?id=second HTTP/1.1\r\n"
                + "Content-Length: " + large.length + "\r\nExpect: 100-continue\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 503"), refused);
        assertTrue(refused.contains("Retry-After: 1"), refused);
        assertEquals(404, Http.get(cluster.entity(0, "small-requests-still-work")).statusCode());

        store.openGate();
        assertEquals(201, first.get().statusCode());
        assertEquals(201, Http.put(cluster.entity(0, "second"), large).statusCode(), "the budget was returned");
        assertTrue(TestCluster.eventually(5000, () -> status().contains("\"heldBodyBytes\":0")));
    }
}
