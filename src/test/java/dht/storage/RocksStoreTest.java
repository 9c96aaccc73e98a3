package dht.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Last writer wins on disk: a put keeps the newer record, however the two compare. */
class RocksStoreTest {
    @TempDir
    Path dir;

    @Test
    void put_olderAfterNewer_keepsNewer() {
        try (RocksStore store = open()) {
            store.put(bytes("k"), Record.live(20, bytes("new")));
            store.put(bytes("k"), Record.live(10, bytes("old")));
            assertEquals(20, store.get(bytes("k")).version());
            store.put(bytes("k"), Record.tombstone(30));
            store.put(bytes("k"), Record.live(29, bytes("late")));
            assertTrue(store.get(bytes("k")).tombstone());
        }
    }

    @Test
    void put_sameVersion_largerBytesWin_evenPastTheComparedHead() {
        byte[] low = filled(1_000, (byte) 'a');
        byte[] high = filled(1_000, (byte) 'a');
        high[high.length - 1] = 'b';
        try (RocksStore store = open()) {
            store.put(bytes("k"), Record.live(7, high));
            store.put(bytes("k"), Record.live(7, low));
            assertArrayEquals(high, store.get(bytes("k")).value(), "the stored larger record stays");
            store.put(bytes("j"), Record.live(7, low));
            store.put(bytes("j"), Record.live(7, high));
            assertArrayEquals(high, store.get(bytes("j")).value(), "the larger record replaces the smaller");
        }
    }

    @Test
    void put_shortRecordOverLongOne_comparesWholeBytes() {
        try (RocksStore store = open()) {
            store.put(bytes("k"), Record.live(7, filled(100, (byte) 'a')));
            store.put(bytes("k"), Record.live(7, bytes("a")));
            assertEquals(100, store.get(bytes("k")).value().length, "a prefix sorts first, so the longer record stays");
            store.put(bytes("k"), Record.live(7, bytes("b")));
            assertArrayEquals(bytes("b"), store.get(bytes("k")).value());
        }
    }

    @Test
    void put_survivesFlushAndReopen() {
        try (RocksStore store = open()) {
            for (int i = 0; i < 2_000; i++) {
                store.put(bytes("k" + i), Record.live(100 + i, filled(700, (byte) i)));
            }
            store.compact();
            for (int i = 0; i < 2_000; i++) {
                store.put(bytes("k" + i), Record.live(i % 2 == 0 ? 50 : 5_000, bytes("second")));
            }
        }
        try (RocksStore store = open()) {
            for (int i = 0; i < 2_000; i++) {
                Record record = store.get(bytes("k" + i));
                assertEquals(i % 2 == 0 ? 100 + i : 5_000, record.version(), "k" + i);
            }
        }
    }

    @Test
    void put_olderRecordAfterReopen_readsFirstAndKeepsNewer() {
        try (RocksStore store = open()) {
            store.put(bytes("k"), Record.live(1_000, bytes("new")));
        }
        try (RocksStore store = open()) {
            store.put(bytes("k"), Record.live(500, bytes("old")));
            store.put(bytes("j"), Record.live(400, bytes("first")));
            assertEquals(1_000, store.get(bytes("k")).version(), "the reopened store knows what it held");
            assertEquals(400, store.get(bytes("j")).version());
        }
    }

    private RocksStore open() {
        return RocksStore.open(new StoreSettings(dir, 1 << 20, 1 << 20, WalSync.Mode.NONE, 1000));
    }

    private static byte[] filled(int length, byte value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, value);
        return bytes;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
