package dht.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LiveCursorTest {
    @Test
    void next_skipsTombstonesAndValuesExpiredAtItsMoment() {
        MemoryStore store = new MemoryStore();
        store.put(bytes("a"), Record.live(1, bytes("a")));
        store.put(bytes("b"), Record.tombstone(1));
        store.put(bytes("c"), Record.expiring(1, 100, bytes("c")));
        store.put(bytes("d"), Record.expiring(1, 101, bytes("d")));
        store.put(bytes("e"), Record.tombstone(1));

        List<String> keys = new ArrayList<>();
        try (LiveCursor cursor = new LiveCursor(store.range(new byte[0], null), 100)) {
            while (cursor.next()) {
                keys.add(new String(cursor.key(), StandardCharsets.UTF_8));
            }
        }
        assertEquals(List.of("a", "d"), keys);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
