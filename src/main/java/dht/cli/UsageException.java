package dht.cli;

/** A command line or setting the node cannot start with; its message is the one line printed. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message, null, false, false);
    }
}
