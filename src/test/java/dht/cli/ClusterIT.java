package dht.cli;

import dht.storage.Record;
import dht.storage.RecordCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterIT {
    /** The sharded path without replication: the key's owner alone. */
    private static final String SINGLE_OWNER = "&ack=1&from=1";

    private TestCluster cluster;

    @BeforeEach
    void startCluster() throws Exception {
        cluster = new TestCluster(3, "--max-value-bytes", "65536", "--peer-timeout-ms", "1000");
    }

    @AfterEach
    void stopCluster() throws Exception {
        cluster.close();
    }

    @Test
    void pipelinedRequests_answeredInOrder() throws Exception {
        // Twelve keys land on every node, so answers come from workers and from the peer loop.
        List<Http.Answer> answers = pipelined(i -> "/v0/entity?id=pipelined-" + i + SINGLE_OWNER, i -> "v" + i,
                "/v0/entity?id=pipelined-absent");
        for (int i = 0; i < 12; i++) {
            assertEquals("v" + i, answers.get(12 + i).body());
        }
        assertEquals("404", answers.get(24).status());
    }

    @Test
    void pipelinedReplicaCalls_answeredInOrder_closingAnswerLast() throws Exception {
        // Replica calls are answered on the selector, and the answers to one read leave together.
        List<Http.Answer> answers = pipelined(i -> "/v0/internal/entity?id=corked-" + i,
                i -> new String(RecordCodec.encode(Record.live(1000 + i, ("v" + i).getBytes(StandardCharsets.US_ASCII))),
                        StandardCharsets.ISO_8859_1),
                "/v0/status");
        for (int i = 0; i < 12; i++) {
            Record stored = RecordCodec.decode(answers.get(12 + i).body().getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(1000 + i, stored.version());
            assertEquals("v" + i, new String(stored.value(), StandardCharsets.US_ASCII));
        }
        assertEquals("200", answers.get(24).status());
        assertTrue(answers.get(24).body().contains("\"self\""), answers.get(24).body());
    }

    /**
     * Sends, in one write to the first node, twelve PUTs of {@code body(i)} to {@code target(i)},
     * twelve GETs of the same targets, and a GET of {@code last} that closes the connection;
     * checks that the PUTs and GETs were answered 201 and 200, in order, and returns every answer.
     */
    private List<Http.Answer> pipelined(IntFunction<String> target, IntFunction<String> body, String last)
            throws Exception {
        URI node = URI.create(cluster.urls.get(0));
        String head = " HTTP/1.1\r\nHost: " + node.getHost() + "\r\n";
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            String value = body.apply(i);
            requests.append("PUT ").append(target.apply(i)).append(head)
                    .append("Content-Length: ").append(value.length()).append("\r\n\r\n").append(value);
        }
        for (int i = 0; i < 12; i++) {
            requests.append("GET ").append(target.apply(i)).append(head).append("\r\n");
        }
        requests.append("GET ").append(last).append(head).append("Connection: close\r\n\r\n");

        List<Http.Answer> answers = Http.answers(Http.rawUntilClosed(node, requests.toString()));
        assertEquals(25, answers.size(), answers.toString());
        for (int i = 0; i < 12; i++) {
            assertEquals("201", answers.get(i).status());
            assertEquals("200", answers.get(12 + i).status());
        }
        return answers;
    }

    @Test
    void entity_everyStatusCode() {
        String k = cluster.entity(0, "status-key");
        assertEquals(404, Http.get(k).statusCode());
        assertEquals(201, Http.put(k, "v1").statusCode());
        HttpResponse<byte[]> got = Http.get(k);
        assertEquals(200, got.statusCode());
        assertEquals("v1", Http.text(got));
        assertEquals(202, Http.delete(k).statusCode());
        assertEquals(404, Http.get(k).statusCode());
        assertEquals(202, Http.delete(cluster.entity(1, "never-written")).statusCode());

        assertEquals(201, Http.put(k, new byte[0]).statusCode());
        got = Http.get(k);
        assertEquals(200, got.statusCode());
        assertEquals(0, got.body().length);

        String base = cluster.urls.get(1);
        assertEquals(400, Http.get(base + "/v0/entity").statusCode());
        assertEquals(400, Http.get(base + "/v0/entity?id=").statusCode());
        HttpResponse<byte[]> post = Http.send("POST", base + "/v0/entity?id=x", new byte[] {1});
        assertEquals(405, post.statusCode());
        assertEquals("GET, PUT, DELETE", post.headers().firstValue("Allow").orElse(""));
        assertEquals(400, Http.get(base + "/v0/nowhere").statusCode());
        assertEquals(413, Http.put(k, new byte[65537]).statusCode());
        assertEquals(201, Http.put(k, new byte[65536]).statusCode());
        assertEquals(414, Http.get(base + "/v0/entity?id=" + "x".repeat(1025)).statusCode());
        assertEquals(400, Http.get(base + "/v0/entity?id=%E0%A4").statusCode());
    }

    @Test
    void status_reportsSelfMembersSharesAndStorage() {
        HttpResponse<byte[]> status = Http.get(cluster.urls.get(2) + "/v0/status");
        assertEquals(200, status.statusCode());
        assertEquals("application/json", status.headers().firstValue("Content-Type").orElse(""));
        String json = Http.text(status);
        assertTrue(json.contains("\"self\":\"" + cluster.urls.get(2) + "\""), json);
        for (String url : cluster.urls) {
            assertTrue(json.contains("\"url\":\"" + url + "\""), json);
        }
        assertTrue(json.contains("\"share\":0.33"), json);
        assertTrue(json.contains("\"estimatedKeys\":") && json.contains("\"diskBytes\":")
                && json.contains("\"uptimeSeconds\":"), json);
        assertEquals(405, Http.delete(cluster.urls.get(2) + "/v0/status").statusCode());
    }

    @Test
    void entity_writtenThroughAnyNode_readsBackThroughEveryNode() {
        Random random = new Random(7);
        for (int i = 0; i < 60; i++) {
            byte[] value = new byte[random.nextInt(2000)];
            random.nextBytes(value);
            assertEquals(201, Http.put(cluster.entity(i % 3, "any-" + i), value).statusCode());
            for (int node = 0; node < 3; node++) {
                HttpResponse<byte[]> got = Http.get(cluster.entity(node, "any-" + i));
                assertEquals(200, got.statusCode(), "key any-" + i + " through node " + node);
                assertArrayEquals(value, got.body());
            }
        }
    }

    @Test
    void entity_percentEncodedIds_areTheDecodedKeys() {
        assertEquals(201, Http.put(cluster.entity(0, "a%2Fb"), "slash").statusCode());
        assertEquals("slash", Http.text(Http.get(cluster.entity(1, "a/b"))));
        assertEquals(201, Http.put(cluster.entity(0, "k%26x"), "amp").statusCode());
        assertEquals(404, Http.get(cluster.entity(2, "k")).statusCode());
        assertEquals("amp", Http.text(Http.get(cluster.entity(2, "k%26x"))));
        assertEquals(201, Http.put(cluster.entity(1, "%D0%BA%D0%BB%D1%8E%D1%87"), "utf8").statusCode());
        assertEquals("utf8", Http.text(Http.get(cluster.entity(2, "%D0%BA%D0%BB%D1%8E%D1%87"))));
    }

    @Test
    void entity_twoThousandKeysConcurrently_allReadBack() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(16);
        try {
            List<Future<Integer>> puts = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                puts.add(clients.submit(() -> Http.put(cluster.entity(n % 3, "c" + n), "value-" + n).statusCode()));
            }
            for (Future<Integer> put : puts) {
                assertEquals(201, put.get());
            }
            List<Future<String>> gets = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                int n = i;
                gets.add(clients.submit(() -> Http.text(Http.get(cluster.entity((n + 1) % 3, "c" + n)))));
            }
            for (int i = 0; i < 2000; i++) {
                assertEquals("value-" + i, gets.get(i).get());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void stoppedOwner_itsKeysFailFastElsewhereWork_andRestartKeepsItsData() throws Exception {
        List<String> onStopped = new ArrayList<>();
        List<String> onOthers = new ArrayList<>();
        for (int i = 0; onStopped.size() < 20 || onOthers.size() < 20; i++) {
            String id = "fail-" + i;
            (cluster.ownerOf(id) == 2 ? onStopped : onOthers).add(id);
            assertEquals(201, Http.put(cluster.entity(i % 3, id) + SINGLE_OWNER, id).statusCode());
        }
        cluster.stop(2);

        for (String id : onStopped) {
            long started = System.nanoTime();
            HttpResponse<byte[]> response = Http.get(cluster.entity(0, id) + SINGLE_OWNER);
            long millis = (System.nanoTime() - started) / 1_000_000;
            assertEquals(504, response.statusCode(), id);
            assertTrue(millis < 1500, "answer for " + id + " took " + millis + " ms");
        }
        for (String id : onOthers) {
            assertEquals(id, Http.text(Http.get(cluster.entity(1, id) + SINGLE_OWNER)));
            assertEquals(201, Http.put(cluster.entity(0, id) + SINGLE_OWNER, id + "-2").statusCode());
        }

        cluster.start(2);
        String first = onStopped.get(0);
        assertTrue(TestCluster.eventually(5000, () -> Http.get(cluster.entity(0, first) + SINGLE_OWNER).statusCode() == 200),
                "the restarted member's keys are served again");
        for (String id : onStopped) {
            assertEquals(id, Http.text(Http.get(cluster.entity(1, id) + SINGLE_OWNER)));
        }
    }

    @Test
    void internalEndpoint_servesLocallyAndNeverForwards() {
        String id = "internal-key";
        int owner = cluster.ownerOf(id);
        int other = (owner + 1) % 3;
        assertEquals(201, Http.put(cluster.entity(other, id) + SINGLE_OWNER, "client").statusCode());

        String internal = cluster.urls.get(other) + "/v0/internal/entity?id=" + id;
        assertEquals(404, Http.get(internal).statusCode(), "a non-owner has no local copy");
        byte[] record = Http.get(cluster.urls.get(owner) + "/v0/internal/entity?id=" + id).body();
        assertEquals(201, Http.put(internal, record).statusCode());
        assertEquals(200, Http.get(internal).statusCode(), "stored on the node that was asked");
        assertEquals(400, Http.put(internal, new byte[] {9, 9}).statusCode(), "a malformed record is refused");
        assertEquals(405, Http.delete(internal).statusCode());
    }

    @Test
    void malformedRequests_getAnErrorOrAClose_andTheNodeKeepsServing() throws Exception {
        URI node = URI.create(cluster.urls.get(0));
        String[] bad = {
                "GARBAGE\r\n\r\n",
                "GET /v0/entity?id=x HTTP/1.1\r\nHost: a\r\nX-Long: " + "y".repeat(70_000) + "\r\n\r\n",
                "PUT /v0/entity?id=x HTTP/1.1\r\nContent-Length: banana\r\n\r\n",
                "PUT /v0/entity?id=x HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
        };
        for (String request : bad) {
            String answer = Http.raw(node, request);
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), "answer to a malformed request: " + answer);
            assertEquals(201, Http.put(cluster.entity(0, "after-bad"), "ok").statusCode());
        }
        String chunked = Http.raw(node, "PUT /v0/entity?id=x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertTrue(chunked.startsWith("HTTP/1.1 411"), chunked);
    }
}
