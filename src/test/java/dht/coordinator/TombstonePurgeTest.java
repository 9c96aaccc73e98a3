package dht.coordinator;

import dht.storage.MemoryStore;
import dht.storage.Record;
import dht.storage.WalSync;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class TombstonePurgeTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long GRACE = 60_000;
    private static final long HINT_WINDOW = 10_000;
    private static final byte[] OLD = "old".getBytes(StandardCharsets.UTF_8);
    private static final byte[] YOUNG = "young".getBytes(StandardCharsets.UTF_8);

    private final AtomicLong wallMillis = new AtomicLong(NOW);
    private final MemoryStore store = new MemoryStore();
    private final WalSync wal = new WalSync(store, WalSync.Mode.NONE, 0);
    private final LocalReplica local = new LocalReplica("http://a:1", store, new HybridClock(wallMillis::get, 60_000), wal);
    private final AtomicLong askedSince = new AtomicLong();
    private final AtomicBoolean repaired = new AtomicBoolean();
    private final TombstonePurge purge = new TombstonePurge(store, local, GRACE, HINT_WINDOW, (key, millis) -> {
        askedSince.set(millis);
        return repaired.get();
    }, wallMillis::get);

    @AfterEach
    void close() {
        purge.close();
        wal.close();
    }

    @Test
    void aTombstonePastTheGraceIsKeptUntilItsReplicasWereRepairedSinceItCouldHaveArrived() {
        long written = NOW - GRACE - 1;
        store.put(OLD, Record.tombstone(HybridClock.versionAt(written)));
        store.put(YOUNG, Record.tombstone(HybridClock.versionAt(NOW - 1)));

        assertEquals(0, purge.sweep());
        assertEquals(1, purge.awaitingRepair(), "the old tombstone waits for repair; the young one for its grace");
        assertEquals(written + HINT_WINDOW, askedSince.get(), "a hint could bring it here until the hint window ends");
        assertNotNull(store.get(OLD));

        repaired.set(true);
        assertEquals(1, purge.sweep());
        assertEquals(0, purge.awaitingRepair());
        assertNull(store.get(OLD));
        assertNotNull(store.get(YOUNG));
        assertEquals(1, purge.purged());
    }

    @Test
    void anExpiredValueIsPurgedLikeATombstoneOfItsExpiry() {
        long expiry = NOW - GRACE - 1;
        long written = HybridClock.versionAt(expiry - 3_600_000);
        store.put(OLD, Record.expiring(written, expiry, "brief".getBytes(StandardCharsets.UTF_8)));
        store.put(YOUNG, Record.expiring(written, NOW - 1, "brief".getBytes(StandardCharsets.UTF_8)));
        byte[] lasting = "lasting".getBytes(StandardCharsets.UTF_8);
        store.put(lasting, Record.live(written, lasting));

        assertEquals(0, purge.sweep());
        assertEquals(1, purge.awaitingRepair(), "only the value expired past the grace waits, and for repair");
        assertEquals(expiry + HINT_WINDOW, askedSince.get());

        repaired.set(true);
        assertEquals(1, purge.sweep());
        assertNull(store.get(OLD));
        assertNotNull(store.get(YOUNG));
        assertNotNull(store.get(lasting));
    }

    @Test
    void aRecordRewrittenSinceTheSweepReadItIsNotPurged() {
        Record tombstone = Record.tombstone(HybridClock.versionAt(NOW - GRACE - 1));
        store.put(OLD, tombstone);
        store.put(OLD, Record.live(HybridClock.versionAt(NOW), YOUNG));
        assertEquals(false, local.purge(OLD, tombstone));
        assertNotNull(store.get(OLD));
    }
}
