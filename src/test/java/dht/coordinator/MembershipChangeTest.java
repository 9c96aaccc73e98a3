package dht.coordinator;

import dht.cluster.ByteBudget;
import dht.cluster.Membership;
import dht.cluster.Ring;
import dht.cluster.Transition;
import dht.storage.MemoryStore;
import dht.storage.Record;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

/** A coordinator while a fourth member joins three, its replicas in memory: no sockets. */
class MembershipChangeTest {
    private static final List<String> URLS = List.of("http://a:1", "http://b:2", "http://c:3", "http://d:4");
    private static final int PARTITIONS = 64;
    private static final Replication QUORUM = new Replication(2, 3);

    private final AtomicLong wallMillis = new AtomicLong(1_800_000_000_000L);
    private final MemoryStore[] stores = new MemoryStore[4];
    private final WalSync[] wals = new WalSync[4];
    private final FaultyReplica[] replicas = new FaultyReplica[4];
    private ClusterView view;
    private Coordinator coordinator;
    private Membership three;

    @BeforeEach
    void cluster() {
        List<String> log = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            stores[i] = new MemoryStore();
            wals[i] = new WalSync(stores[i], WalSync.Mode.NONE, 0);
            LocalReplica store = new LocalReplica(URLS.get(i), stores[i], new HybridClock(wallMillis::get, 60_000), wals[i]);
            replicas[i] = i == 0 ? FaultyReplica.local(store, log) : FaultyReplica.peer(store, log);
        }
        three = Membership.initial(URLS.subList(0, 3), 3);
        view = new ClusterView(three, stores[0], PARTITIONS, url -> replicas[URLS.indexOf(url)],
                url -> CompletableFuture.failedFuture(new IllegalStateException("no peers here")));
        Hints hints = new Hints(stores[0], wals[0], () -> view.placement().peers(), 3_600_000, 1 << 20, wallMillis::get);
        // Read repair and hints are left out, so each replica holds only what a test put there.
        FollowUps none = new FollowUps(task -> {
            throw new RejectedExecutionException("no follow-ups in these tests");
        }, Long.MAX_VALUE);
        coordinator = new Coordinator(view, new HybridClock(wallMillis::get, 60_000), hints, none, new ByteBudget(1 << 20),
                new SpeculativeReads(0, System::nanoTime));
    }

    @AfterEach
    void stop() {
        view.close();
        for (WalSync wal : wals) {
            wal.close();
        }
    }

    /** A key whose replicas after the join are A, B or C with D, so that D is new for it. */
    private static byte[] keyMovingToD() {
        Ring next = new Ring(URLS, PARTITIONS);
        for (int i = 0; ; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            for (int member : next.preferenceList(key, 3)) {
                if (member == 3) {
                    return key;
                }
            }
        }
    }

    private Membership phase(Transition.Phase phase) {
        Membership m = three.begin(Transition.Kind.JOIN, URLS.get(3), URLS.get(0), 0);
        while (m.transition().phase() != phase) {
            m = m.advance();
        }
        return m;
    }

    private void adopt(Membership membership) throws Exception {
        view.offer(membership).get(10, TimeUnit.SECONDS);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void duringAChange_writesReachBothRings_andNeedOneAnswerMorePerReplicaTheyDiffer() throws Exception {
        byte[] key = keyMovingToD();
        assertSame(Outcome.STORED, coordinator.put(key, bytes("before"), QUORUM).join());
        assertNull(stores[3].get(key), "D is no member yet");
        adopt(phase(Transition.Phase.DUAL_WRITES));
        replicas[3].set(FaultyReplica.Mode.FAIL);
        assertSame(Outcome.STORED, coordinator.put(key, bytes("d down"), QUORUM).join(),
                "A, B and C make 2 + 1 answers with the new member down");
        replicas[3].set(FaultyReplica.Mode.HEALTHY);
        replicas[2].set(FaultyReplica.Mode.FAIL);
        replicas[1].set(FaultyReplica.Mode.FAIL);
        assertInstanceOf(Outcome.NotEnoughReplicas.class, coordinator.put(key, bytes("two down"), QUORUM).join(),
                "A and D alone are a quorum of neither ring's three");
        replicas[1].set(FaultyReplica.Mode.HEALTHY);
        replicas[2].set(FaultyReplica.Mode.HEALTHY);
        assertSame(Outcome.STORED, coordinator.put(key, bytes("both"), QUORUM).join());
        assertEquals("both", new String(stores[3].get(key).value(), StandardCharsets.UTF_8), "the new member has it");
    }

    @Test
    void readsUseTheOldRing_untilTheNewReplicasHoldTheirData() throws Exception {
        byte[] key = keyMovingToD();
        Ring old = new Ring(URLS.subList(0, 3), PARTITIONS);
        Ring next = new Ring(URLS, PARTITIONS);
        int displaced = -1;
        for (int member : old.preferenceList(key, 3)) {
            boolean kept = false;
            for (int n : next.preferenceList(key, 3)) {
                kept |= next.members().get(n).equals(old.members().get(member));
            }
            displaced = kept ? displaced : member;
        }
        Record onlyOnNew = Record.live(HybridClock.versionAt(wallMillis.get()), bytes("new ring"));
        for (int i = 0; i < 4; i++) {
            if (i != displaced) {
                stores[i].put(key, onlyOnNew);
            }
        }
        Record onlyOnDisplaced = Record.live(HybridClock.versionAt(wallMillis.get() + 1), bytes("displaced"));
        stores[displaced].put(key, onlyOnDisplaced);
        Replication all = new Replication(3, 3);
        adopt(phase(Transition.Phase.STREAMING));
        assertEquals("displaced", value(coordinator.get(key, all).join()), "reads still ask the old replicas");
        adopt(phase(Transition.Phase.READ_NEW));
        assertEquals("new ring", value(coordinator.get(key, all).join()), "now the new ones, the displaced one no more");
    }

    @Test
    void aChangeIsAnsweredOnlyOnceTheWritesBegunBeforeItSettled() throws Exception {
        byte[] key = keyMovingToD();
        replicas[1].set(FaultyReplica.Mode.HANG);
        replicas[2].set(FaultyReplica.Mode.HANG);
        CompletableFuture<Outcome> write = coordinator.put(key, bytes("slow"), QUORUM);
        CompletableFuture<Long> offer = view.offer(phase(Transition.Phase.DUAL_WRITES));
        assertTrue(TestClock.eventually(() -> view.placement().changing()), "requests are routed by the change at once");
        assertFalse(offer.isDone(), "but the driver is not told until the write that knew nothing of it settles");
        replicas[1].release();
        replicas[2].release();
        assertSame(Outcome.STORED, write.get(10, TimeUnit.SECONDS));
        assertEquals(2, offer.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRangeMergesOnlyReplicasCopies_notWhatAMemberHoldsOfKeysItNoLongerReplicates() throws Exception {
        adopt(new Membership(2, 3, URLS, null));
        Ring ring = new Ring(URLS, PARTITIONS);
        byte[] notOnA = null;
        for (int i = 0; notOnA == null; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            boolean onA = false;
            for (int member : ring.preferenceList(key, 3)) {
                onA |= member == 0;
            }
            notOnA = onA ? null : key;
        }
        stores[0].put(notOnA, Record.live(HybridClock.versionAt(wallMillis.get()), bytes("left behind")));
        try (dht.storage.RecordCursor range = coordinator.range(new byte[] {0}, null)) {
            assertFalse(range.next(), "a's copy of a key it does not replicate is left out");
        }
        int holder = ring.preferenceList(notOnA, 1)[0];
        stores[holder].put(notOnA, Record.live(HybridClock.versionAt(wallMillis.get()), bytes("replica")));
        try (dht.storage.RecordCursor range = coordinator.range(new byte[] {0}, null)) {
            assertTrue(range.next());
            assertEquals("replica", new String(range.record().value(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aNewerMembershipIsFetchedOnce_anOlderOneIsIgnored() throws Exception {
        List<Membership> heard = new ArrayList<>();
        Membership newer = phase(Transition.Phase.STREAMING);
        List<String> fetchedFrom = new ArrayList<>();
        ClusterView behind = new ClusterView(three, new MemoryStore(), PARTITIONS, url -> replicas[URLS.indexOf(url)], url -> {
            fetchedFrom.add(url);
            return CompletableFuture.completedFuture(newer);
        });
        behind.listen((before, now) -> heard.add(now.membership()));
        behind.catchUp(URLS.get(1), newer.epoch()).get(10, TimeUnit.SECONDS);
        behind.catchUp(URLS.get(2), newer.epoch()).get(10, TimeUnit.SECONDS);
        assertEquals(List.of(URLS.get(1)), fetchedFrom, "a node that holds the epoch fetches it no more");
        assertEquals(newer.epoch(), behind.offer(three).get(10, TimeUnit.SECONDS), "an older membership changes nothing");
        assertEquals(List.of(newer), heard, "the listeners heard of the newer one once, after calls waiting for it went on");
        behind.close();
    }

    private static String value(Outcome outcome) {
        return new String(assertInstanceOf(Outcome.Found.class, outcome).record().value(), StandardCharsets.UTF_8);
    }

    /** Polls a condition instead of sleeping. */
    private static final class TestClock {
        static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!condition.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        }
    }
}
