package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ObservabilityIT {
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private double metric(int node, String series) {
        return cluster.metric(node, series);
    }

    @Test
    void metrics_countRequestsByOperationAndStatus_peerCalls_andStorage() throws Exception {
        cluster = new TestCluster(2);
        HttpResponse<byte[]> first = Http.get(cluster.urls.get(0) + "/metrics");
        assertEquals(200, first.statusCode());
        assertTrue(first.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"));
        for (int i = 0; i < 5; i++) {
            assertEquals(201, Http.put(cluster.entity(0, "m" + i), "v").statusCode());
        }
        assertEquals(404, Http.get(cluster.entity(0, "absent")).statusCode());
        assertEquals(400, Http.get(cluster.urls.get(0) + "/v0/entity?id=").statusCode());
        assertEquals(5.0, metric(0, "dht_requests_total{operation=\"put\",status=\"201\"}"));
        assertEquals(1.0, metric(0, "dht_requests_total{operation=\"get\",status=\"404\"}"));
        assertEquals(1.0, metric(0, "dht_requests_total{operation=\"get\",status=\"400\"}"));
        assertEquals(5.0, metric(0, "dht_request_duration_seconds_count{operation=\"put\"}"));
        assertEquals(5.0, metric(1, "dht_requests_total{operation=\"replica_write\",status=\"201\"}"));
        // The PUTs wrote and the GET read node 1 as a replica; a call is counted as its future completes.
        String peerCalls = "dht_peer_calls_total{peer=\"" + cluster.urls.get(1) + "\",result=\"ok\"}";
        assertTrue(TestCluster.eventually(2_000, () -> metric(0, peerCalls) == 6.0), peerCalls + " " + metric(0, peerCalls));
        assertTrue(metric(0, "dht_rocksdb_memtable_bytes") > 0);
        assertEquals(0.0, metric(0, "dht_worker_queue_depth"));
        assertTrue(metric(0, "jvm_memory_used_bytes{area=\"heap\"}") > 0);
        assertEquals(405, Http.send("PUT", cluster.urls.get(0) + "/metrics", new byte[0]).statusCode());
    }

    @Test
    void peerState_downWhileAway_probed_andUpOnceItHasRestarted() throws Exception {
        cluster = new TestCluster(2);
        String peer = cluster.urls.get(1);
        String down = "dht_peer_down{peer=\"" + peer + "\"}";
        assertEquals(0.0, metric(0, down));
        cluster.stop(1);
        assertEquals(504, Http.put(cluster.entity(0, "k") + "&ack=2&from=2", "v").statusCode());
        assertEquals(1.0, metric(0, down));
        assertTrue(Http.text(Http.get(cluster.urls.get(0) + "/v0/status")).contains("\"state\":\"down\""));
        String failedProbes = "dht_peer_probes_total{peer=\"" + peer + "\",result=\"failed\"}";
        assertTrue(TestCluster.eventually(5_000, () -> metric(0, failedProbes) >= 1), "the down peer is probed");
        cluster.start(1);
        assertEquals(0.0, metric(0, down), "its announcement marked it up before its start returned");
        assertTrue(Http.text(Http.get(cluster.urls.get(0) + "/v0/status")).contains("\"state\":\"up\""));
        assertTrue(metric(0, "dht_peer_state_seconds{peer=\"" + peer + "\"}") < 5);
    }

    @Test
    void profile_isOffByDefault() throws Exception {
        cluster = new TestCluster(1);
        HttpResponse<byte[]> answer = Http.get(cluster.urls.get(0) + "/v0/admin/profile?event=cpu&duration=1");
        assertEquals(404, answer.statusCode());
        assertTrue(Http.text(answer).contains("--admin"));
    }

    @Test
    void profile_withAdmin_returnsAFlamegraph_oneAtATime() throws Exception {
        cluster = new TestCluster(1, "--admin");
        String profile = cluster.urls.get(0) + "/v0/admin/profile";
        assertEquals(400, Http.get(profile + "?event=wall").statusCode());
        assertEquals(400, Http.get(profile + "?duration=0").statusCode());
        assertEquals(400, Http.get(profile + "?duration=301").statusCode());
        // Two recordings asked for at once: one runs, the other is refused while it does.
        CompletableFuture<HttpResponse<byte[]>> cpu = CompletableFuture.supplyAsync(() -> Http.get(profile + "?event=cpu&duration=2"));
        CompletableFuture<HttpResponse<byte[]>> lock = CompletableFuture.supplyAsync(() -> Http.get(profile + "?event=lock&duration=2"));
        HttpResponse<byte[]> flamegraph = cpu.join().statusCode() == 200 ? cpu.join() : lock.join();
        HttpResponse<byte[]> refused = cpu.join().statusCode() == 200 ? lock.join() : cpu.join();
        assertEquals(200, flamegraph.statusCode(), Http.text(flamegraph));
        assertEquals(409, refused.statusCode(), Http.text(refused));
        assertTrue(flamegraph.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(Http.text(flamegraph).startsWith("<!DOCTYPE html>"));
        HttpResponse<byte[]> alloc = Http.get(profile + "?event=alloc&duration=1");
        assertEquals(200, alloc.statusCode(), Http.text(alloc));
    }
}
