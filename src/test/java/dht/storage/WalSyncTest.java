package dht.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit and the periodic mode over a store whose syncs are counted, slowed down, or failed. */
class WalSyncTest {
    private static final int WRITERS = 8;
    private static final int WRITES_EACH = 200;

    private final MemoryStore store = new MemoryStore();

    private static Record record(int n) {
        return Record.live(n + 1, ("v" + n).getBytes(StandardCharsets.UTF_8));
    }

    /** One write as the replica makes it: to the store, then wait (asynchronously) for durability. */
    private CompletableFuture<Void> write(WalSync wal, int n, ConcurrentLinkedQueue<String> violations) {
        store.put(("k" + n).getBytes(StandardCharsets.UTF_8), record(n));
        long written = store.writes(); // this write and any before it have returned
        return wal.afterWrite().thenRun(() -> {
            // runs on the sync thread, right after the sync that covered this write
            if (store.writesBeforeLastSync() < written) {
                violations.add("write " + n + " acknowledged by a sync that started before it");
            }
        });
    }

    @Test
    void group_concurrentWriters_eachAckFollowsASyncThatBeganAfterItsWrite_andSyncsAreFewer() throws Exception {
        store.syncMillis(2);
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        try (WalSync wal = new WalSync(store, WalSync.Mode.GROUP, 0)) {
            List<Thread> writers = new ArrayList<>();
            List<List<CompletableFuture<Void>>> perWriter = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                List<CompletableFuture<Void>> mine = new ArrayList<>();
                perWriter.add(mine);
                int first = w * WRITES_EACH;
                writers.add(new Thread(() -> {
                    for (int n = first; n < first + WRITES_EACH; n++) {
                        mine.add(write(wal, n, violations));
                    }
                }));
            }
            writers.forEach(Thread::start);
            for (Thread writer : writers) {
                writer.join();
            }
            perWriter.forEach(acks::addAll);
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
            int writes = WRITERS * WRITES_EACH;
            assertEquals(List.of(), new ArrayList<>(violations));
            assertEquals(writes, wal.syncedWrites());
            assertTrue(store.syncs() <= writes / 4, store.syncs() + " syncs for " + writes + " writes");
        }
    }

    @Test
    void group_writerNeverWaitsForTheDisk() {
        store.syncMillis(300);
        try (WalSync wal = new WalSync(store, WalSync.Mode.GROUP, 0)) {
            CompletableFuture<Void> ack = write(wal, 1, new ConcurrentLinkedQueue<>());
            assertFalse(ack.isDone(), "the writer got its future back while the sync runs");
            ack.join();
        }
    }

    @Test
    void group_failedSync_failsEveryWriteOfItsBatch_andTheNextBatchSucceeds() throws Exception {
        store.failSyncs(true);
        try (WalSync wal = new WalSync(store, WalSync.Mode.GROUP, 0)) {
            List<CompletableFuture<Void>> batch = new ArrayList<>();
            for (int n = 0; n < 20; n++) {
                batch.add(write(wal, n, new ConcurrentLinkedQueue<>()));
            }
            for (CompletableFuture<Void> ack : batch) {
                ExecutionException failed = assertThrows(ExecutionException.class, () -> ack.get(10, TimeUnit.SECONDS));
                assertInstanceOf(StorageException.class, failed.getCause());
            }
            assertEquals(0, wal.syncedWrites());
            assertTrue(wal.failedSyncs() >= 1);
            store.failSyncs(false);
            write(wal, 99, new ConcurrentLinkedQueue<>()).get(10, TimeUnit.SECONDS);
            assertEquals(1, wal.syncedWrites());
        }
    }

    @Test
    void group_close_syncsTheWritesStillWaiting() {
        store.syncMillis(50);
        List<CompletableFuture<Void>> acks = new ArrayList<>();
        WalSync wal = new WalSync(store, WalSync.Mode.GROUP, 0);
        for (int n = 0; n < 10; n++) {
            acks.add(write(wal, n, new ConcurrentLinkedQueue<>()));
        }
        wal.close();
        for (CompletableFuture<Void> ack : acks) {
            assertTrue(ack.isDone() && !ack.isCompletedExceptionally(), "synced before close returned");
        }
    }

    @Test
    void periodic_acknowledgesAtOnce_andSyncsEveryInterval() throws Exception {
        try (WalSync wal = new WalSync(store, WalSync.Mode.PERIODIC, 20)) {
            assertTrue(write(wal, 1, new ConcurrentLinkedQueue<>()).isDone());
            long deadline = System.currentTimeMillis() + 10_000;
            while (store.syncs() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(store.syncs() >= 2, store.syncs() + " syncs");
        }
    }

    @Test
    void none_acknowledgesAtOnce_andNeverSyncs() {
        try (WalSync wal = new WalSync(store, WalSync.Mode.NONE, 0)) {
            assertTrue(write(wal, 1, new ConcurrentLinkedQueue<>()).isDone());
        }
        assertEquals(0, store.syncs());
    }
}
