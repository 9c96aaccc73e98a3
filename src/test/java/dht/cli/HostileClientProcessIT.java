package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The attacks that used to take a {@code -Xmx128m} node process down, run against real ones: the
 * node keeps serving other clients meanwhile, never runs out of heap, and frees what the attacker
 * held once it leaves. And an OutOfMemoryError, should one still happen, ends the process
 * instead of leaving it half-alive.
 */
class HostileClientProcessIT {
    private NodeProcesses nodes;
    private final List<Socket> attackers = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket socket : attackers) {
            socket.close();
        }
        nodes.close();
    }

    private Socket attack(String url, String request) throws IOException {
        URI node = URI.create(url);
        Socket socket = new Socket();
        attackers.add(socket);
        socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 2000);
        try {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException refusedAndClosed) {
            // the node answered 503 and closed while the request was still going out
        }
        return socket;
    }

    private void leave() throws IOException {
        for (Socket socket : attackers) {
            socket.close();
        }
        attackers.clear();
    }

    @Test
    void twoThousandBodiesThatNeverArrive_nodeKeepsServing_andFreesThemWhenTheyLeave() throws Exception {
        nodes = new NodeProcesses(1, "--body-timeout-ms", "60000");
        nodes.startAll();
        String url = nodes.urls.get(0);
        for (int i = 0; i < 2000; i++) {
            attack(url, "PUT /v0/entity?id=slow" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 65536\r\n\r\n");
        }
        assertEquals(404, Http.get(url + "/v0/entity?id=served").statusCode(), "another client is served meanwhile");
        int put = Http.put(url + "/v0/entity?id=served", "v").statusCode();
        assertTrue(put == 201 || put == 503, "a write is stored, or refused at once while small bodies fill their budget: " + put);
        leave();
        assertTrue(TestCluster.eventually(10_000, () -> Http.text(Http.get(url + "/v0/status")).contains("\"heldBodyBytes\":0")),
                "every body's budget is released when the attacker leaves");
        assertEquals(201, Http.put(url + "/v0/entity?id=served", "v").statusCode());
        assertFalse(nodes.output("node0").contains("OutOfMemoryError"), nodes.output("node0"));
    }

    @Test
    void clientsThatNeverReadLargeAnswers_coordinationGoesOn_andTheirConnectionsAreClosed() throws Exception {
        nodes = new NodeProcesses(3, "--write-timeout-ms", "2000");
        nodes.startAll();
        String url = nodes.urls.get(0);
        byte[] big = new byte[4 << 20];
        Arrays.fill(big, (byte) 'b');
        assertEquals(201, Http.put(url + "/v0/entity?id=big", big).statusCode());
        String get = "GET /v0/entity?id=big HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int i = 0; i < 16; i++) {
            attack(url, get);
        }
        attack(url, get.repeat(32));
        for (int i = 0; i < 20; i++) {
            String id = url + "/v0/entity?id=after" + i;
            // The attackers' reads are real work for two workers: a write may be refused for a
            // moment (503, Retry-After), as the contract says, and goes through when retried.
            HttpResponse<byte[]> put = Http.put(id, "v");
            for (int retry = 0; put.statusCode() == 503 && retry < 3; retry++) {
                Thread.sleep(1000L * Integer.parseInt(put.headers().firstValue("Retry-After").orElse("1")));
                put = Http.put(id, "v");
            }
            assertEquals(201, put.statusCode(), "writes are still coordinated: " + Http.text(put));
        }
        assertArrayEquals(big, Http.get(url + "/v0/entity?id=big").body(), "a reading client still gets the value");
        assertTrue(TestCluster.eventually(15_000, () -> TestCluster.metric(url, "dht_unsent_answer_bytes") == 0),
                "the node dropped the answers nobody read");
        for (int i = 0; i < 3; i++) {
            assertFalse(nodes.output("node" + i).contains("OutOfMemoryError"), nodes.output("node" + i));
        }
    }

    @Test
    void outOfMemory_endsTheProcessWithStatus3() throws Exception {
        nodes = new NodeProcesses(1, "--max-value-bytes", "268435456", "--body-memory-mb", "1024");
        Process node = nodes.start(0, "-Xmx48m");
        attack(nodes.urls.get(0), "PUT /v0/entity?id=huge HTTP/1.1\r\nHost: x\r\nContent-Length: 200000000\r\n\r\n");
        assertTrue(node.waitFor(30, TimeUnit.SECONDS), "the node ended instead of going on half-alive");
        assertEquals(3, node.exitValue());
        assertTrue(nodes.output("node0").contains("dht: out of memory"), nodes.output("node0"));
    }
}
