package dht.cluster;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.io.IOException;
import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peer replies in pieces of any size: each is read, or the connection refused with an
 * IOException, never a body over the bound, never another exception. Inputs under
 * {@code src/test/resources/dht/cluster/ReplyReaderFuzzTestInputs}; {@code mvn -Pfuzz test} fuzzes.
 */
class ReplyReaderFuzzTest {
    private static final int MAX_BODY_BYTES = 4096;

    @FuzzTest(maxDuration = "60s")
    void replies_areReadOrRefused(FuzzedDataProvider data) {
        ReplyReader reader = new ReplyReader("fuzz", MAX_BODY_BYTES, new ByteBudget(MAX_BODY_BYTES), true);
        try {
            while (data.remainingBytes() > 0) {
                ByteBuffer piece = ByteBuffer.wrap(data.consumeBytes(data.consumeInt(1, 512)));
                for (PeerConnection.Reply reply = reader.next(piece); reply != null; reply = reader.next(piece)) {
                    assertTrue(reply.body().length <= MAX_BODY_BYTES);
                    assertTrue(reply.status() >= 0 && reply.status() <= 999);
                }
            }
        } catch (IOException refused) {
            // the connection would be dropped
        }
    }
}
