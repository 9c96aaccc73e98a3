package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client can no longer do to a node: smuggle a request past the head rules, hold the body
 * budget or a range stream with a connection that sends or reads nothing, or take every
 * connection slot. Each case failed before the rules and deadlines it checks.
 */
class HostileClientIT {
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private URI node() {
        return URI.create(cluster.urls.get(0));
    }

    @Test
    void headersPastTheLimit_answer431_andTheBodyNeverRunsAsARequest() throws Exception {
        cluster = new TestCluster(1);
        assertEquals(201, Http.put(cluster.entity(0, "victim"), "kept").statusCode());
        String smuggled = "DELETE /v0/entity?id=victim HTTP/1.1\r\nHost: x\r\n\r\n";
        StringBuilder head = new StringBuilder("PUT /v0/entity?id=carrier HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 300; i++) {
            head.append("X-Pad-").append(i).append(": a\r\n");
        }
        head.append("Content-Length: ").append(smuggled.length()).append("\r\n\r\n").append(smuggled);
        String answer = Http.rawUntilClosed(node(), head.toString());
        assertTrue(answer.startsWith("HTTP/1.1 431 "), answer);
        assertEquals("kept", Http.text(Http.get(cluster.entity(0, "victim"))), "the body never ran as a DELETE");
    }

    @Test
    void twoContentLengths_answer400_andClose() throws Exception {
        cluster = new TestCluster(1);
        String answer = Http.rawUntilClosed(node(), "PUT /v0/entity?id=k HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                + "Content-Length: 48\r\n\r\nhello" + "DELETE /v0/entity?id=k HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("Content-Length"), answer);
    }

