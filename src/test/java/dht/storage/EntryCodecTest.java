package dht.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EntryCodecTest {

    @Test
    void valuesAndTombstones_comeBackWithKeyAndVersion_atAnyOffset() {
        byte[] key = "ключ".getBytes(StandardCharsets.UTF_8);
        for (Record record : new Record[] {Record.live(42, new byte[] {0, '\n', (byte) 0xff}), Record.tombstone(7),
                Record.live(0, new byte[0])}) {
            int length = EntryCodec.encodedLength(key, record);
            byte[] out = new byte[length + 3];
            EntryCodec.encodeInto(key, record, out, 3);
            byte[] entry = Arrays.copyOfRange(out, 3, out.length);
            assertArrayEquals(key, EntryCodec.key(entry));
            Record back = EntryCodec.record(entry);
            assertEquals(record.version(), back.version());
            assertEquals(record.tombstone(), back.tombstone());
            assertArrayEquals(record.value(), back.value());
        }
    }

    @Test
    void aKeyLengthBeyondTheEntry_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.key(new byte[] {0, 0, 0}));
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.key(new byte[] {0, 0, 1, 0, 'k', 0, 0, 0, 0, 0, 0, 0, 1, 0}));
        assertThrows(IllegalArgumentException.class, () -> EntryCodec.record(new byte[] {(byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}));
    }

    @Test
    void maxLength_coversTheLongestKeyAndValue() {
        Record largest = Record.live(1, new byte[100]);
        assertTrue(EntryCodec.encodedLength(new byte[Keys.MAX_BYTES], largest) <= EntryCodec.maxLength(100));
    }
}
