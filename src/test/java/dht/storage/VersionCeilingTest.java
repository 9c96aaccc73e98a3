package dht.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionCeilingTest {
    private static final byte[] KEY = bytes("k1");
    private static final int SLOT = VersionCeiling.slot(KEY);
    private static final int OTHER_SLOT = VersionCeiling.slot(bytes("k2"));
    private final List<Long> saved = new ArrayList<>();

    @Test
    void isNewest_emptyStore_onlyAboveEveryVersionStoredUnderTheKey() {
        VersionCeiling ceiling = new VersionCeiling(null, true, saved::add);
        assertTrue(ceiling.isNewest(SLOT, 10));
        ceiling.beforeStore(SLOT, 10);
        assertFalse(ceiling.isNewest(SLOT, 10));
        assertFalse(ceiling.isNewest(SLOT, 9));
        assertTrue(ceiling.isNewest(SLOT, 11));
    }

    @Test
    void isNewest_olderVersionOfAnotherSlot_stillNewest_ofTheSameSlot_not() {
        VersionCeiling ceiling = new VersionCeiling(null, true, saved::add);
        assertNotEquals(SLOT, OTHER_SLOT);
        ceiling.beforeStore(SLOT, 20);
        assertTrue(ceiling.isNewest(OTHER_SLOT, 10), "a write that arrived after a newer one of another key");
        assertFalse(ceiling.isNewest(VersionCeiling.slot(KEY.clone()), 15), "an equal key finds its slot");
    }

    @Test
    void beforeStore_savesACeilingAheadOfTheVersion_onlyWhenPassed() {
        VersionCeiling ceiling = new VersionCeiling(null, true, saved::add);
        ceiling.beforeStore(SLOT, 10);
        ceiling.beforeStore(SLOT, 10 + VersionCeiling.STEP);
        assertEquals(List.of(10 + VersionCeiling.STEP), saved, "one write of the ceiling for a minute of versions");
        ceiling.beforeStore(OTHER_SLOT, 11 + VersionCeiling.STEP);
        assertEquals(List.of(10 + VersionCeiling.STEP, 11 + 2 * VersionCeiling.STEP), saved);
    }

    @Test
    void isNewest_reopened_notAtOrBelowTheSavedCeiling() {
        VersionCeiling ceiling = new VersionCeiling(500L, false, saved::add);
        assertFalse(ceiling.isNewest(SLOT, 500));
        assertFalse(ceiling.isNewest(SLOT, 1));
        assertTrue(ceiling.isNewest(SLOT, 501));
        ceiling.beforeStore(SLOT, 501);
        assertEquals(List.of(501 + VersionCeiling.STEP), saved);
    }

    @Test
    void isNewest_storeWithoutCeilingAndWithRecords_never() {
        VersionCeiling ceiling = new VersionCeiling(null, false, saved::add);
        ceiling.beforeStore(SLOT, 10);
        assertFalse(ceiling.isNewest(OTHER_SLOT, Long.MAX_VALUE - 1), "records of unknown versions: every write reads first");
        assertEquals(List.of(), saved, "no ceiling is saved that would not bound them");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
