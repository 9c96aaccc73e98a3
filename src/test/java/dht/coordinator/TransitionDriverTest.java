package dht.coordinator;

import dht.cluster.HandoffPlan;
import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.Transition;
import dht.storage.MemoryStore;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver of changes over members that are membership views in memory, reached through fake calls. */
class TransitionDriverTest {
    private static final List<String> URLS = List.of("http://a:1", "http://b:2", "http://c:3", "http://d:4");
    private static final int PARTITIONS = 64;

    private final Map<String, ClusterView> views = new ConcurrentHashMap<>();
    private final Set<String> down = ConcurrentHashMap.newKeySet();
    private final Set<String> streamsDone = ConcurrentHashMap.newKeySet();
    private final List<String> offeredTo = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<WalSync> wals = new ArrayList<>();
    private final List<AutoCloseable> closing = new ArrayList<>();

    private ClusterView view(String url, Membership membership) {
        MemoryStore store = new MemoryStore();
        WalSync wal = new WalSync(store, WalSync.Mode.NONE, 0);
        wals.add(wal);
        LocalReplica local = new LocalReplica(url, store, new HybridClock(System::currentTimeMillis, 60_000), wal);
        ClusterView view = new ClusterView(membership, store, PARTITIONS, u -> local,
                u -> CompletableFuture.failedFuture(new IllegalStateException("no fetches here")));
        views.put(url, view);
        closing.add(view);
        return view;
    }

    private final TransitionDriver.Calls calls = new TransitionDriver.Calls() {
        @Override
        public CompletableFuture<Long> ping(String member) {
            return down.contains(member) ? CompletableFuture.failedFuture(new IllegalStateException(member + " is down"))
                    : CompletableFuture.completedFuture(views.get(member).epoch());
        }

        @Override
        public CompletableFuture<Membership> offer(String member, Membership membership) {
            offeredTo.add(member);
            if (down.contains(member)) {
                return CompletableFuture.failedFuture(new IllegalStateException(member + " is down"));
            }
            ClusterView view = views.get(member);
            return view.offer(membership).thenApply(epoch -> view.membership());
        }

        @Override
        public CompletableFuture<List<HandoffProgress>> progress(String member, long transition) {
            if (down.contains(member)) {
                return CompletableFuture.failedFuture(new IllegalStateException(member + " is down"));
            }
            List<HandoffProgress> report = new ArrayList<>();
            for (HandoffPlan.Stream stream : views.get(member).placement().plan().into(member)) {
                report.add(new HandoffProgress(stream.source(), member, stream.arcCount(), 10, 100, 10,
                        streamsDone.contains(member) ? "done" : "streaming"));
            }
            return CompletableFuture.completedFuture(report);
        }
    };

