package dht.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-key TTL with real processes: values read until their expiry and then as absent, through
 * every node, in ranges, after a restart; and an expired value beats an older one on a stale
 * replica as a tombstone would, so it does not come back.
 */
class TtlIT {
    private static final int BRIEF_SECONDS = 3;

    @Test
    void valuesExpireOnTimeThroughEveryNodeInRangesAndAfterARestart() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(3)) {
            nodes.startAll();
            long before = System.currentTimeMillis();
            assertEquals(201, Http.put(entity(nodes.urls.get(0), "ttl-brief") + "&ttl=" + BRIEF_SECONDS, "brief").statusCode());
            assertEquals(201, Http.put(entity(nodes.urls.get(1), "ttl-lasting") + "&ttl=3600", "lasting").statusCode());
            assertEquals(201, Http.put(entity(nodes.urls.get(2), "ttl-again") + "&ttl=1", "brief").statusCode());
            assertEquals(201, Http.put(entity(nodes.urls.get(2), "ttl-again"), "for ever").statusCode());
            assertEquals(201, Http.put(entity(nodes.urls.get(0), "ttl-plain"), "plain").statusCode());
            for (String url : nodes.urls) {
                if (System.currentTimeMillis() < before + BRIEF_SECONDS * 1000 - 500) {
                    assertEquals("brief", Http.text(Http.get(entity(url, "ttl-brief"))), url);
                }
            }

            for (String url : nodes.urls) {
                assertTrue(TestCluster.eventually(20_000, () -> Http.get(entity(url, "ttl-brief")).statusCode() == 404),
                        "the value expires through " + url);
                assertTrue(System.currentTimeMillis() >= before + BRIEF_SECONDS * 1000, "not before its TTL");
            }
            List<String> live = List.of("ttl-again\nfor ever", "ttl-lasting\nlasting", "ttl-plain\nplain");
            assertLive(nodes, live);

            for (int i = 0; i < 3; i++) {
                nodes.stop(i);
            }
            nodes.startAll();
            assertLive(nodes, live);
            for (String url : nodes.urls) {
                assertEquals(404, Http.get(entity(url, "ttl-brief")).statusCode(), "still expired after the restart");
            }
        }
    }

    @Test
    void aTtlOutsideOneSecondToTenYearsIsRefusedAndChangesNothing() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(1)) {
            nodes.startAll();
            String url = nodes.urls.get(0);
            assertEquals(201, Http.put(entity(url, "k"), "kept").statusCode());
            for (String ttl : List.of("0", "-1", "abc", "1.5", "315360001", "")) {
                assertEquals(400, Http.put(entity(url, "k") + "&ttl=" + ttl, "replaced").statusCode(), "ttl=" + ttl);
            }
            assertEquals(201, Http.put(entity(url, "ten-years") + "&ttl=315360000", "v").statusCode());
            assertEquals("kept", Http.text(Http.get(entity(url, "k"))));
        }
    }

    @Test
    void anExpiredValueDoesNotComeBackFromAStaleReplica() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(3, "--hint-window-ms", "1")) {
            nodes.startAll();
            String key = "ttl-stale";
            assertEquals(201, Http.put(entity(nodes.urls.get(0), key) + "&ack=3&from=3", "old").statusCode());
            nodes.stop(2);
            assertEquals(201, Http.put(entity(nodes.urls.get(0), key) + "&ttl=1", "brief").statusCode());
            assertTrue(TestCluster.eventually(20_000, () -> Http.get(entity(nodes.urls.get(0), key)).statusCode() == 404));

            nodes.start(2);
            String local = nodes.urls.get(2) + "/v0/entities?start=ttl-&end=ttl.&local=true";
            assertEquals(List.of(key + "\nold"), Ranges.entries(local), "node 2 missed the write and holds the old value");
            assertEquals(404, Http.get(entity(nodes.urls.get(2), key)).statusCode(), "a quorum read through the stale node");
            assertEquals(200, Http.send("POST", nodes.urls.get(2) + "/v0/admin/repair", new byte[0]).statusCode());
            nodes.stop(0);
            nodes.stop(1);
            assertEquals(List.of(), Ranges.entries(local));
            assertEquals(404, Http.get(entity(nodes.urls.get(2), key) + "&ack=1&from=3").statusCode(),
                    "node 2 holds the expired value, not the old one");
        }
    }

    private static void assertLive(NodeProcesses nodes, List<String> live) {
        for (String url : nodes.urls) {
            assertEquals(live, Ranges.entries(url + "/v0/entities?start=ttl-&end=ttl."), "range through " + url);
            assertEquals(live, Ranges.entries(url + "/v0/entities?start=ttl-&end=ttl.&local=true"), "own copy of " + url);
            assertEquals("lasting", Http.text(Http.get(entity(url, "ttl-lasting"))));
            assertEquals("for ever", Http.text(Http.get(entity(url, "ttl-again"))));
        }
    }

    private static String entity(String url, String key) {
        return url + "/v0/entity?id=" + key;
    }
}
