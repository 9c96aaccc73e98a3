package dht.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordCodecTest {
    @Test
    void decode_encodedValue_roundTrips() {
        byte[] value = "hello".getBytes(StandardCharsets.UTF_8);
        Record decoded = RecordCodec.decode(RecordCodec.encode(Record.live(0x0123_4567_89AB_CDEFL, value)));
        assertEquals(0x0123_4567_89AB_CDEFL, decoded.version());
        assertFalse(decoded.tombstone());
        assertArrayEquals(value, decoded.value());
    }

    @Test
    void decode_encodedTombstone_roundTrips() {
        Record decoded = RecordCodec.decode(RecordCodec.encode(Record.tombstone(2)));
        assertTrue(decoded.tombstone());
        assertEquals(2, decoded.version());
        assertEquals(0, decoded.value().length);
    }

    @Test
    void encode_emptyValue_isHeaderOnlyAndStaysLive() {
        byte[] bytes = RecordCodec.encode(Record.live(7, new byte[0]));
        assertEquals(RecordCodec.MIN_HEADER_BYTES, bytes.length);
        assertFalse(RecordCodec.decode(bytes).tombstone());
    }

    @Test
    void encode_layout_isBigEndianVersionThenFlagsThenValue() {
        byte[] bytes = RecordCodec.encode(Record.live(0x0102030405060708L, new byte[] {42}));
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 0, 42}, bytes);
        assertEquals(1, RecordCodec.encode(Record.tombstone(0))[8]);
    }

    @Test
    void encode_negativeVersion_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.encode(Record.tombstone(-1)));
    }

    @Test
    void decode_shortOrUnknownFlags_isRefused() {
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(new byte[] {0, 1, 2}));
        byte[] future = RecordCodec.encode(Record.live(1, new byte[0]));
        future[8] = 4;
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(future));
    }

    @Test
    void decode_wholeArray_keepsItWithoutACopy() {
        byte[] bytes = RecordCodec.encode(Record.live(3, new byte[] {1, 2, 3}));
        assertSame(bytes, RecordCodec.encode(RecordCodec.decode(bytes)));
    }

    @Test
    void decode_slice_copiesOnlyTheRecord() {
        byte[] entry = {7, 7, 0, 0, 0, 0, 0, 0, 0, 5, 0, 42, 7};
        Record record = RecordCodec.decode(entry, 2, 10);
        assertEquals(5, record.version());
        assertArrayEquals(new byte[] {42}, record.value());
        entry[11] = 0;
        assertArrayEquals(new byte[] {42}, record.value());
    }

    @Test
    void value_isACopy_recordStaysAsStored() {
        Record record = Record.live(1, new byte[] {1, 2});
        record.value()[0] = 9;
        assertArrayEquals(new byte[] {1, 2}, record.value());
        assertEquals(2, record.valueLength());
    }

    @Test
    void expiring_layout_putsTheExpiryBetweenFlagsAndValue_andRoundTrips() {
        Record record = Record.expiring(0x0102030405060708L, 0x1112131415161718L, new byte[] {42});
        byte[] bytes = RecordCodec.encode(record);
        assertArrayEquals(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 2, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 42}, bytes);
        Record decoded = RecordCodec.decode(bytes.clone());
        assertEquals(0x1112131415161718L, decoded.expiresAtMillis());
        assertArrayEquals(new byte[] {42}, decoded.value());
        assertEquals(1, decoded.valueLength());
        assertEquals(Long.MAX_VALUE, Record.live(1, new byte[0]).expiresAtMillis());
    }

    @Test
    void liveAt_isFalseForATombstoneAndFromTheExpiryOn() {
        Record expiring = Record.expiring(1, 1_000, new byte[] {1});
        assertTrue(expiring.liveAt(999));
        assertFalse(expiring.liveAt(1_000));
        assertTrue(Record.live(1, new byte[0]).liveAt(Long.MAX_VALUE - 1));
        assertFalse(Record.tombstone(1).liveAt(0));
    }

    @Test
    void order_isTheVersionFirst_thenExpiringOverTombstoneOverPlain() {
        Record plain = Record.live(5, new byte[] {9});
        Record tombstone = Record.tombstone(5);
        Record expiring = Record.expiring(5, 0, new byte[0]);
        assertTrue(Record.live(6, new byte[0]).compareTo(expiring) > 0);
        assertTrue(expiring.compareTo(tombstone) > 0);
        assertTrue(tombstone.compareTo(plain) > 0);
    }

    @Test
    void decode_truncatedExpiryOrExpiringTombstone_isRefused() {
        byte[] bytes = RecordCodec.encode(Record.expiring(1, 1_000, new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(bytes, 0, RecordCodec.MAX_HEADER_BYTES - 1));
        byte[] tombstone = bytes.clone();
        tombstone[8] = 3;
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(tombstone));
        assertThrows(IllegalArgumentException.class, () -> Record.expiring(1, -1, new byte[0]));
    }

    @Test
    void decode_tombstoneWithValue_isRefused() {
        byte[] bytes = RecordCodec.encode(Record.live(1, new byte[] {5}));
        bytes[8] = 1;
        assertThrows(IllegalArgumentException.class, () -> RecordCodec.decode(bytes));
    }
}
