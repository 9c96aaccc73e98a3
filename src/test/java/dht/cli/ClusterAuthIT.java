package dht.cli;

import dht.cluster.ClusterSecret;
import dht.storage.Record;
import dht.storage.RecordCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Internal endpoints with a cluster secret: the members' own calls go through, and nothing else
 * does. And, with or without a secret, a record stamped far in the future is refused where it
 * enters, so no one record can drag every clock along and win over every later write.
 */
class ClusterAuthIT {
    @TempDir
    Path dir;
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private Path secretFile(String secret) throws Exception {
        Path file = dir.resolve("secret");
        Files.writeString(file, secret + "\n");
        return file;
    }

    private static String internalPut(String id, long version, String value, String extraHeaders) {
        byte[] record = RecordCodec.encode(Record.live(version, value.getBytes(StandardCharsets.UTF_8)));
        return "PUT /v0/internal/entity?id=" + id + " HTTP/1.1\r\nHost: x\r\n" + extraHeaders + "Content-Length: "
                + record.length + "\r\n\r\n" + new String(record, StandardCharsets.ISO_8859_1);
    }

    @Test
    void withASecret_membersCallsServe_andUnsignedOrForgedCallsGet401AndChangeNothing() throws Exception {
        cluster = new TestCluster(3, "--cluster-secret-file", secretFile("a shared secret of 32 characters").toString());
        assertEquals(201, Http.put(cluster.entity(0, "k"), "v1").statusCode());
        assertEquals("v1", Http.text(Http.get(cluster.entity(1, "k"))), "the peers' signed calls were served");
        assertEquals(200, Http.get(cluster.urls.get(2) + "/v0/entities?start=a").statusCode(), "and their range streams");
        URI node = URI.create(cluster.urls.get(1));
        String forged = Http.rawUntilClosed(node, internalPut("k", Long.MAX_VALUE, "X", "Connection: close\r\n"));
        assertTrue(forged.startsWith("HTTP/1.1 401 "), forged);
        ClusterSecret wrong = ClusterSecret.of("not the cluster's secret at all".getBytes(StandardCharsets.UTF_8), 60_000);
        String sender = cluster.urls.get(0);
        String signedWrong = "X-Dht-Sender: " + sender + "\r\n" + wrong.headerLine("GET", "/v0/internal/entity?id=k", sender,
                System.currentTimeMillis(), 0) + "Connection: close\r\n";
        String read = Http.rawUntilClosed(node, "GET /v0/internal/entity?id=k HTTP/1.1\r\nHost: x\r\n" + signedWrong + "\r\n");
        assertTrue(read.startsWith("HTTP/1.1 401 "), read);
        for (String path : new String[] {"/v0/internal/entity?id=k", "/v0/internal/entities?start=%00", "/v0/internal/ping"}) {
            assertEquals(401, Http.get(cluster.urls.get(1) + path).statusCode(), path);
        }
        assertEquals(201, Http.put(cluster.entity(2, "k"), "v2").statusCode());
        assertEquals("v2", Http.text(Http.get(cluster.entity(0, "k"))), "the forged record never landed");
    }

    @Test
    void recordFarAhead_refused400_andLaterWritesStillWin() throws Exception {
        cluster = new TestCluster(3);
        URI node = URI.create(cluster.urls.get(0));
        String asPeer = "X-Dht-Sender: " + cluster.urls.get(1) + "\r\nConnection: close\r\n";
        String answer = Http.rawUntilClosed(node, internalPut("k", 1L << 62, "planted", asPeer));
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
        assertTrue(answer.contains("ahead"), answer);
        assertEquals(1.0, cluster.metric(0, "dht_peer_clock_refusals_total{peer=\"" + cluster.urls.get(1) + "\"}"));
        for (int i = 0; i < 3; i++) {
            assertEquals(201, Http.put(cluster.entity(i, "k"), "w" + i).statusCode());
            assertEquals("w" + i, Http.text(Http.get(cluster.entity((i + 1) % 3, "k"))), "write " + i + " reads back");
        }
        long aheadBy = 30_000; // within the allowed skew: accepted, and the clocks follow it
        String within = Http.rawUntilClosed(node, internalPut("near", (System.currentTimeMillis() + aheadBy) << 16, "n", asPeer));
        assertTrue(within.startsWith("HTTP/1.1 201 "), within);
    }
}
