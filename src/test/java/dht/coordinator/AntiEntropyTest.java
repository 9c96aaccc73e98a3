package dht.coordinator;

import dht.cluster.Membership;
import dht.cluster.Ring;
import dht.storage.MemoryStore;
import dht.storage.Record;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Anti-entropy between two replicas in memory, each side's calls made directly: no sockets. */
class AntiEntropyTest {
    private static final List<String> URLS = List.of("http://a:1", "http://b:2");
    private static final long NOW = 1_800_000_000_000L;

    private final AtomicLong wallMillis = new AtomicLong(NOW);
    private final Ring ring = new Ring(URLS, 64);
    private final AtomicBoolean changing = new AtomicBoolean();
    private final MemoryStore storeA = new MemoryStore();
    private final MemoryStore storeB = new MemoryStore();
    private final WalSync walA = new WalSync(storeA, WalSync.Mode.NONE, 0);
    private final WalSync walB = new WalSync(storeB, WalSync.Mode.NONE, 0);
    private final LocalReplica replicaA = new LocalReplica(url(0), storeA, clock(), walA);
    private final LocalReplica replicaB = new LocalReplica(url(1), storeB, clock(), walB);
    private final Placement placement = Placement.of(Membership.initial(URLS, 2), 64, null,
            url -> url.equals(url(0)) ? replicaA : replicaB);
    private final SharedRecords sharedA = new SharedRecords(storeA, () -> placement, url(0), 1 << 30);
    private final SharedRecords sharedB = new SharedRecords(storeB, () -> placement, url(1), 1 << 30);
    private final AntiEntropy repairA = new AntiEntropy(url(0), sharedA, replicaA,
            () -> List.of(new AntiEntropy.Peer(url(1), replicaB, sharedB)), changing::get, clock(), new RepairLedger(),
            3_600_000, 1 << 20, wallMillis::get);

    @AfterEach
    void close() {
        repairA.close();
        walA.close();
        walB.close();
    }

    private String url(int member) {
        return ring.members().get(member);
    }

    private HybridClock clock() {
        return new HybridClock(wallMillis::get, 60_000);
    }

    private static byte[] key(int i) {
        return ("key" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static long version(long millis) {
        return HybridClock.versionAt(millis);
    }

    @Test
    void aPassLeavesBothReplicasWithTheNewestRecordOfEveryKey() {
        for (int i = 0; i < 1_000; i++) {
            Record same = Record.live(version(NOW - 10_000), ("v" + i).getBytes(StandardCharsets.UTF_8));
            storeA.put(key(i), same);
            storeB.put(key(i), same);
        }
        storeA.put(key(1), Record.live(version(NOW - 5_000), "newer on a".getBytes(StandardCharsets.UTF_8)));
        storeB.put(key(2), Record.live(version(NOW - 5_000), "newer on b".getBytes(StandardCharsets.UTF_8)));
        storeA.put(key(3), Record.tombstone(version(NOW - 5_000)));
        storeB.put(key(2_000), Record.live(version(NOW - 5_000), "only on b".getBytes(StandardCharsets.UTF_8)));
        storeA.put(key(2_001), Record.tombstone(version(NOW - 5_000)));

        AntiEntropy.PeerResult result = repairA.pass(repairA.peers().get(0));
        assertNull(result.error());
        assertEquals(1_001, result.compared(), "every key a holds is shared with b (2 members, 2 replicas)");
        assertTrue(result.leavesDiffering() >= 1 && result.leavesDiffering() <= 5, result.toString());
        assertEquals(2, result.pulled(), "only b's newer records are stored on a: " + result);
        assertEquals(3, result.pushed(), "only a's newer records are written to b: " + result);
        assertTrue(result.bytes() < 50 * 30, "only the differing leaves' records travel: " + result);

        for (int i : new int[] {0, 1, 2, 3, 500, 2_000, 2_001}) {
            assertEquals(storeA.get(key(i)), storeB.get(key(i)), "key " + i);
        }
        assertEquals("newer on a", new String(storeB.get(key(1)).value(), StandardCharsets.UTF_8));
        assertEquals("newer on b", new String(storeA.get(key(2)).value(), StandardCharsets.UTF_8));
        assertTrue(storeB.get(key(3)).tombstone());
        assertTrue(storeB.get(key(2_001)).tombstone());

        AntiEntropy.PeerResult again = repairA.pass(repairA.peers().get(0));
        assertEquals(0, again.rangesDiffering(), again.toString());
        assertEquals(0, again.pulled() + again.pushed());
    }

    @Test
    void recordsBeyondTheAllowedSkewAreRefused() {
        storeB.put(key(1), Record.live(version(NOW + 3_600_000), "from the future".getBytes(StandardCharsets.UTF_8)));
        AntiEntropy.PeerResult result = repairA.pass(repairA.peers().get(0));
        assertEquals(1, result.refused());
        assertNull(storeA.get(key(1)));
    }

    @Test
    void theGateOpensForAKeyOnlyAfterAPassThatBeganLater() {
        byte[] key = key(7);
        assertFalse(repairA.repairedSince(key, NOW - 1), "no pass yet");
        repairA.pass(repairA.peers().get(0));
        assertTrue(repairA.repairedSince(key, NOW - 1));
        assertFalse(repairA.repairedSince(key, NOW), "the pass began at NOW, not after it");
        assertEquals(0.0, repairA.secondsSinceCompletePass());
    }

    @Test
    void duringAMembershipChange_noPassRuns_andTheGateStaysShut() {
        repairA.pass(repairA.peers().get(0));
        changing.set(true);
        assertFalse(repairA.repairedSince(key(7), NOW - 1), "who replicates a key is changing");
        ExecutionException refused = assertThrows(ExecutionException.class, () -> repairA.requestPass().get());
        assertTrue(refused.getCause().getMessage().contains("changing"), refused.getMessage());
    }

    @Test
    void aFailingPeerFailsItsPassAndCountsForNothing() {
        AntiEntropy.Peer broken = new AntiEntropy.Peer(url(1), replicaB, new RepairSource() {
            @Override
            public long[] hashes(String member, int range) {
                throw new IllegalStateException("peer unreachable");
            }

            @Override
            public dht.storage.RecordCursor records(String member, LeafSet leaves) {
                throw new IllegalStateException("peer unreachable");
            }
        });
        AntiEntropy.PeerResult result = repairA.pass(broken);
        assertEquals("peer unreachable", result.error());
        assertFalse(repairA.repairedSince(key(7), NOW - 1));
        assertEquals(-1.0, repairA.secondsSinceCompletePass());
    }
}
