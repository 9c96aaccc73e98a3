package dht.coordinator;

import dht.cluster.ByteBudget;
import dht.cluster.Membership;
import dht.cluster.Ring;
import dht.storage.MemoryStore;
import dht.storage.Record;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The coordinator over three replicas in memory: faults come from {@link FaultyReplica}, time from one clock. */
class CoordinatorTest {
    private static final List<String> URLS = List.of("http://a:1", "http://b:2", "http://c:3");
    private static final byte[] KEY = "key".getBytes(StandardCharsets.UTF_8);
    private static final Replication ALL = new Replication(3, 3);
    private static final Replication QUORUM = new Replication(2, 3);

    private final AtomicLong wallMillis = new AtomicLong(1_800_000_000_000L);
    private final AtomicLong nanos = new AtomicLong();
    private SpeculativeReads speculative = new SpeculativeReads(10, nanos::get);
    private final List<String> callLog = new ArrayList<>();
    private final MemoryStore[] stores = {new MemoryStore(), new MemoryStore(), new MemoryStore()};
    private final FaultyReplica[] replicas = new FaultyReplica[3];
    private final WalSync[] wals = new WalSync[3];
    private Hints hints;
    private Coordinator coordinator;

    @BeforeEach
    void cluster() {
        for (int i = 0; i < 3; i++) {
            wals[i] = new WalSync(stores[i], WalSync.Mode.NONE, 0);
        }
        build(new FollowUps(Runnable::run, Long.MAX_VALUE));
    }

    @AfterEach
    void stopSyncs() {
        for (WalSync wal : wals) {
            wal.close();
        }
    }

    /** Node 0 coordinates; its follow-ups run on {@code followUps}. */
    private void build(FollowUps followUps) {
        for (int i = 0; i < 3; i++) {
            LocalReplica store = new LocalReplica(URLS.get(i), stores[i], new HybridClock(wallMillis::get, 60_000), wals[i]);
            replicas[i] = i == 0 ? FaultyReplica.local(store, callLog) : FaultyReplica.peer(store, callLog);
        }
        ClusterView view = new ClusterView(Membership.initial(URLS, 3), stores[0], 64,
                url -> replicas[URLS.indexOf(url)], url -> CompletableFuture.failedFuture(new IllegalStateException("no peers")));
        hints = new Hints(stores[0], wals[0], () -> List.of(replicas[1], replicas[2]), 3_600_000, 16 << 20, wallMillis::get);
        coordinator = new Coordinator(view, new HybridClock(wallMillis::get, 60_000), hints, followUps, new ByteBudget(1 << 20),
                speculative);
    }

    private static Outcome now(CompletableFuture<Outcome> outcome) {
        assertTrue(outcome.isDone(), "settled without waiting for any replica");
        return outcome.join();
    }

    private Outcome put(String value, Replication replication) {
        return now(coordinator.put(KEY, value.getBytes(StandardCharsets.UTF_8), replication));
    }

    private Outcome get(Replication replication) {
        return now(coordinator.get(KEY, replication));
    }

    private static String text(Record record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }

    private static String value(Outcome outcome) {
        return new String(assertInstanceOf(Outcome.Found.class, outcome).record().value(), StandardCharsets.UTF_8);
    }

    private static final boolean OLDER = false;
    private static final boolean NEWER = true;
    private Record older;
    private Record newer;

    /** Puts on each replica, in order, the older or the newer of two versions of the key, both stamped by another node. */
    private void hold(boolean... newest) {
        HybridClock writer = new HybridClock(wallMillis::get, 60_000);
        older = Record.live(writer.next(), "old".getBytes(StandardCharsets.UTF_8));
        newer = Record.live(writer.next(), "new".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < newest.length; i++) {
            stores[i].put(KEY, newest[i] ? newer : older);
        }
    }

