package dht.coordinator;

import dht.storage.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadRepairTest {
    private static Record live(long version, String value) {
        return Record.live(version, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsOnlyTheNewest_andHandsBackEveryOtherRecordAsItGoes() {
        Record old = live(1, "old");
        Record newer = live(2, "new");
        Record sameAsNewer = live(2, "new");
        ReadRepair repair = new ReadRepair(3);
        assertNull(repair.add(0, old));
        assertSame(old, repair.add(1, newer), "the record superseded is let go");
        assertSame(sameAsNewer, repair.add(2, sameAsNewer), "an equal copy is not kept");
        assertSame(newer, repair.newest());
        assertTrue(repair.isStale(0));
        assertFalse(repair.isStale(1));
        assertFalse(repair.isStale(2));
    }

    @Test
    void aReplicaWithoutTheKey_isStaleOnceAnotherHasIt_andNotWhenNoneHas() {
        ReadRepair none = new ReadRepair(2);
        assertNull(none.add(0, null));
        assertNull(none.add(1, null));
        assertNull(none.newest());
        assertFalse(none.isStale(0));
        assertFalse(none.isStale(1));

        Record tombstone = Record.tombstone(5);
        ReadRepair some = new ReadRepair(3);
        assertNull(some.add(2, tombstone));
        assertNull(some.add(0, null));
        assertSame(tombstone, some.newest());
        assertTrue(some.isStale(0));
        assertFalse(some.isStale(1), "a replica that did not answer is not named");
        assertFalse(some.isStale(2));
    }

    @Test
    void replicasThatAgreedOnAnAnswerLaterSuperseded_areAllStale() {
        Record first = live(3, "first");
        Record last = live(4, "last");
        ReadRepair repair = new ReadRepair(3);
        repair.add(0, first);
        repair.add(1, live(3, "first"));
        assertSame(first, repair.add(2, last));
        assertTrue(repair.isStale(0));
        assertTrue(repair.isStale(1));
        assertFalse(repair.isStale(2));
        assertSame(last, repair.newest());
    }
}
