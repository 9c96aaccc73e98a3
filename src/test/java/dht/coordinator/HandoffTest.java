package dht.coordinator;

import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.Ring;
import dht.cluster.Transition;
import dht.storage.MemoryStore;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fourth member pulls its arcs from three, each side in memory, the stream calls made directly. */
class HandoffTest {
    private static final List<String> URLS = List.of("http://a:1", "http://b:2", "http://c:3", "http://d:4");
    private static final int PARTITIONS = 256;
    private static final int KEYS = 12_000;

    private final AtomicLong wallMillis = new AtomicLong(1_800_000_000_000L);
    private final MemoryStore[] stores = new MemoryStore[4];
    private final WalSync[] wals = new WalSync[4];
    private final LocalReplica[] locals = new LocalReplica[4];
    private final ClusterView[] views = new ClusterView[4];
    private final Membership streaming = Membership.initial(URLS.subList(0, 3), 3)
            .begin(Transition.Kind.JOIN, URLS.get(3), URLS.get(0), 0).advance();
    private Handoff handoff;

    HandoffTest() {
        for (int i = 0; i < 4; i++) {
            stores[i] = new MemoryStore();
            wals[i] = new WalSync(stores[i], WalSync.Mode.NONE, 0);
            locals[i] = new LocalReplica(URLS.get(i), stores[i], clock(), wals[i]);
            views[i] = new ClusterView(streaming, stores[i], PARTITIONS, url -> locals[URLS.indexOf(url)],
                    url -> CompletableFuture.failedFuture(new IllegalStateException("no fetches here")));
        }
        for (int k = 0; k < KEYS; k++) {
            Record record = k % 10 == 0 ? Record.tombstone(HybridClock.versionAt(wallMillis.get() - k))
                    : Record.live(HybridClock.versionAt(wallMillis.get() - k), ("v" + k).getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 3; i++) {
                stores[i].put(key(k), record);
            }
        }
    }

    @AfterEach
    void stop() {
        if (handoff != null) {
            handoff.close();
        }
        for (int i = 0; i < 4; i++) {
            views[i].close();
            wals[i].close();
        }
    }

    private HybridClock clock() {
        return new HybridClock(wallMillis::get, 60_000);
    }

    private static byte[] key(int k) {
        return ("key" + k).getBytes(StandardCharsets.UTF_8);
    }

    private HandoffSource source(String url) {
        int i = URLS.indexOf(url);
        return new HandoffSource(stores[i], views[i], url);
    }

    private List<HandoffProgress> progress() {
        return handoff.progress(streaming.transition().startEpoch());
    }

    private boolean done() {
        List<HandoffProgress> progress = progress();
        return !progress.isEmpty() && progress.stream().allMatch(HandoffProgress::done);
    }

    private void awaitDone() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!done()) {
            assertTrue(System.nanoTime() < deadline, "the streams end: " + progress());
            Thread.sleep(10);
        }
    }

    @Test
    void theNewMemberGetsEveryRecordOfItsArcs_tombstonesIncluded_andNothingElse() throws InterruptedException {
        handoff = new Handoff(URLS.get(3), locals[3], stores[3],
                (source, change, after) -> source(source).records(URLS.get(3), change, after), clock(), 1L << 30);
        handoff.onPlacement(views[3].placement());
        awaitDone();
        Ring next = new Ring(URLS, PARTITIONS);
        int held = 0;
        for (int k = 0; k < KEYS; k++) {
            boolean replica = false;
            for (int member : next.preferenceList(key(k), 3)) {
                replica |= member == 3;
            }
            if (replica) {
                held++;
                assertEquals(stores[0].get(key(k)), stores[3].get(key(k)), "key " + k);
            } else {
                assertNull(stores[3].get(key(k)), "key " + k + " is not D's");
            }
        }
        long received = progress().stream().mapToLong(HandoffProgress::keys).sum();
        assertEquals(held, received, "each record came once");
        assertTrue(progress().stream().allMatch(p -> p.estimatedKeys() > 0), progress().toString());
    }

    @Test
    void aStreamThatBreaksOff_resumesAfterTheLastSavedKey() throws InterruptedException {
        AtomicInteger opened = new AtomicInteger();
        List<byte[]> resumedAfter = new ArrayList<>();
        Handoff.Sources breaking = (source, change, after) -> {
            RecordCursor real = source(source).records(URLS.get(3), change, after);
            if (opened.incrementAndGet() > 1) {
                resumedAfter.add(after);
                return real;
            }
            return new Breaking(real, Handoff.SAVE_EVERY + 300);
        };
        handoff = new Handoff(URLS.get(3), locals[3], stores[3], breaking, clock(), 1L << 30);
        handoff.onPlacement(views[3].placement());
        awaitDone();
        assertTrue(resumedAfter.get(0) != null, "the second open resumed after a saved key, not from the start");
        HandoffProgress first = progress().get(0);
        int inArcs = 0;
        Ring next = new Ring(URLS, PARTITIONS);
        for (int k = 0; k < KEYS; k++) {
            boolean replica = false;
            for (int member : next.preferenceList(key(k), 3)) {
                replica |= member == 3;
            }
            inArcs += replica ? 1 : 0;
            if (replica) {
                assertEquals(stores[0].get(key(k)), stores[3].get(key(k)), "key " + k);
            }
        }
        long received = progress().stream().mapToLong(HandoffProgress::keys).sum();
        assertTrue(received <= inArcs + 300, "at most the records since the last save came twice: " + received + " for " + inArcs
                + "; first stream " + first);
    }

    /** A cursor that fails after so many entries, as a dropped connection would. */
    private static final class Breaking implements RecordCursor {
        private final RecordCursor real;
        private int left;

        Breaking(RecordCursor real, int entries) {
            this.real = real;
            this.left = entries;
        }

        @Override
        public boolean next() {
            if (left-- == 0) {
                throw new IllegalStateException("the connection broke");
            }
            return real.next();
        }

        @Override
        public byte[] key() {
            return real.key();
        }

        @Override
        public Record record() {
            return real.record();
        }

        @Override
        public void close() {
            real.close();
        }
    }
}
