package dht.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A data directory written by the jar before records could expire (commit 328d367: keys {@code
 * sst-1..10} flushed to a table file, {@code sst-3} deleted, then {@code wal-1..10} in the WAL,
 * {@code wal-7} deleted and {@code sst-5} rewritten) opens and reads as it was written, and takes
 * expiring records beside and over the old ones.
 */
class RocksStoreLayoutTest {
    private static final List<String> FILES = List.of(
            "000008.sst", "000009.log", "CURRENT", "IDENTITY", "MANIFEST-000010", "OPTIONS-000012");

    @TempDir
    Path dir;

    @Test
    void aStoreOfThePreviousLayoutReadsAsWritten_andTakesExpiringRecords() throws IOException {
        for (String file : FILES) {
            try (InputStream in = getClass().getResourceAsStream("layout-v1/" + file)) {
                assertNotNull(in, file);
                Files.copy(in, dir.resolve(file));
            }
        }
        try (RocksStore store = open()) {
            for (int i = 1; i <= 10; i++) {
                assertValue(store, "sst-" + i, i == 3 ? null : i == 5 ? "rewritten" : "value-" + i);
                assertValue(store, "wal-" + i, i == 7 ? null : "wal-value-" + i);
            }
            Record older = store.get(bytes("sst-1"));
            store.put(bytes("sst-1"), Record.expiring(older.version() + 1, 1_000, bytes("brief")));
            store.put(bytes("sst-2"), Record.expiring(older.version() - 1, 1_000, bytes("too old")));
        }
        try (RocksStore store = open()) {
            Record brief = store.get(bytes("sst-1"));
            assertEquals(1_000, brief.expiresAtMillis());
            assertFalse(brief.liveAt(1_000));
            assertEquals("value-2", text(store.get(bytes("sst-2"))), "the newer old-layout record wins the merge");
        }
    }

    private RocksStore open() {
        return RocksStore.open(new StoreSettings(dir, 1 << 20, 1 << 20, WalSync.Mode.NONE, 1000));
    }

    private static void assertValue(Store store, String key, String value) {
        Record record = store.get(bytes(key));
        assertNotNull(record, key);
        if (value == null) {
            assertTrue(record.tombstone(), key + " stays deleted");
        } else {
            assertEquals(value, text(record), key);
            assertEquals(Long.MAX_VALUE, record.expiresAtMillis(), key + " never expires");
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(Record record) {
        return new String(record.value(), StandardCharsets.UTF_8);
    }
}
