package dht.cli;

import dht.storage.Record;
import dht.storage.RecordCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplicationIT {
    private TestCluster cluster;

    @AfterEach
    void stop() throws Exception {
        cluster.close();
    }

    private String entity(int node, String id, String replication) {
        return cluster.entity(node, id) + replication;
    }

    private String internal(int node, String id) {
        return cluster.urls.get(node) + "/v0/internal/entity?id=" + id;
    }

    private int copies(String id) {
        int copies = 0;
        for (int node = 0; node < cluster.urls.size(); node++) {
            if (Http.get(internal(node, id)).statusCode() == 200) {
                copies++;
            }
        }
        return copies;
    }

    @Test
    void badAckOrFrom_isBadRequest() throws Exception {
        cluster = new TestCluster(3);
        for (String bad : new String[] {"&ack=0&from=1", "&ack=1&from=0", "&ack=3&from=2", "&ack=1&from=4",
                "&ack=x", "&from=", "&ack=-1&from=2", "&ack=4"}) {
            HttpResponse<byte[]> answer = Http.get(entity(0, "k", bad));
            assertEquals(400, answer.statusCode(), bad + ": " + Http.text(answer));
        }
    }

    @Test
    void misspeltParameter_isBadRequest_andStoresNothing() throws Exception {
        cluster = new TestCluster(3);
        HttpResponse<byte[]> put = Http.put(entity(0, "typo", "&ack=3&form=3"), "v");
        assertEquals(400, put.statusCode());
        assertEquals("unknown parameter 'form' on PUT /v0/entity (it takes id, ack, from, ttl)", Http.text(put).strip());
        assertEquals(0, copies("typo"));
        assertEquals(400, Http.get(entity(0, "typo", "&ttl=5")).statusCode(), "a ttl means nothing to a GET");
        assertEquals(400, Http.get(cluster.urls.get(0) + "/v0/entities?start=a&limit=10").statusCode());
        assertEquals(404, Http.get(entity(0, "typo", "&ack=1&")).statusCode(), "an empty segment is let through");
    }

    @Test
    void put_leavesExactlyFromCopies_andDefaultsToAllThreeReplicas() throws Exception {
        cluster = new TestCluster(3);
        for (int from = 1; from <= 3; from++) {
            String id = "copies-" + from;
            assertEquals(201, Http.put(entity(from % 3, id, "&ack=" + from + "&from=" + from), "v").statusCode());
            assertEquals(from, copies(id), "PUT " + from + "/" + from);
        }
        assertEquals(201, Http.put(entity(0, "copies-default", ""), "v").statusCode());
        // The default answers at a quorum of two; the third copy may land just after the answer.
        assertTrue(TestCluster.eventually(5_000, () -> copies("copies-default") == 3));
    }

    @Test
    void twoNodes_getOneOfTwo_seesPutAndDeleteOfTwoOfTwo_withEitherReplicaDown() throws Exception {
        cluster = new TestCluster(2);
        for (int down = 0; down < 2; down++) {
            int up = 1 - down;
            String id = "pair-" + down;
            assertEquals(201, Http.put(entity(down, id, "&ack=2&from=2"), "v" + down).statusCode());
            cluster.stop(down);
            assertEquals("v" + down, Http.text(Http.get(entity(up, id, "&ack=1&from=2"))));
            cluster.start(down);
            assertEquals(202, Http.delete(entity(down, id, "&ack=2&from=2")).statusCode());
            cluster.stop(down);
            assertEquals(404, Http.get(entity(up, id, "&ack=1&from=2")).statusCode());
            cluster.start(down);
        }
    }

    @Test
    void threeNodes_defaultsKeepServing_withAnyOneNodeDown() throws Exception {
        cluster = new TestCluster(3);
        for (int down = 0; down < 3; down++) {
            String before = "before-" + down;
            assertEquals(201, Http.put(entity(down, before, ""), "old").statusCode());
            cluster.stop(down);
            int a = (down + 1) % 3;
            int b = (down + 2) % 3;
            assertEquals("old", Http.text(Http.get(entity(a, before, "&ack=2&from=3"))));
            String during = "during-" + down;
            assertEquals(201, Http.put(entity(a, during, ""), "new").statusCode());
            assertEquals("new", Http.text(Http.get(entity(b, during, ""))));
            assertEquals(202, Http.delete(entity(b, before, "")).statusCode());
            assertEquals(404, Http.get(entity(a, before, "")).statusCode());
            cluster.start(down);
        }
    }

    @Test
    void replicaDownDuringWrites_returnsTheNewestStateOnceBack() throws Exception {
        cluster = new TestCluster(2);
        String[] ids = {"put", "delete", "overwrite", "recreate"};
        assertEquals(201, Http.put(entity(0, "delete", "&ack=2&from=2"), "old").statusCode());
        assertEquals(201, Http.put(entity(0, "overwrite", "&ack=2&from=2"), "old").statusCode());
        assertEquals(201, Http.put(entity(0, "recreate", "&ack=2&from=2"), "old").statusCode());
        assertEquals(202, Http.delete(entity(0, "recreate", "&ack=2&from=2")).statusCode());
        cluster.stop(1);
        assertEquals(201, Http.put(entity(0, "put", "&ack=1&from=2"), "new").statusCode());
        assertEquals(202, Http.delete(entity(0, "delete", "&ack=1&from=2")).statusCode());
        assertEquals(201, Http.put(entity(0, "overwrite", "&ack=1&from=2"), "new").statusCode());
        assertEquals(201, Http.put(entity(0, "recreate", "&ack=1&from=2"), "new").statusCode());
        cluster.start(1);
        for (String id : ids) {
            HttpResponse<byte[]> answer = Http.get(entity(1, id, "&ack=2&from=2"));
            if (id.equals("delete")) {
                assertEquals(404, answer.statusCode(), id);
            } else {
                assertEquals("new", Http.text(answer), id);
            }
        }
    }

    @Test
    void hintedHandoff_replicaHoldsMissedWritesSoonAfterItIsBack_withoutAnyRead() throws Exception {
        cluster = new TestCluster(3);
        cluster.stop(2);
        for (int i = 0; i < 20; i++) {
            assertEquals(201, Http.put(entity(i % 2, "hinted-" + i, "&ack=2&from=3"), "h" + i).statusCode());
        }
        assertTrue(Http.text(Http.get(cluster.urls.get(0) + "/v0/status")).matches(".*\"storedBytes\":[1-9].*"),
                "node 0 keeps hints");
        cluster.start(2);
        for (int i = 0; i < 20; i++) {
            String id = "hinted-" + i;
            assertTrue(TestCluster.eventually(10_000, () -> Http.get(internal(2, id)).statusCode() == 200),
                    id + " delivered to the returning replica");
            assertEquals("h" + i, new String(RecordCodec.decode(Http.get(internal(2, id)).body()).value(),
                    StandardCharsets.UTF_8));
        }
        assertTrue(TestCluster.eventually(5_000, () -> Http.text(Http.get(cluster.urls.get(0) + "/v0/status"))
                .contains("\"storedBytes\":0")), "delivered hints are removed");
    }

    @Test
    void hints_surviveTheCoordinatorsRestart() throws Exception {
        cluster = new TestCluster(3);
        cluster.stop(2);
        assertEquals(201, Http.put(entity(0, "durable-hint", "&ack=2&from=3"), "kept").statusCode());
        cluster.stop(0);
        cluster.start(2);
        assertEquals(404, Http.get(internal(2, "durable-hint")).statusCode());
        cluster.start(0);
        assertTrue(TestCluster.eventually(10_000, () -> Http.get(internal(2, "durable-hint")).statusCode() == 200),
                "the restarted coordinator delivered its stored hint");
    }

    @Test
    void readRepair_staleReplicaIsUpdatedAfterAReadThatSawTheDifference() throws Exception {
        cluster = new TestCluster(3);
        String id = "repair-me";
        assertEquals(201, Http.put(entity(0, id, "&ack=3&from=3"), "old").statusCode());
        Record old = RecordCodec.decode(Http.get(internal(0, id)).body());
        byte[] newer = RecordCodec.encode(Record.live(old.version() + 1, "new".getBytes(StandardCharsets.UTF_8)));
        assertEquals(201, Http.put(internal(0, id), newer).statusCode());
        assertEquals(201, Http.put(internal(1, id), newer).statusCode());

        assertEquals("new", Http.text(Http.get(entity(2, id, "&ack=3&from=3"))));
        assertTrue(TestCluster.eventually(5_000, () -> "new".equals(new String(
                RecordCodec.decode(Http.get(internal(2, id)).body()).value(), StandardCharsets.UTF_8))),
                "the stale replica was repaired");
    }

    @Test
    void writeThatFollowsAnother_throughAnotherNodeInTheSameMillisecond_wins() throws Exception {
        cluster = new TestCluster(2);
        for (int i = 0; i < 50; i++) {
            String id = "hlc-" + i;
            assertEquals(201, Http.put(entity(0, id, "&ack=2&from=2"), "v1").statusCode());
            assertEquals(201, Http.put(entity(1, id, "&ack=2&from=2"), "v2").statusCode());
            assertEquals("v2", Http.text(Http.get(entity(i % 2, id, "&ack=1&from=2"))), id);
        }
    }

    @Test
    void internalWrite_keepsTheNewerRecord_whateverTheArrivalOrder() throws Exception {
        cluster = new TestCluster(1);
        byte[] newer = RecordCodec.encode(Record.live(200, "newer".getBytes(StandardCharsets.UTF_8)));
        byte[] older = RecordCodec.encode(Record.live(100, "older".getBytes(StandardCharsets.UTF_8)));
        assertEquals(201, Http.put(internal(0, "lww"), newer).statusCode());
        assertEquals(201, Http.put(internal(0, "lww"), older).statusCode());
        assertEquals("newer", Http.text(Http.get(cluster.entity(0, "lww"))));
    }

    @Test
    void tombstones_arePurgedAfterTheGracePeriod_butARecreatedKeyStays() throws Exception {
        cluster = new TestCluster(1, "--tombstone-grace-ms", "1000", "--hint-window-ms", "500");
        assertEquals(201, Http.put(cluster.entity(0, "gone"), "v").statusCode());
        assertEquals(202, Http.delete(cluster.entity(0, "gone")).statusCode());
        assertEquals(201, Http.put(cluster.entity(0, "back"), "v1").statusCode());
        assertEquals(202, Http.delete(cluster.entity(0, "back")).statusCode());
        assertEquals(201, Http.put(cluster.entity(0, "back"), "v2").statusCode());
        assertTrue(RecordCodec.decode(Http.get(internal(0, "gone")).body()).tombstone(), "a tombstone at first");

        assertTrue(TestCluster.eventually(10_000, () -> Http.get(internal(0, "gone")).statusCode() == 404),
                "the tombstone was purged");
        assertEquals(404, Http.get(cluster.entity(0, "gone")).statusCode());
        assertEquals("v2", Http.text(Http.get(cluster.entity(0, "back"))));
    }
}
