package dht.cluster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Reads pipelined HTTP/1.1 replies from a peer's bytes as they arrive: a status line, headers
 * with a {@code Content-Length}, and that many bytes of body, which is what dht's nodes send.
 * Anything else, a head longer than {@link #MAX_HEAD_BYTES} or a body longer than the bound
 * included, is an {@link IOException}: the connection is then dropped, never trusted for an
 * allocation. A body is held against the node's budget for replies from its head until it is
 * complete. A reply that does not fit is read past and dropped, and its call alone fails
 * ({@link #DROPPED}): many large replies at once (clients reading large values concurrently)
 * then fail some reads instead of exhausting the heap, and the calls pipelined beside them on the
 * connection go on. Not thread-safe; one per connection.
 */
final class ReplyReader {
    static final int MAX_HEAD_BYTES = 8 * 1024;
    /** The status of a reply whose body was dropped, unread, for want of memory. */
    static final int DROPPED = 0;
    private static final byte[] CONTENT_LENGTH = "\r\ncontent-length:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RETRY_AFTER = "\r\nretry-after:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EPOCH = ("\r\n" + ReplicaProtocol.EPOCH_HEADER.toLowerCase(Locale.ROOT) + ":")
            .getBytes(StandardCharsets.US_ASCII);
    private static final int SERVICE_UNAVAILABLE = 503;

    // fixed after construction
    private final String peer;
    private final int maxBodyBytes;
    private final ByteBudget budget;
    private final boolean epochs;
    private final byte[] head = new byte[MAX_HEAD_BYTES];

    private int headLength;
    private int status;
    private int retryAfterSeconds;
    private long epoch;
    private byte[] body;
    private int bodyRead;
    private long skipping = -1; // bytes of a dropped body still to read past; -1: none

    /**
     * @param maxBodyBytes the largest body a reply may have
     * @param budget what bodies being read are held against, shared by every connection of the node
     * @param epochs whether to read the membership epoch that nodes' answers to clients carry
     */
    ReplyReader(String peer, int maxBodyBytes, ByteBudget budget, boolean epochs) {
        this.peer = peer;
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.epochs = epochs;
    }

    /** The next complete reply, its bytes taken from {@code in}; null when {@code in} holds no more of one. */
    PeerConnection.Reply next(ByteBuffer in) throws IOException {
        if (body == null && skipping < 0 && !readHead(in)) {
            return null;
        }
        if (skipping >= 0) {
            int skip = (int) Math.min(in.remaining(), skipping);
            in.position(in.position() + skip);
            skipping -= skip;
            if (skipping > 0) {
                return null;
            }
            skipping = -1;
            return new PeerConnection.Reply(DROPPED, new byte[0], -1, -1);
        }
        int take = Math.min(in.remaining(), body.length - bodyRead);
        in.get(body, bodyRead, take);
        bodyRead += take;
        if (bodyRead < body.length) {
            return null;
        }
        PeerConnection.Reply reply = new PeerConnection.Reply(status, body, retryAfterSeconds, epoch);
        budget.release(body.length);
        body = null;
        return reply;
    }

    /** Forgets a reply half read, for a new connection. */
    void reset() {
        headLength = 0;
        skipping = -1;
        if (body != null) {
            budget.release(body.length);
            body = null;
        }
    }

    /** Reads head bytes until the blank line; true once the head is complete and the body sized. */
    private boolean readHead(ByteBuffer in) throws IOException {
        while (in.hasRemaining()) {
            if (headLength == head.length) {
                throw new IOException("reply head from peer " + peer + " is longer than " + MAX_HEAD_BYTES + " bytes");
            }
            head[headLength++] = in.get();
            if (headLength >= 4 && head[headLength - 1] == '\n' && head[headLength - 2] == '\r'
                    && head[headLength - 3] == '\n' && head[headLength - 4] == '\r') {
                status = parseStatus();
                retryAfterSeconds = status == SERVICE_UNAVAILABLE ? number(RETRY_AFTER, 6) : -1;
                epoch = epochs ? number(EPOCH, 9) : -1;
                int length = contentLength();
                headLength = 0;
                if (!budget.tryReserve(length)) {
                    skipping = length;
                    return true;
                }
                body = new byte[length];
                bodyRead = 0;
                return true;
            }
        }
        return false;
    }

    private int parseStatus() throws IOException {
        // "HTTP/1.1 200 OK"
        if (headLength < 12 || head[8] != ' ' || !digit(head[9]) || !digit(head[10]) || !digit(head[11])) {
            throw new IOException("bad status line from peer " + peer);
        }
        return (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
    }

    private static boolean digit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** A header's value of at most {@code maxDigits} digits (Retry-After, the epoch), or -1 when it is absent or no number. */
    private int number(byte[] header, int maxDigits) {
        int at = headerValue(header);
        if (at < 0) {
            return -1;
        }
        while (at < headLength && head[at] == ' ') {
            at++;
        }
        long value = 0;
        int digits = 0;
        for (; at < headLength && digit(head[at]) && digits < maxDigits; at++, digits++) {
            value = value * 10 + head[at] - '0';
        }
        return digits == 0 || value > Integer.MAX_VALUE ? -1 : (int) value;
    }

    /** The Content-Length header's value, read from the head's bytes: every reply passes here. */
    private int contentLength() throws IOException {
        int at = headerValue(CONTENT_LENGTH);
        if (at < 0) {
            throw new IOException("reply from peer " + peer + " has no Content-Length");
        }
        while (at < headLength && head[at] == ' ') {
            at++;
        }
        long length = 0;
        int digits = 0;
        for (; at < headLength && digit(head[at]) && digits < 10; at++, digits++) {
            length = length * 10 + head[at] - '0';
        }
        while (at < headLength && head[at] == ' ') {
            at++;
        }
        if (digits == 0 || at >= headLength || head[at] != '\r') {
            throw new IOException("bad Content-Length from peer " + peer);
        }
        if (length > maxBodyBytes) {
            throw new IOException("reply from peer " + peer + " declares " + length + " bytes, more than the "
                    + maxBodyBytes + " any reply may have");
        }
        return (int) length;
    }

    /** Where the value of the header {@code name} ("\r\nname:", lower case) starts in the head, or -1; names match in any case. */
    private int headerValue(byte[] name) {
        int n = name.length;
        for (int i = 0; i + n <= headLength; i++) {
            int j = 0;
            while (j < n && lowerCase(head[i + j]) == name[j]) {
                j++;
            }
            if (j == n) {
                return i + n;
            }
        }
        return -1;
    }

    private static byte lowerCase(byte b) {
        return b >= 'A' && b <= 'Z' ? (byte) (b + ('a' - 'A')) : b;
    }
}
