package dht.coordinator;

/**
 * How many replicas a request goes to ({@code from}) and how many must answer ({@code ack}).
 */
public record Replication(int ack, int from) {

    public Replication {
        if (ack < 1 || from < 1 || ack > from) {
            throw new IllegalArgumentException("need 1 <= ack <= from, got ack=" + ack + " from=" + from);
        }
    }

    /** A majority of {@code from}: any two such sets of replicas overlap. */
    public static int quorum(int from) {
        return from / 2 + 1;
    }

    /**
     * The replication of one request from its optional parameters: {@code from} defaults to the
     * replication factor and {@code ack} to a quorum of {@code from}.
     *
     * @throws IllegalArgumentException with a client-facing reason when the values cannot be served
     */
    public static Replication of(Integer ack, Integer from, int defaultFrom, int members) {
        int f = from == null ? defaultFrom : from;
        int a = ack == null ? quorum(f) : ack;
        if (f < 1 || f > members) {
            throw new IllegalArgumentException("from must be between 1 and the cluster size " + members + ", got " + f);
        }
        if (a < 1 || a > f) {
            throw new IllegalArgumentException("ack must be between 1 and from (" + f + "), got " + a);
        }
        return new Replication(a, f);
    }
}
