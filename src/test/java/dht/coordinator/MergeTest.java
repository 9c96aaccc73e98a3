package dht.coordinator;

import dht.storage.Record;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class MergeTest {
    @Test
    void newer_largerVersion_wins() {
        Record old = Record.live(1, new byte[] {9});
        Record tomb = Record.tombstone(2);
        assertSame(tomb, Merge.newer(old, tomb));
        assertSame(tomb, Merge.newer(tomb, old));
    }

    @Test
    void newer_nothingLosesToAnything() {
        Record any = Record.tombstone(1);
        assertSame(any, Merge.newer(null, any));
        assertSame(any, Merge.newer(any, null));
        assertNull(Merge.newer(null, null));
    }

    @Test
    void newer_equalVersions_tombstoneThenLargerBytesWin_inEitherOrder() {
        Record a = Record.live(5, new byte[] {1});
        Record b = Record.live(5, new byte[] {2});
        Record tomb = Record.tombstone(5);
        assertSame(b, Merge.newer(a, b));
        assertSame(b, Merge.newer(b, a));
        assertSame(tomb, Merge.newer(b, tomb));
        assertSame(tomb, Merge.newer(tomb, b));
    }
}