    private TransitionDriver driverOn(List<String> members, List<String> running) {
        Membership start = Membership.initial(members, 3);
        for (String url : running) {
            view(url, start);
        }
        ClusterView mine = views.get(URLS.get(0));
        MemoryStore store = new MemoryStore();
        WalSync wal = new WalSync(store, WalSync.Mode.NONE, 0);
        wals.add(wal);
        // Where a is a target itself, its streams find nothing: the sources here hold no records.
        Handoff handoff = new Handoff(URLS.get(0), new LocalReplica(URLS.get(0), store,
                new HybridClock(System::currentTimeMillis, 60_000), wal), store, (s, c, a) -> store.range(new byte[0], null),
                new HybridClock(System::currentTimeMillis, 60_000), 1 << 20);
        mine.listen((before, now) -> handoff.onPlacement(now));
        closing.add(handoff);
        TransitionDriver driver = new TransitionDriver(URLS.get(0), mine, handoff, calls, System::currentTimeMillis);
        closing.add(0, driver);
        return driver;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable part : closing) {
            part.close();
        }
        wals.forEach(WalSync::close);
    }

    private static boolean eventually(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static TransitionDriver.Status status(CompletableFuture<TransitionDriver.Answer> answer) {
        return answer.join().status();
    }

    @Test
    void join_movesEveryMemberThroughEachPhase_andWaitsForTheStreams() throws InterruptedException {
        TransitionDriver driver = driverOn(URLS.subList(0, 3), URLS);
        assertEquals(TransitionDriver.Status.ACCEPTED, status(driver.request(Transition.Kind.JOIN, URLS.get(3))));
        assertTrue(eventually(() -> views.get(URLS.get(3)).membership().transition() != null
                && views.get(URLS.get(3)).membership().transition().phase() == Transition.Phase.STREAMING));
        assertEquals(TransitionDriver.Status.CONFLICT, status(driver.request(Transition.Kind.JOIN, "http://e:5")),
                "one change at a time");
        Thread.sleep(300);
        assertEquals(Transition.Phase.STREAMING, views.get(URLS.get(0)).membership().transition().phase(),
                "the streaming phase lasts until the target's streams are done");
        streamsDone.add(URLS.get(3));
        assertTrue(eventually(() -> views.values().stream().allMatch(v -> v.membership().transition() == null)),
                "every member holds the new member set");
        for (ClusterView view : views.values()) {
            assertEquals(URLS, view.membership().members());
            assertEquals(5, view.epoch());
        }
        assertEquals(URLS.get(3), driver.last().subject());
    }

    @Test
    void abort_inAnyPhase_bringsEveryMemberBackToTheOldMembers() throws InterruptedException {
        TransitionDriver driver = driverOn(URLS.subList(0, 3), URLS);
        assertEquals(TransitionDriver.Status.INVALID, status(driver.abort()), "nothing to call off");
        assertEquals(TransitionDriver.Status.ACCEPTED, status(driver.request(Transition.Kind.JOIN, URLS.get(3))));
        assertTrue(eventually(() -> views.get(URLS.get(0)).membership().transition() != null
                && views.get(URLS.get(0)).membership().transition().phase() == Transition.Phase.STREAMING));
        down.add(URLS.get(3)); // the joining node died; its streams never end
        assertEquals(TransitionDriver.Status.ACCEPTED, status(driver.abort()));
        assertTrue(eventually(() -> URLS.subList(0, 3).stream().allMatch(url -> views.get(url).membership().transition() == null)),
                "every member that answers is back");
        for (String url : URLS.subList(0, 3)) {
            assertEquals(URLS.subList(0, 3), views.get(url).membership().members());
            assertEquals(4, views.get(url).epoch(), "begun at 2, streaming at 3, called off at 4");
        }
        Thread.sleep(600);
        assertEquals(4, views.get(URLS.get(0)).epoch(), "the driver drives nothing more");
    }

    @Test
    void aMemberOutOfReach_refusesTheChange_andChangesNothing() {
        TransitionDriver driver = driverOn(URLS.subList(0, 3), URLS);
        down.add(URLS.get(2));
        TransitionDriver.Answer answer = driver.request(Transition.Kind.JOIN, URLS.get(3)).join();
        assertEquals(TransitionDriver.Status.UNAVAILABLE, answer.status());
        assertTrue(answer.reason().contains(URLS.get(2)), answer.reason());
        assertEquals(1, views.get(URLS.get(0)).epoch());
        assertTrue(offeredTo.isEmpty());
    }

    @Test
    void remove_takesOnlyADeadMember_whichTakesNoPart() throws InterruptedException {
        TransitionDriver driver = driverOn(URLS, URLS);
        assertEquals(TransitionDriver.Status.CONFLICT, status(driver.request(Transition.Kind.REMOVE, URLS.get(3))),
                "a member that answers leaves; it is not removed");
        down.add(URLS.get(3));
        streamsDone.addAll(URLS);
        assertEquals(TransitionDriver.Status.ACCEPTED, status(driver.request(Transition.Kind.REMOVE, URLS.get(3))));
        assertTrue(eventually(() -> views.get(URLS.get(1)).membership().transition() == null
                && views.get(URLS.get(1)).membership().members().size() == 3));
        assertFalse(offeredTo.contains(URLS.get(3)), "a removed member is not waited for");
        assertNull(views.get(URLS.get(0)).membership().transition());
    }

    @Test
    void onlyTheCoordinatorBeginsChanges_andNoMemberTwice() {
        TransitionDriver driver = driverOn(URLS.subList(0, 3), URLS);
        assertEquals(TransitionDriver.Status.CONFLICT, status(driver.request(Transition.Kind.JOIN, URLS.get(1))));
        assertEquals(TransitionDriver.Status.INVALID, status(driver.request(Transition.Kind.LEAVE, URLS.get(3))));
        Membership bOnly = Membership.initial(URLS.subList(0, 3), 3);
        assertEquals(URLS.get(0), TransitionDriver.coordinator(bOnly, Transition.Kind.LEAVE, URLS.get(0)));
        assertEquals(URLS.get(1), TransitionDriver.coordinator(bOnly, Transition.Kind.REMOVE, URLS.get(0)),
                "the member being removed cannot coordinate its removal");
    }
}
