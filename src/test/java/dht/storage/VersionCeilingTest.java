package dht.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VersionCeilingTest {
    private final List<Long> saved = new ArrayList<>();

    @Test
    void isNewest_emptyStore_onlyAboveEveryStoredVersion() {
        VersionCeiling ceiling = new VersionCeiling(null, true, saved::add);
        assertTrue(ceiling.isNewest(10));
        ceiling.beforeStore(10);
        assertFalse(ceiling.isNewest(10));
        assertFalse(ceiling.isNewest(9));
        assertTrue(ceiling.isNewest(11));
    }

    @Test
    void beforeStore_savesACeilingAheadOfTheVersion_onlyWhenPassed() {
        VersionCeiling ceiling = new VersionCeiling(null, true, saved::add);
        ceiling.beforeStore(10);
        ceiling.beforeStore(10 + VersionCeiling.STEP);
        assertEquals(List.of(10 + VersionCeiling.STEP), saved, "one write of the ceiling for a minute of versions");
        ceiling.beforeStore(11 + VersionCeiling.STEP);
        assertEquals(List.of(10 + VersionCeiling.STEP, 11 + 2 * VersionCeiling.STEP), saved);
    }

    @Test
    void isNewest_reopened_notAtOrBelowTheSavedCeiling() {
        VersionCeiling ceiling = new VersionCeiling(500L, false, saved::add);
        assertFalse(ceiling.isNewest(500));
        assertFalse(ceiling.isNewest(1));
        assertTrue(ceiling.isNewest(501));
        ceiling.beforeStore(501);
        assertEquals(List.of(501 + VersionCeiling.STEP), saved);
    }

    @Test
    void isNewest_storeWithoutCeilingAndWithRecords_never() {
        VersionCeiling ceiling = new VersionCeiling(null, false, saved::add);
        ceiling.beforeStore(10);
        assertFalse(ceiling.isNewest(Long.MAX_VALUE - 1), "records of unknown versions: every write reads first");
        assertEquals(List.of(), saved, "no ceiling is saved that would not bound them");
    }
}
