package dht.cli;

import dht.cluster.ChunkedReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RangeIT {
    private static final Pattern OPEN_STREAMS = Pattern.compile("\"openRangeStreams\":(\\d+)");
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private String range(int node, String query) {
        return cluster.urls.get(node) + "/v0/entities?" + query;
    }

    private int openStreams(int node) {
        Matcher matcher = OPEN_STREAMS.matcher(Http.text(Http.get(cluster.urls.get(node) + "/v0/status")));
        assertTrue(matcher.find());
        return Integer.parseInt(matcher.group(1));
    }

    @Test
    void badParameters_areRefusedWithAReason() throws Exception {
        cluster = new TestCluster(1);
        for (String bad : new String[] {"", "start=", "end=b", "start=a&end=", "start=a&local=yes", "start=a&start=b",
                "start=%E4"}) {
            HttpResponse<byte[]> answer = Http.get(range(0, bad));
            assertEquals(400, answer.statusCode(), bad);
            assertTrue(Http.text(answer).length() > 1, bad + " gives a reason");
        }
        HttpResponse<byte[]> post = Http.send("POST", range(0, "start=a"), new byte[0]);
        assertEquals(405, post.statusCode());
        assertEquals("GET", post.headers().firstValue("Allow").orElse(""));
        String old = Http.raw(URI.create(cluster.urls.get(0)), "GET /v0/entities?start=a HTTP/1.0\r\n\r\n");
        assertTrue(old.startsWith("HTTP/1.1 505"), old);
    }

    @Test
    void range_isSortedByBytes_startInclusiveEndExclusive_withoutDeletedKeys_throughEveryNode() throws Exception {
        cluster = new TestCluster(3);
        // UTF-8 bytes sort as: "a", "a\nz" (0A), "a b" (20), "b", "é" (C3 A9), "中" (E4 B8 AD), "😀" (F0 9F 98 80)
        String[][] keys = {{"b", "b"}, {"%E4%B8%AD", "中"}, {"a", "a"}, {"%F0%9F%98%80", "😀"}, {"a%20b", "a b"},
                {"%C3%A9", "é"}, {"a%0Az", "a\nz"}, {"gone", "gone"}};
        for (String[] key : keys) {
            assertEquals(201, Http.put(cluster.entity(0, key[0]), "value of " + key[1] + "\nline 2").statusCode());
        }
        assertEquals(202, Http.delete(cluster.entity(1, "gone")).statusCode());
        List<String> all = List.of("a", "a\nz", "a b", "b", "é", "中", "😀");
        for (int node = 0; node < 3; node++) {
            assertEquals(expected(all), Ranges.entries(range(node, "start=a")), "through node " + node);
        }
        assertEquals(expected(List.of("a\nz", "a b", "b", "é")), Ranges.entries(range(2, "start=a%0Az&end=%E4%B8%AD")));
        assertEquals(expected(List.of("中", "😀")), Ranges.entries(range(1, "start=%E4%B8%AD")));
        assertEquals(expected(List.of("a", "a\nz")), Ranges.entries(range(0, "start=a&end=a%20")));
    }

    private static List<String> expected(List<String> keys) {
        List<String> entries = new ArrayList<>();
        for (String key : keys) {
            entries.add(key + "\nvalue of " + key + "\nline 2");
        }
        return entries;
    }

    @Test
    void emptyRanges_areEmptyAnswers() throws Exception {
        cluster = new TestCluster(2);
        assertEquals(201, Http.put(cluster.entity(0, "m"), "v").statusCode());
        for (String empty : new String[] {"start=n", "start=m&end=m", "start=z&end=a", "start=a&end=b&local=true"}) {
            HttpResponse<byte[]> answer = Http.get(range(1, empty));
            assertEquals(200, answer.statusCode(), empty);
            assertEquals("chunked", answer.headers().firstValue("Transfer-Encoding").orElse(""), empty);
            assertEquals(0, answer.body().length, empty);
            assertEquals(List.of(), Ranges.entries(range(0, empty)), empty);
        }
    }

    @Test
    void local_isThisNodesOwnData_andTheClusterAnswerMergesEveryMember() throws Exception {
        cluster = new TestCluster(3);
        List<List<String>> owned = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        List<String> all = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            String key = String.format("key-%02d", i);
            assertEquals(201, Http.put(cluster.entity(i % 3, key) + "&ack=1&from=1", "v" + i).statusCode());
            owned.get(cluster.ownerOf(key)).add(key + "\nv" + i);
            all.add(key + "\nv" + i);
        }
        for (int node = 0; node < 3; node++) {
            assertEquals(owned.get(node), Ranges.entries(range(node, "start=key&local=true")), "node " + node);
            assertEquals(all, Ranges.entries(range(node, "start=key")), "node " + node);
        }
    }

    @Test
    void newestVersionWins_whenReplicasDisagree() throws Exception {
        cluster = new TestCluster(3, "--hint-window-ms", "0");
        for (int i = 0; i < 20; i++) {
            assertEquals(201, Http.put(cluster.entity(0, "k" + i) + "&ack=3&from=3", "old").statusCode());
        }
        cluster.stop(2);
        for (int i = 0; i < 20; i += 2) {
            assertEquals(201, Http.put(cluster.entity(0, "k" + i) + "&ack=2&from=3", "new").statusCode());
        }
        assertEquals(202, Http.delete(cluster.entity(1, "k1") + "&ack=2&from=3").statusCode());
        cluster.start(2);
        assertEquals(20, Ranges.entries(range(2, "start=k&local=true")).size(), "node 2 missed the new writes");
        List<String> merged = Ranges.entries(range(2, "start=k"));
        assertEquals(19, merged.size());
        for (String entry : merged) {
            int i = Integer.parseInt(entry.substring(1, entry.indexOf('\n')));
            assertEquals("k" + i + "\n" + (i % 2 == 0 ? "new" : "old"), entry);
        }
    }

    @Test
    void oneMemberDown_stillCoversEveryKey_twoDown_failsBeforeTheFirstByte() throws Exception {
        cluster = new TestCluster(3);
        for (int i = 0; i < 30; i++) {
            assertEquals(201, Http.put(cluster.entity(i % 3, "d" + i), "v").statusCode());
        }
        cluster.stop(1);
        assertEquals(30, Ranges.entries(range(0, "start=d")).size());
        cluster.stop(2);
        HttpResponse<byte[]> answer = Http.get(range(0, "start=d"));
        assertEquals(504, answer.statusCode(), Http.text(answer));
        assertEquals(30, Ranges.entries(range(0, "start=d&local=true")).size(), "its own data still streams");
    }

    @Test
    void idleClientsHoldStreamsWithoutBuffering_pastTheCapIs503_andAbortedClientsReleaseThemAtOnce() throws Exception {
        cluster = new TestCluster(2, "--streams", "2");
        byte[] value = new byte[256 * 1024];
        for (int i = 0; i < 64; i++) {
            assertEquals(201, Http.put(cluster.entity(i % 2, "big-" + i), value).statusCode());
        }
        List<Socket> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                idle.add(askAndDoNotRead(cluster.urls.get(0), "/v0/entities?start=big"));
            }
            // 16 MiB does not fit the sockets' buffers: both streams stay open, paused, on both nodes.
            assertTrue(TestCluster.eventually(5_000, () -> openStreams(0) == 2 && openStreams(1) == 2));
            HttpResponse<byte[]> refused = Http.get(range(0, "start=big"));
            assertEquals(503, refused.statusCode());
            assertEquals("1", refused.headers().firstValue("Retry-After").orElse(""));
        } finally {
            for (Socket socket : idle) {
                socket.close();
            }
        }
        assertTrue(TestCluster.eventually(5_000, () -> openStreams(0) == 0 && openStreams(1) == 0),
                "aborted clients release their streams and the peer streams behind them");
        assertEquals(64, Ranges.entries(range(1, "start=big")).size());
    }

    /** Sends the request, reads the head, then leaves the body unread. */
    private static Socket askAndDoNotRead(String node, String target) throws IOException {
        URI uri = URI.create(node);
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 * 1024);
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        byte[] head = new byte[15];
        assertEquals(head.length, in.readNBytes(head, 0, head.length));
        assertEquals("HTTP/1.1 200 OK", new String(head, StandardCharsets.US_ASCII));
        return socket;
    }

    @Test
    void aStreamThatBreaksOff_isSeenAsIncomplete() throws Exception {
        cluster = new TestCluster(2, "--drain-ms", "200");
        byte[] value = new byte[256 * 1024];
        // More on node 1 than the sockets between it and the client can buffer, so its stream is open when it stops.
        for (int i = 0, stored = 0; stored < 160; i++) {
            String key = String.format("cut-%04d", i);
            if (cluster.ownerOf(key) == 1) {
                assertEquals(201, Http.put(cluster.entity(0, key) + "&ack=1&from=1", value).statusCode());
                stored++;
            }
        }
        try (ChunkedReader reader = Ranges.open(range(0, "start=cut"))) {
            assertTrue(reader.next() != null);
            cluster.stop(1);
            assertThrows(IOException.class, () -> {
                while (reader.next() != null) {
                    // read until the node cuts the stream off
                }
            });
        }
    }
}
