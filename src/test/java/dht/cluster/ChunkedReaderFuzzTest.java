package dht.cluster;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.ByteArrayInputStream;
import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A peer's range answer, whatever it sends: read chunk by chunk or refused with an IOException,
 * never a chunk over the bound, never another exception. Inputs under
 * {@code src/test/resources/dht/cluster/ChunkedReaderFuzzTestInputs}; {@code mvn -Pfuzz test} fuzzes.
 */
class ChunkedReaderFuzzTest {
    private static final int MAX_CHUNK_BYTES = 4096;

    @FuzzTest(maxDuration = "60s")
    void answers_areReadOrRefused(byte[] answer) {
        ChunkedReader reader = new ChunkedReader(() -> { }, new ByteArrayInputStream(answer), MAX_CHUNK_BYTES);
        try {
            reader.readHead();
            for (byte[] chunk = reader.next(); chunk != null; chunk = reader.next()) {
                assertTrue(chunk.length <= MAX_CHUNK_BYTES);
            }
        } catch (IOException refused) {
            // a broken or refused answer
        }
    }
}
