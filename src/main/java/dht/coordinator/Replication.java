package dht.coordinator;

/**
 * How many replicas a request goes to ({@code from}) and how many must answer ({@code ack}).
 * The sharded node without replication is {@link #SINGLE}: the key's owner alone.
 */
public record Replication(int ack, int from) {
    public static final Replication SINGLE = new Replication(1, 1);

    public Replication {
        if (ack < 1 || from < 1 || ack > from) {
            throw new IllegalArgumentException("need 1 <= ack <= from, got ack=" + ack + " from=" + from);
        }
    }
}
