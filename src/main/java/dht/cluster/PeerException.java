package dht.cluster;

/** A call to a peer that produced no answer: refused, timed out, broken, or not sent at all. */
public final class PeerException extends RuntimeException {
    /**
     * Why no answer came; a timeout and an unreachable peer map to different statuses. NO_ROOM: the
     * answer came, but this node had no memory to spare for it (see {@code ReplyReader}).
     */
    public enum Kind { UNAVAILABLE, TIMEOUT, BAD_REPLY, NO_ROOM }

    private final Kind kind;

    public PeerException(Kind kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
