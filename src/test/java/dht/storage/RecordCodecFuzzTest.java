package dht.storage;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stored and received records: bytes are either a record, whose encoding is those very bytes, or
 * refused with an IllegalArgumentException; so are range entries. Inputs under
 * {@code src/test/resources/dht/storage/RecordCodecFuzzTestInputs}; {@code mvn -Pfuzz test} fuzzes.
 */
class RecordCodecFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void bytes_areARecordOrRefused(byte[] bytes) {
        try {
            Record record = RecordCodec.decode(bytes.clone());
            assertArrayEquals(bytes, RecordCodec.encode(record));
            assertTrue(record.version() >= 0);
            assertEquals(bytes.length - (record.expiresAtMillis() == Long.MAX_VALUE ? RecordCodec.MIN_HEADER_BYTES : RecordCodec.MAX_HEADER_BYTES), record.valueLength());
            assertTrue(!record.tombstone() || record.valueLength() == 0);
        } catch (IllegalArgumentException refused) {
            // not a record
        }
        try {
            byte[] key = EntryCodec.key(bytes);
            Record record = EntryCodec.record(bytes);
            byte[] again = new byte[EntryCodec.encodedLength(key, record)];
            EntryCodec.encodeInto(key, record, again, 0);
            assertArrayEquals(bytes, again);
        } catch (IllegalArgumentException refused) {
            // not an entry
        }
    }
}
