package dht.cli;

import dht.client.DhtClient;
import dht.cluster.Ring;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership changes with real processes: a node joins three and one of four leaves while a
 * client writes and reads through the others with the default quorum; a joining node killed
 * mid-stream resumes its handoff; a dead node is removed; a node down during a change learns it
 * when it comes back. Every request must succeed, and every acknowledged write stay readable
 * through every member.
 */
class MembershipIT {
    private static final int KEYS = 4_000;
    private static final Pattern EPOCH = Pattern.compile("\"epoch\":(\\d+)");
    private static final Pattern SHARE = Pattern.compile("\\{\"url\":\"([^\"]+)\",\"state\":\"[a-z]+\",\"share\":([0-9.]+)");
    private static final Pattern KEYS_STREAMED = Pattern.compile("\"keysStreamed\":(\\d+)");

    @Test
    void join_threeToFour_underLoad_noRequestFails_andTheNewMemberTakesAQuarter() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "4")) {
            nodes.firstMembers(3);
            nodes.startAll();
            List<String> three = nodes.urls.subList(0, 3);
            assertEquals(0, Fill.fill(three, KEYS, 100, 16));
            Map<String, String> acknowledged;
            try (RollingLoad load = new RollingLoad(three, 4); DhtClient client = DhtClient.builder(three.get(0)).build()) {
                load.awaitProgress(200);
                nodes.join(3, 1);
                awaitDone(nodes.urls.get(0), 4);
                for (String url : nodes.urls) {
                    assertTrue(TestCluster.eventually(10_000, () -> epoch(url) == 5), url + " holds the new member set");
                }
                String puts = "dht_requests_total{operation=\"put\",status=\"201\"}";
                Map<String, String> clientWrites = new HashMap<>();
                assertTrue(TestCluster.eventually(10_000, () -> {
                    String id = "client-" + clientWrites.size();
                    client.put(id, "c".getBytes(StandardCharsets.UTF_8));
                    clientWrites.put(id, "c");
                    return TestCluster.metric(nodes.urls.get(3), puts) > 0;
                }), "the ring-aware client saw the new epoch in an answer and sends to the new member: " + clientWrites.size());
                load.awaitProgress(200);
                load.close();
                assertEquals(List.of(), load.failures(), "no request failed during the join");
                acknowledged = new HashMap<>(load.acknowledged());
                acknowledged.putAll(clientWrites);
            }
            assertEveryWriteReadable(nodes.urls, acknowledged);
            assertShares(nodes.urls.get(2), nodes.urls, 0.25);
            assertMovedOnlyTo(three, nodes.urls, nodes.urls.get(3), acknowledged);
            for (int i = 0; i < 3; i++) {
                assertEquals(0.0, TestCluster.metric(nodes.urls.get(i), "dht_handoff_records_total"),
                        "records move to the new member only");
            }
            assertTrue(TestCluster.metric(nodes.urls.get(3), "dht_handoff_records_total") >= KEYS * 0.7,
                    "the new member got its three quarters of the keys");
            Ring ring = new Ring(nodes.urls, Ring.DEFAULT_PARTITIONS);
            for (String url : nodes.urls) {
                Set<String> replicated = new HashSet<>(keys(acknowledged));
                replicated.removeIf(key -> !replicates(ring, url, key));
                assertTrue(TestCluster.eventually(30_000, () -> replicated.containsAll(localKeys(url))),
                        () -> url + " holds no key it does not replicate once its cleanup is done: " + extra(localKeys(url), replicated));
                Set<String> missing = new HashSet<>(replicated);
                missing.removeAll(localKeys(url));
                assertEquals(Set.of(), missing, url + " holds every key it replicates");
            }
            nodes.stop(0);
            nodes.start(0);
            assertTrue(nodes.output("node0").contains("wins over --cluster"), "a restart says the stored membership wins");
            awaitDone(nodes.urls.get(0), 4);
        }
    }

    @Test
    void theCoordinatorKilledMidChange_drivesItToItsEndWhenRestarted() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "1")) {
            String driver = slowJoinUnderWay(nodes);
            int index = nodes.urls.indexOf(driver);
            nodes.kill(index);
            nodes.start(index);
            awaitDone(driver, 4);
            for (String url : nodes.urls) {
                assertTrue(TestCluster.eventually(10_000, () -> epoch(url) == 5), url + " holds the new member set");
            }
        }
    }

    @Test
    void leave_fourToThree_underLoad_noRequestFails_andOnlyTheLeavingMembersKeysMove() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "4")) {
            nodes.startAll();
            List<String> staying = nodes.urls.subList(0, 3);
            assertEquals(0, Fill.fill(staying, KEYS, 100, 16));
            Map<String, String> acknowledged;
            try (RollingLoad load = new RollingLoad(staying, 4)) {
                load.awaitProgress(200);
                HttpResponse<byte[]> leave = Http.send("POST", nodes.urls.get(1) + "/v0/admin/leave?url=" + nodes.urls.get(3),
                        new byte[0]);
                assertEquals(202, leave.statusCode(), Http.text(leave));
                awaitDone(nodes.urls.get(0), 3);
                load.awaitProgress(200);
                load.close();
                assertEquals(List.of(), load.failures(), "no request failed during the leave");
                acknowledged = load.acknowledged();
            }
            String status = Http.text(Http.get(nodes.urls.get(3) + "/v0/status"));
            assertTrue(status.contains("\"membership\":\"left\"") && status.contains("may be stopped"), status);
            nodes.stop(3);
            assertEveryWriteReadable(staying, acknowledged);
            assertShares(nodes.urls.get(0), staying, 1.0 / 3);
            assertMovedOnlyFrom(nodes.urls, staying, nodes.urls.get(3), acknowledged);
        }
    }

    @Test
    void aJoiningNodeKilledMidStream_resumesWhereItStopped() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "1")) {
            nodes.firstMembers(3);
            nodes.startAll();
            List<String> three = nodes.urls.subList(0, 3);
            assertEquals(0, Fill.fill(three, 30_000, 256, 32));
            nodes.join(3, 0);
            String driver = coordinator(nodes.urls.subList(0, 3));
            assertTrue(TestCluster.eventually(60_000, () -> streamedShare(driver, 30_000) > 0.3), "a third of the stream arrived");
            nodes.kill(3);
            nodes.join(3, 0);
            awaitDone(driver, 4);
            double afterRestart = TestCluster.metric(nodes.urls.get(3), "dht_handoff_records_total");
            assertTrue(afterRestart < 30_000 * 0.75 * 0.8,
                    "the restarted node streamed only the rest, not everything again: " + afterRestart);
            Ring ring = new Ring(nodes.urls, Ring.DEFAULT_PARTITIONS);
            List<String> missing = new ArrayList<>();
            Set<String> held = new HashSet<>(localKeys(nodes.urls.get(3)));
            for (int i = 0; i < 30_000; i++) {
                if (replicates(ring, nodes.urls.get(3), "k" + i) && !held.contains("k" + i)) {
                    missing.add("k" + i);
                }
            }
            assertEquals(List.of(), missing.subList(0, Math.min(10, missing.size())),
                    missing.size() + " keys the new member replicates are not on it");
        }
    }

    @Test
    void aJoiningNodeThatDies_leavesRequestsServed_andTheChangeCanBeCalledOff() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "1")) {
            nodes.firstMembers(3);
            nodes.startAll();
            List<String> three = nodes.urls.subList(0, 3);
            assertEquals(0, Fill.fill(three, 20_000, 256, 32));
            nodes.join(3, 0);
            String driver = coordinator(three);
            assertTrue(TestCluster.eventually(60_000, () -> streamedShare(driver, 20_000) > 0.1));
            nodes.kill(3);
            for (int i = 0; i < 50; i++) {
                String url = three.get(i % 3) + "/v0/entity?id=while-dead-" + i;
                assertEquals(201, Http.put(url, "v" + i).statusCode(), "writes go on: the three old replicas answer");
                assertEquals("v" + i, Http.text(Http.get(url)));
            }
            HttpResponse<byte[]> abort = Http.send("POST", three.get(1) + "/v0/admin/abort", new byte[0]);
            assertEquals(202, abort.statusCode(), Http.text(abort));
            awaitDone(driver, 3);
            for (String url : three) {
                assertTrue(TestCluster.eventually(10_000, () -> epoch(url) == 4), url + " is back at the old members");
                for (int i = 0; i < 20_000; i += 97) {
                    assertEquals(200, Http.get(url + "/v0/entity?id=k" + i).statusCode());
                }
                assertEquals("v7", Http.text(Http.get(url + "/v0/entity?id=while-dead-7")));
            }
        }
    }

    @Test
    void remove_ofAKilledNode_leavesEveryKeyWithItsCopies() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4)) {
            nodes.startAll();
            assertEquals(0, Fill.fill(nodes.urls, KEYS, 100, 16));
            nodes.kill(3);
            HttpResponse<byte[]> refused = Http.send("POST", nodes.urls.get(0) + "/v0/admin/leave?url=" + nodes.urls.get(3),
                    new byte[0]);
            assertEquals(503, refused.statusCode(), "a dead member cannot hand its data over: " + Http.text(refused));
            HttpResponse<byte[]> remove = Http.send("POST", nodes.urls.get(2) + "/v0/admin/remove?url=" + nodes.urls.get(3),
                    new byte[0]);
            assertEquals(202, remove.statusCode(), Http.text(remove));
            awaitDone(nodes.urls.get(0), 3);
            for (int i = 0; i < 3; i++) {
                assertEquals(KEYS, localKeys(nodes.urls.get(i)).size(), "three members, three copies: each holds every key");
            }
        }
    }

    @Test
    void aNodeDownDuringAJoin_learnsTheNewEpochWhenItComesBack() throws Exception {
        try (NodeProcesses nodes = new NodeProcesses(4, "--stream-mb-per-s", "1")) {
            String driver = slowJoinUnderWay(nodes);
            int away = nodes.urls.indexOf(driver) == 2 ? 1 : 2;
            nodes.kill(away);
            Thread.sleep(2_000); // the change cannot end meanwhile: it waits for every member
            String report = Http.text(Http.get(driver + "/v0/cluster"));
            assertTrue(report.contains("\"change\":{"), report);
            nodes.start(away);
            awaitDone(driver, 4);
            assertTrue(TestCluster.eventually(10_000, () -> epoch(nodes.urls.get(away)) == 5),
                    "the node that was away holds the final epoch: " + epoch(nodes.urls.get(away)));
        }
    }

    /** Waits until the cluster report of {@code url} shows no change and that many members. */
    private static void awaitDone(String url, int members) throws InterruptedException {
        assertTrue(TestCluster.eventually(180_000, () -> {
            String report = Http.text(Http.get(url + "/v0/cluster"));
            return report.contains("\"change\":null") && count(SHARE.matcher(report)) == members;
        }), "the change ended: " + Http.text(Http.get(url + "/v0/cluster")));
    }

    /** The member that drives changes: the first of the members in URL order. */
    /**
     * Starts three of the four nodes as members with 20,000 keys and the fourth joining them;
     * returns the change's coordinator once a tenth of the keys has streamed, with the change
     * still under way when the nodes stream slowly.
     */
    private static String slowJoinUnderWay(NodeProcesses nodes) throws Exception {
        nodes.firstMembers(3);
        nodes.startAll();
        assertEquals(0, Fill.fill(nodes.urls.subList(0, 3), 20_000, 256, 32));
        nodes.join(3, 0);
        String driver = coordinator(nodes.urls.subList(0, 3));
        assertTrue(TestCluster.eventually(60_000, () -> streamedShare(driver, 20_000) > 0.1));
        return driver;
    }

    private static String coordinator(List<String> members) {
        return new TreeSet<>(members).first();
    }

    /** The share of its records the joining node has received, by the driver's report, of {@code keys} filled. */
    private static double streamedShare(String driver, int keys) {
        Matcher streamed = KEYS_STREAMED.matcher(Http.text(Http.get(driver + "/v0/cluster")));
        return streamed.find() ? Double.parseDouble(streamed.group(1)) / (keys * 0.75) : 0;
    }

    private static long epoch(String url) {
        Matcher matcher = EPOCH.matcher(Http.text(Http.get(url + "/v0/cluster")));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private static int count(Matcher matcher) {
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    /** Each member's ring share in the report is within 3% of the expected share. */
    private static void assertShares(String url, List<String> members, double expected) {
        Matcher share = SHARE.matcher(Http.text(Http.get(url + "/v0/cluster")));
        List<String> seen = new ArrayList<>();
        while (share.find()) {
            seen.add(share.group(1));
            double actual = Double.parseDouble(share.group(2));
            assertTrue(Math.abs(actual - expected) <= expected * 0.03, share.group(1) + " has " + actual);
        }
        assertEquals(new TreeSet<>(members), new TreeSet<>(seen));
    }

    /** Of the keys, at most 1.1 / 4 changed owners, all to the new member. */
    private static void assertMovedOnlyTo(List<String> before, List<String> after, String joined, Map<String, String> written) {
        List<String> keys = keys(written);
        Ring old = new Ring(before, Ring.DEFAULT_PARTITIONS);
        Ring next = new Ring(after, Ring.DEFAULT_PARTITIONS);
        int moved = 0;
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            String from = old.members().get(old.owner(bytes));
            String to = next.members().get(next.owner(bytes));
            if (!from.equals(to)) {
                moved++;
                assertEquals(joined, to, key + " moved to the new member");
            }
        }
        assertTrue(moved <= keys.size() * 1.1 / 4, moved + " of " + keys.size() + " keys moved");
    }

    /** Of the keys, at most 1.1 / 4 changed owners, all from the member that left. */
    private static void assertMovedOnlyFrom(List<String> before, List<String> after, String left, Map<String, String> written) {
        List<String> keys = keys(written);
        Ring old = new Ring(before, Ring.DEFAULT_PARTITIONS);
        Ring next = new Ring(after, Ring.DEFAULT_PARTITIONS);
        int moved = 0;
        for (String key : keys) {
            byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
            String from = old.members().get(old.owner(bytes));
            if (!from.equals(next.members().get(next.owner(bytes)))) {
                moved++;
                assertEquals(left, from, key + " moved away from the member that left");
            }
        }
        assertTrue(moved <= keys.size() * 1.1 / 4, moved + " of " + keys.size() + " keys moved");
    }

    private static List<String> keys(Map<String, String> written) {
        List<String> keys = new ArrayList<>(written.keySet());
        for (int i = 0; i < KEYS; i++) {
            keys.add("k" + i);
        }
        return keys;
    }

    /** Every prefilled key, and every acknowledged write with its value, read through every node. */
    private static void assertEveryWriteReadable(List<String> urls, Map<String, String> acknowledged) throws Exception {
        Map<String, String> failures = new ConcurrentHashMap<>();
        List<String> ids = new ArrayList<>(acknowledged.keySet());
        ForkJoinPool pool = new ForkJoinPool(8);
        try {
            pool.submit(() -> IntStream.range(0, KEYS + ids.size()).parallel().forEach(n -> {
                String id = n < KEYS ? "k" + n : ids.get(n - KEYS);
                for (String url : urls) {
                    HttpResponse<byte[]> read = Http.get(url + "/v0/entity?id=" + id);
                    String expected = acknowledged.get(id);
                    if (read.statusCode() != 200 || expected != null && !expected.equals(Http.text(read))) {
                        failures.put(id + " through " + url, read.statusCode() + " " + Http.text(read));
                    }
                }
            })).get();
        } finally {
            pool.shutdown();
        }
        assertEquals(Map.of(), failures, "every acknowledged write reads back through every member");
        assertTrue(acknowledged.size() > 100, "the load wrote during the change: " + acknowledged.size());
    }

    private static boolean replicates(Ring ring, String url, String key) {
        for (int member : ring.preferenceList(key.getBytes(StandardCharsets.UTF_8), 3)) {
            if (ring.members().get(member).equals(url)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> extra(List<String> held, Set<String> replicated) {
        List<String> extra = new ArrayList<>(held);
        extra.removeAll(replicated);
        return extra.subList(0, Math.min(10, extra.size()));
    }

    /** The keys of the node's own records, from its local range read from the first possible key. */
    private static List<String> localKeys(String url) {
        List<String> keys = new ArrayList<>();
        for (String entry : Ranges.entries(url + "/v0/entities?start=%00&local=true")) {
            keys.add(entry.substring(0, entry.indexOf('\n')));
        }
        return keys;
    }
}
