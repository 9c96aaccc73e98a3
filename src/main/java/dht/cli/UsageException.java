package dht.cli;

/** A command line or setting the node cannot start with; its message is the one line printed. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message, null, false, false);
    }
}
