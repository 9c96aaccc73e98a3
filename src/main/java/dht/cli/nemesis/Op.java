package dht.cli.nemesis;

/**
 * One client operation as the nemesis saw it. Times are nanoseconds since the run began. A PUT
 * carries the unique value it wrote, a successful GET the value it read (null: not found).
 *
 * @param complete when the client saw the answer, or gave up on it ({@link Outcome#INFO})
 */
record Op(int client, Kind kind, String key, String value, int node, long invoke, long complete, Outcome outcome,
          String detail) {

    enum Kind { PUT, GET, DELETE }

    /**
     * ACK: the store acknowledged it. FAIL: the store answered with an error, or the connection
     * was refused. INFO: indeterminate, a timeout or a broken connection: it may take effect at
     * any later time.
     */
    enum Outcome { ACK, FAIL, INFO }

    boolean write() {
        return kind != Kind.GET;
    }

    /**
     * When the operation's effect was fixed at the latest. A write's version is stamped before
     * the coordinator answers, even with an error; an indeterminate one may still be waiting
     * in a queue, so it is open-ended.
     */
    long settled() {
        return outcome == Outcome.INFO ? Long.MAX_VALUE : complete;
    }

    /** Whether this operation ended before the other one began: real-time order. */
    boolean precedes(Op other) {
        return settled() < other.invoke;
    }

    long latency() {
        return complete - invoke;
    }

    String describe() {
        return String.format("%8.3f-%8.3f s  c%-2d %-6s %-5s %-14s via node %d: %s", invoke / 1e9,
                complete / 1e9, client, kind, outcome, value == null ? "-" : value, node, detail);
    }
}