    /** Moves the clock past reads' spare delay and sweeps, as the peer loop's tick would. */
    private void spareDelayPasses(long millis) {
        speculative.sweep(nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis)));
    }

    /**
     * Stores "v" on every replica, then finds the peer a default read calls besides this node
     * (the other is its spare) and sets it to the mode; returns it, with the call log cleared.
     */
    private int calledPeerTurns(FaultyReplica.Mode mode) {
        assertSame(Outcome.STORED, put("v", ALL));
        callLog.clear();
        get(QUORUM);
        assertEquals(2, callLog.size(), "a read calls ack replicas: " + callLog);
        int peer = URLS.indexOf(callLog.get(0).equals(URLS.get(0)) ? callLog.get(1) : callLog.get(0));
        replicas[peer].set(mode);
        callLog.clear();
        return peer;
    }

    @Test
    void put_andGet_oneReplicaHangs_theOthersSettle_theReadOnceItsSpareIsCalled() {
        replicas[1].set(FaultyReplica.Mode.HANG);
        assertSame(Outcome.STORED, put("v", QUORUM));
        CompletableFuture<Outcome> read = coordinator.get(KEY, QUORUM);
        spareDelayPasses(10);
        assertEquals("v", value(now(read)));
        assertNull(stores[1].get(KEY));
        replicas[1].release();
        assertEquals("v", text(stores[1].get(KEY)), "the late write still lands");
    }

    @Test
    void put_failedPeer_getsAHint_deliveredOnceItIsBack() {
        replicas[2].set(FaultyReplica.Mode.FAIL);
        assertSame(Outcome.STORED, put("v", QUORUM));
        assertNull(stores[2].get(KEY));
        assertEquals(1, stores[0].hintCount());
        replicas[2].set(FaultyReplica.Mode.HEALTHY);
        hints.deliverAll();
        assertEquals("v", text(stores[2].get(KEY)));
        assertEquals(0, stores[0].hintCount(), "a delivered hint is removed");
    }

    @Test
    void put_droppedCallsToTwoPeers_failsWithNotEnoughReplicas_andHintsBoth() {
        replicas[1].set(FaultyReplica.Mode.DROP);
        replicas[2].set(FaultyReplica.Mode.DROP);
        assertInstanceOf(Outcome.NotEnoughReplicas.class, put("v", QUORUM));
        assertEquals("v", text(stores[0].get(KEY)), "the local write is still made: a 504 may later win");
        assertEquals(2, stores[0].hintCount());
    }

    @Test
    void put_peerMarkedDown_isSkippedAndHinted_whenTheOthersSuffice() {
        replicas[1].markDown(true);
        assertSame(Outcome.STORED, put("v", QUORUM));
        assertEquals(0, replicas[1].calls(), "no call to a down peer that the request does not need");
        assertEquals(1, stores[0].hintCount());
    }

    @Test
    void put_peerMarkedDown_isStillCalled_whenTheRequestNeedsIt() {
        replicas[1].markDown(true);
        assertSame(Outcome.STORED, put("v", ALL));
        assertEquals(1, replicas[1].calls());
        assertEquals("v", text(stores[1].get(KEY)));
        assertEquals(0, stores[0].hintCount());
    }

    @Test
    void getAndPut_upPeerFails_peerMarkedDownIsCalledIn() {
        replicas[1].markDown(true); // marked down, but it answers
        replicas[2].set(FaultyReplica.Mode.FAIL);
        assertSame(Outcome.STORED, put("v", QUORUM));
        assertEquals("v", value(get(QUORUM)));
        assertEquals(2, replicas[1].calls(), "called in for both requests once the other peer failed");
    }

    @Test
    void put_everyPeerDown_failsOnlyAfterCallingEach() {
        for (int i = 1; i < 3; i++) {
            replicas[i].markDown(true);
            replicas[i].set(FaultyReplica.Mode.FAIL);
        }
        assertInstanceOf(Outcome.NotEnoughReplicas.class, put("v", QUORUM));
        assertEquals(1, replicas[1].calls());
        assertEquals(1, replicas[2].calls());
    }

    @Test
    void get_callsAckReplicas_thisNodeFirst_andNoSpareOnceDecided() {
        assertSame(Outcome.STORED, put("v", ALL));
        callLog.clear();
        assertEquals("v", value(get(QUORUM)));
        assertEquals(2, callLog.size(), "one peer and this node: " + callLog);
        assertTrue(callLog.contains(URLS.get(0)));
        spareDelayPasses(60_000);
        assertEquals(2, callLog.size(), "a decided read calls no spare: " + callLog);
        assertEquals(0, speculative.fired());
    }

    @Test
    void get_calledPeerHangs_theSpareIsCalledOnceTheDelayPasses_notBefore() {
        int peer = calledPeerTurns(FaultyReplica.Mode.HANG);
        CompletableFuture<Outcome> read = coordinator.get(KEY, QUORUM);
        spareDelayPasses(9);
        assertFalse(read.isDone());
        assertEquals(2, callLog.size());
        spareDelayPasses(1);
        assertEquals("v", value(now(read)));
        assertEquals(List.of(URLS.get(3 - peer)), callLog.subList(2, 3), "the spare, called once");
        assertEquals(1, speculative.fired());
        spareDelayPasses(60_000);
        assertEquals(3, callLog.size());
    }

    @Test
    void get_calledPeerFails_theSpareIsCalledAtOnce() {
        int peer = calledPeerTurns(FaultyReplica.Mode.FAIL);
        assertEquals("v", value(get(QUORUM)));
        assertEquals(List.of(URLS.get(peer), URLS.get(3 - peer), URLS.get(0)), callLog,
                "the failed peer, then its spare at once (its reply came before the loop went on), then this node");
        assertEquals(0, speculative.fired());
    }

    @Test
    void get_withoutSpares_callsEveryReplica_andRepairsEachStaleOne() {
        speculative = new SpeculativeReads(0, nanos::get);
        build(new FollowUps(Runnable::run, Long.MAX_VALUE));
        hold(OLDER, NEWER, OLDER);
        assertEquals("new", value(get(QUORUM)), "the peers answer first, and one has the newest");
        assertEquals(newer, stores[0].get(KEY));
        assertEquals(newer, stores[2].get(KEY));
    }

    @Test
    void get_staleAnswer_isRepairedWithTheNewest() {
        hold(NEWER, OLDER, NEWER);
        assertEquals("new", value(get(ALL)));
        assertEquals(newer, stores[1].get(KEY));
    }

    @Test
    void put_withTtl_readsUntilTheExpiryThenAsAbsent_andALaterPutMakesItPermanent() {
        assertSame(Outcome.STORED, now(coordinator.put(KEY, "brief".getBytes(StandardCharsets.UTF_8), 2_000, QUORUM)));
        assertEquals(wallMillis.get() + 2_000, stores[0].get(KEY).expiresAtMillis());
        wallMillis.addAndGet(1_999);
        assertEquals("brief", value(get(QUORUM)));
        wallMillis.addAndGet(1);
        assertSame(Outcome.NOT_FOUND, get(QUORUM));

        assertSame(Outcome.STORED, put("lasting", QUORUM));
        wallMillis.addAndGet(3_650L * 24 * 3600 * 1000);
        assertEquals("lasting", value(get(QUORUM)));
    }

    @Test
    void get_expiredNewestOverAnOlderValue_isAbsent_andRepairsTheStaleReplica() {
        HybridClock writer = new HybridClock(wallMillis::get, 60_000);
        Record older = Record.live(writer.next(), "old".getBytes(StandardCharsets.UTF_8));
        Record expired = Record.expiring(writer.next(), wallMillis.get(), "brief".getBytes(StandardCharsets.UTF_8));
        stores[0].put(KEY, older);
        stores[1].put(KEY, expired);
        stores[2].put(KEY, older);
        assertSame(Outcome.NOT_FOUND, get(ALL), "an expired value shadows older ones as a tombstone would");
        assertEquals(expired, stores[0].get(KEY));
        assertEquals(expired, stores[2].get(KEY));
    }

    @Test
    void fanOut_callsEveryPeerBeforeTheLocalReplica() {
        put("v", ALL);
        assertEquals(3, callLog.size());
        assertEquals(URLS.get(0), callLog.get(2), "the local write comes last: " + callLog);
    }

    @Test
    void hints_ofATargetNoLongerInTheCluster_areDropped_theOthersKept() {
        replicas[1].set(FaultyReplica.Mode.FAIL);
        replicas[2].set(FaultyReplica.Mode.FAIL);
        for (int i = 0; i < 5; i++) {
            coordinator.put(("k" + i).getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8), ALL);
        }
        assertEquals(10, stores[0].hintCount());
        long bytes = hints.storedBytes();
        assertEquals(5, hints.dropAllBut(Set.of(URLS.get(0), URLS.get(1))), "replica 2's five hints");
        assertEquals(5, stores[0].hintCount());
        assertEquals(bytes / 2, hints.storedBytes(), "both targets' hints have keys of the same length");
        replicas[1].set(FaultyReplica.Mode.HEALTHY);
        hints.deliverAll();
        assertEquals("v", text(stores[1].get("k4".getBytes(StandardCharsets.UTF_8))), "the member kept gets its hints");
        assertEquals(0, stores[0].hintCount());
    }

    @Test
    void hints_areNotDeliveredToAPeerMarkedDown() {
        replicas[1].set(FaultyReplica.Mode.FAIL);
        put("v", QUORUM);
        replicas[1].set(FaultyReplica.Mode.HEALTHY);
        replicas[1].markDown(true);
        int calls = replicas[1].calls();
        hints.deliverAll();
        assertEquals(calls, replicas[1].calls());
        replicas[1].markDown(false);
        hints.deliverAll();
        assertEquals("v", text(stores[1].get(KEY)));
    }

    @Test
    void put_groupCommitSyncFails_onTheOnlyReplica_failsAsStorage() throws Exception {
        wals[0] = new WalSync(stores[0], WalSync.Mode.GROUP, 0);
        build(new FollowUps(Runnable::run, Long.MAX_VALUE));
        stores[0].failSyncs(true);
        byte[] key = keyOwnedByThisNode();
        CompletableFuture<Outcome> put = coordinator.put(key, "v".getBytes(StandardCharsets.UTF_8), new Replication(1, 1));
        assertInstanceOf(Outcome.StorageFailed.class, put.get(10, TimeUnit.SECONDS));
        stores[0].failSyncs(false);
        put = coordinator.put(key, "v".getBytes(StandardCharsets.UTF_8), new Replication(1, 1));
        assertSame(Outcome.STORED, put.get(10, TimeUnit.SECONDS), "acknowledged on the sync thread once a sync covers it");
    }

    private byte[] keyOwnedByThisNode() {
        Ring ring = new Ring(URLS, 64);
        for (int i = 0; ; i++) {
            byte[] key = ("own-" + i).getBytes(StandardCharsets.UTF_8);
            if (ring.preferenceList(key, 1)[0] == 0) {
                return key;
            }
        }
    }

    @Test
    void followUps_full_dropsAndCountsTheHint_theWriteStillSucceeds() {
        FollowUps full = new FollowUps(task -> {
            throw new RejectedExecutionException("full");
        }, Long.MAX_VALUE);
        build(full);
        replicas[2].set(FaultyReplica.Mode.FAIL);
        assertSame(Outcome.STORED, put("v", QUORUM));
        assertEquals(1, full.dropped(FollowUps.Kind.HINT));
        assertEquals(0, stores[0].hintCount());
    }

    @Test
    void followUps_holdingTheirBytes_dropTheHintsOfLargeValuesPastThem_andTakeMoreOnceRun() {
        List<Runnable> queued = new ArrayList<>();
        FollowUps slow = new FollowUps(queued::add, 1 << 20);
        build(slow);
        replicas[2].set(FaultyReplica.Mode.FAIL);
        byte[] large = new byte[600 * 1024];
        assertSame(Outcome.STORED, now(coordinator.put("a".getBytes(StandardCharsets.UTF_8), large, QUORUM)));
        assertSame(Outcome.STORED, now(coordinator.put("b".getBytes(StandardCharsets.UTF_8), large, QUORUM)));
        assertEquals(1, queued.size(), "the second hint would pass the 1 MiB that queued tasks may hold");
        assertEquals(1, slow.dropped(FollowUps.Kind.HINT));
        queued.remove(0).run();
        assertEquals(1, stores[0].hintCount());
        assertSame(Outcome.STORED, now(coordinator.put("c".getBytes(StandardCharsets.UTF_8), large, QUORUM)));
        assertEquals(1, queued.size(), "a run task gives its bytes back");
    }

    @Test
    void hints_ofLargeValues_areReadAMebibyteAPageAtMost_andAllDeliveredInOneRound() {
        replicas[2].set(FaultyReplica.Mode.FAIL);
        byte[] large = new byte[600 * 1024];
        for (int i = 0; i < 5; i++) {
            assertSame(Outcome.STORED, now(coordinator.put(("big" + i).getBytes(StandardCharsets.UTF_8), large, QUORUM)));
        }
        assertEquals(5, stores[0].hintCount());
        replicas[2].set(FaultyReplica.Mode.HEALTHY);
        hints.deliverAll();
        assertEquals(0, stores[0].hintCount(), "every hint delivered in one round");
        assertEquals(large.length, stores[2].get("big4".getBytes(StandardCharsets.UTF_8)).valueLength());
        assertTrue(stores[0].largestHintPage() < 1 << 20, "a page of one 600 KiB hint, not of all five: "
                + stores[0].largestHintPage());
    }
}