    @Test
    void chunkedBody_answer411_andCloseBeforeTheChunksAreRead() throws Exception {
        cluster = new TestCluster(1);
        assertEquals(201, Http.put(cluster.entity(0, "victim"), "kept").statusCode());
        String chunks = "DELETE /v0/entity?id=victim HTTP/1.1\r\nHost: x\r\n\r\n";
        String answer = Http.rawUntilClosed(node(), "PUT /v0/entity?id=k HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunks);
        assertTrue(answer.startsWith("HTTP/1.1 411 "), answer);
        assertEquals(1, Http.answers(answer).size(), answer);
        assertEquals("kept", Http.text(Http.get(cluster.entity(0, "victim"))));
    }

    @Test
    void bareLineFeeds_answer400_andClose() throws Exception {
        cluster = new TestCluster(1);
        String answer = Http.rawUntilClosed(node(), "GET /v0/entity?id=k HTTP/1.1\nHost: x\n\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("CRLF"), answer);
    }

    @Test
    void idOf100000Bytes_answers414() throws Exception {
        cluster = new TestCluster(1);
        String answer = Http.rawUntilClosed(node(), "GET /v0/entity?id=" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 414 "), answer);
    }

    @Test
    void bodyThatNeverArrives_closedByItsDeadline_andItsBudgetReleased() throws Exception {
        cluster = new TestCluster(1, "--body-memory-mb", "16", "--body-timeout-ms", "500");
        byte[] large = new byte[100 * 1024];
        try (Socket idle = connect()) {
            idle.getOutputStream().write(("PUT /v0/entity?id=held HTTP/1.1\r\nHost: x\r\nContent-Length: 16777216\r\n\r\nx")
                    .getBytes(StandardCharsets.US_ASCII));
            assertTrue(TestCluster.eventually(5_000, () -> status().contains("\"heldBodyBytes\":16777216")));
            String refused = Http.rawUntilClosed(node(), "PUT /v0/entity?id=large HTTP/1.1\r\nHost: x\r\nContent-Length: "
                    + large.length + "\r\n\r\n");
            assertTrue(refused.startsWith("HTTP/1.1 503 "), "the idle body holds the budget: " + refused);
            assertTrue(closedByServer(idle, 10_000), "the node closed the connection that never sent its body");
        }
        assertTrue(TestCluster.eventually(5_000, () -> status().contains("\"heldBodyBytes\":0")));
        assertEquals(201, Http.put(cluster.entity(0, "large"), large).statusCode());
        assertTrue(cluster.metric(0, "dht_connections_closed_total{reason=\"body_timeout\"}") >= 1);
    }

    @Test
    void headThatNeverEnds_closedByTheSameDeadline() throws Exception {
        cluster = new TestCluster(1, "--body-timeout-ms", "500");
        try (Socket slow = connect()) {
            slow.getOutputStream().write("GET /v0/entity?id=k HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            assertTrue(closedByServer(slow, 10_000));
        }
        assertTrue(cluster.metric(0, "dht_connections_closed_total{reason=\"head_timeout\"}") >= 1);
    }

    @Test
    void rangeStreamsNobodyReads_closedWhenIdle_andTheirSlotsFreed() throws Exception {
        cluster = new TestCluster(1, "--streams", "2", "--stream-idle-ms", "1000");
        byte[] value = new byte[64 * 1024];
        for (int i = 0; i < 200; i++) {
            assertEquals(201, Http.put(cluster.entity(0, "r" + i), value).statusCode());
        }
        String range = cluster.urls.get(0) + "/v0/entities?start=r&local=true";
        byte[] request = "GET /v0/entities?start=r&local=true HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket first = connectReadingLittle(); Socket second = connectReadingLittle()) {
            first.getOutputStream().write(request);
            second.getOutputStream().write(request);
            assertTrue(TestCluster.eventually(5_000, () -> status().contains("\"openRangeStreams\":2")));
            assertEquals(503, Http.get(range).statusCode(), "both slots are held");
            assertTrue(TestCluster.eventually(10_000, () -> status().contains("\"openRangeStreams\":0")),
                    "the streams nobody read were closed");
            assertEquals(200, Http.get(range).statusCode());
        }
        assertTrue(cluster.metric(0, "dht_connections_closed_total{reason=\"stream_idle\"}") >= 2);
    }

    private Socket connectReadingLittle() throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.connect(new InetSocketAddress(node().getHost(), node().getPort()), 2000);
        return socket;
    }

    @Test
    void connectionsPastTheLimit_refusedAtOnce_andCounted() throws Exception {
        cluster = new TestCluster(1, "--max-connections", "4");
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                held.add(connect());
                assertTrue(exchange(held.get(i)).startsWith("HTTP/1.1 404 "), "connection " + i + " is served");
            }
            try (Socket refused = connect()) {
                assertTrue(closedByServer(refused, 5_000), "the fifth connection was closed at once");
            }
            assertTrue(exchange(held.get(0)).startsWith("HTTP/1.1 404 "), "the held connections are still served");
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
        assertTrue(TestCluster.eventually(5_000, () -> Http.get(cluster.urls.get(0) + "/v0/status").statusCode() == 200));
        assertTrue(status().matches(".*\"refused\":[1-9].*"), status());
    }

    /** One keep-alive GET of an absent key on the socket, and the start of its answer. */
    private static String exchange(Socket socket) throws IOException {
        socket.getOutputStream().write("GET /v0/entity?id=absent HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        socket.setSoTimeout(5_000);
        byte[] buffer = new byte[512];
        int n = socket.getInputStream().read(buffer);
        return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(node().getHost(), node().getPort()), 2000);
        return socket;
    }

    private String status() {
        return Http.text(Http.get(cluster.urls.get(0) + "/v0/status"));
    }

    /** True once the server closed the socket (end of stream or reset) within the time; what it sent first is skipped. */
    static boolean closedByServer(Socket socket, int timeoutMillis) throws IOException {
        socket.setSoTimeout(timeoutMillis);
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[8192];
        try {
            while (in.read(buffer) >= 0) {
                // an answer before the close is fine
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }
}
