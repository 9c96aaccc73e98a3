package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCodec;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

    @Test
    void newer_agreesWithTheByteOrderOfEncodings_whichRocksDbMaxMergeKeeps() {
        long seed = 20261125L;
        Random random = new Random(seed);
        for (int i = 0; i < 100_000; i++) {
            Record a = randomRecord(random);
            Record b = randomRecord(random);
            byte[] ea = RecordCodec.encode(a);
            byte[] eb = RecordCodec.encode(b);
            byte[] byteMax = Arrays.compareUnsigned(ea, eb) >= 0 ? ea : eb;
            assertArrayEquals(byteMax, RecordCodec.encode(Merge.newer(a, b)), "seed " + seed + ", pair " + i);
        }
    }

    private static Record randomRecord(Random random) {
        long version = random.nextInt(4) + (random.nextBoolean() ? 0 : Long.MAX_VALUE - 4);
        if (random.nextInt(4) == 0) {
            return Record.tombstone(version);
        }
        byte[] value = new byte[random.nextInt(3)];
        random.nextBytes(value);
        return Record.live(version, value);
    }
}
