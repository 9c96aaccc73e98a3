package dht.client;

/** A request the cluster did not carry out: its HTTP status (0 when no member answered) and the reason. */
public final class DhtException extends RuntimeException {
    private final int status;

    public DhtException(int status, String message) {
        super(status == 0 ? message : status + ": " + message);
        this.status = status;
    }

    /** The answer's status, or 0 when no member answered. */
    public int status() {
        return status;
    }
}
