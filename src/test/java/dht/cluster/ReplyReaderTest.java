package dht.cluster;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReplyReaderTest {
    private static final String TWO_REPLIES = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nconnection: Keep-Alive\r\ncontent-LENGTH:  5 \r\n\r\nhello";

    private static List<PeerConnection.Reply> readAll(ReplyReader reader, byte[] bytes, int pieceLength) throws IOException {
        List<PeerConnection.Reply> replies = new ArrayList<>();
        for (int at = 0; at < bytes.length; at += pieceLength) {
            ByteBuffer piece = ByteBuffer.wrap(bytes, at, Math.min(pieceLength, bytes.length - at));
            for (PeerConnection.Reply reply = reader.next(piece); reply != null; reply = reader.next(piece)) {
                replies.add(reply);
            }
        }
        return replies;
    }

    @Test
    void next_pipelinedReplies_inPiecesOfAnySize() throws IOException {
        byte[] bytes = TWO_REPLIES.getBytes(StandardCharsets.US_ASCII);
        for (int piece = 1; piece <= bytes.length; piece++) {
            List<PeerConnection.Reply> replies = readAll(new ReplyReader("p", 1024, new ByteBudget(1 << 20), false), bytes, piece);
            assertEquals(2, replies.size(), "pieces of " + piece);
            assertEquals(201, replies.get(0).status());
            assertEquals(0, replies.get(0).body().length);
            assertEquals(200, replies.get(1).status());
            assertEquals("hello", new String(replies.get(1).body(), StandardCharsets.US_ASCII));
        }
    }

    @Test
    void next_bodyLargerThanTheBound_refusedBeforeAnyAllocation() {
        ReplyReader reader = new ReplyReader("p", 1024, new ByteBudget(1 << 20), false);
        ByteBuffer head = ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        IOException e = assertThrows(IOException.class, () -> reader.next(head));
        assertTrue(e.getMessage().contains("more than the 1024"), e.getMessage());
    }

    @Test
    void next_brokenHeads_refused() {
        for (String head : new String[] {"HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 200 OK\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 12345678901\r\n\r\n",
                "HTTP/1.1\r\n\r\n"}) {
            ReplyReader reader = new ReplyReader("p", 1024, new ByteBudget(1 << 20), false);
            ByteBuffer bytes = ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII));
            assertThrows(IOException.class, () -> reader.next(bytes), head);
        }
        ReplyReader endless = new ReplyReader("p", 1024, new ByteBudget(1 << 20), false);
        ByteBuffer longHead = ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nX: " + "a".repeat(ReplyReader.MAX_HEAD_BYTES)).getBytes(StandardCharsets.US_ASCII));
        assertThrows(IOException.class, () -> endless.next(longHead));
    }

    @Test
    void next_aClientsConnection_readsTheMembershipEpoch_aNodesDoesNot() throws IOException {
        String answers = "HTTP/1.1 201 Created\r\nContent-Length: 0\r\nX-Dht-Epoch: 7\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n";
        byte[] bytes = answers.getBytes(StandardCharsets.US_ASCII);
        List<PeerConnection.Reply> client = readAll(new ReplyReader("p", 1024, new ByteBudget(1 << 20), true), bytes, 1000);
        assertEquals(7, client.get(0).epoch());
        assertEquals(-1, client.get(1).epoch(), "none given");
        List<PeerConnection.Reply> node = readAll(new ReplyReader("p", 1024, new ByteBudget(1 << 20), false), bytes, 1000);
        assertEquals(-1, node.get(0).epoch(), "a node's connection does not look for it");
    }

    @Test
    void next_aRefusal_carriesItsRetryAfter() throws IOException {
        ReplyReader reader = new ReplyReader("p", 1024, new ByteBudget(1 << 20), false);
        String refusals = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 2\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nretry-after: 9\r\nContent-Length: 0\r\n\r\n";
        List<PeerConnection.Reply> replies = readAll(reader, refusals.getBytes(StandardCharsets.US_ASCII), 1000);
        assertEquals(2, replies.get(0).retryAfterSeconds());
        assertEquals(-1, replies.get(1).retryAfterSeconds(), "none given");
        assertEquals(-1, replies.get(2).retryAfterSeconds(), "only a 503's counts");
    }

    @Test
    void reset_forgetsAHalfReadReply() throws IOException {
        ReplyReader reader = new ReplyReader("p", 1024, new ByteBudget(1 << 20), false);
        assertNull(reader.next(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII))));
        reader.reset();
        assertEquals(201, readAll(reader, TWO_REPLIES.getBytes(StandardCharsets.US_ASCII), 7).get(0).status());
    }

    @Test
    void next_repliesOverTheNodesBudget_droppedAlone_untilEarlierOnesAreRead() throws IOException {
        ByteBudget budget = new ByteBudget(1000);
        ReplyReader first = new ReplyReader("p", 4096, budget, false);
        ReplyReader second = new ReplyReader("q", 4096, budget, false);
        String head = "HTTP/1.1 200 OK\r\nContent-Length: 600\r\n\r\n";
        assertNull(first.next(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII))), "its body is still to come");
        assertEquals(600, budget.held());
        assertNull(second.next(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII))));
        assertNull(second.next(ByteBuffer.wrap(new byte[300])), "a dropped body is read past");
        ByteBuffer restAndNext = ByteBuffer.wrap((new String(new byte[300], StandardCharsets.US_ASCII)
                + "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertEquals(ReplyReader.DROPPED, second.next(restAndNext).status(), "only that call fails");
        assertEquals(201, second.next(restAndNext).status(), "the reply after it is read as usual");
        assertEquals(600, first.next(ByteBuffer.wrap(new byte[600])).body().length);
        assertEquals(0, budget.held(), "a reply read whole is released");
        assertNull(new ReplyReader("r", 4096, budget, false).next(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII))));
        first.next(ByteBuffer.wrap("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
        first.reset();
        assertEquals(600, budget.held(), "a reset releases the half-read reply's share");
    }
}
