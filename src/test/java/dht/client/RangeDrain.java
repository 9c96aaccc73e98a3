package dht.client;

/**
 * Reads a whole range through the client and prints how many entries and value bytes came, for
 * a test that runs it in a heap far smaller than the range:
 * {@code java -Xmx32m -cp target/dht.jar:target/test-classes dht.client.RangeDrain URL START}.
 */
public final class RangeDrain {
    private RangeDrain() {
    }

    public static void main(String[] args) {
        long entries = 0;
        long bytes = 0;
        try (DhtClient client = DhtClient.builder(args[0]).build();
             RangeIterator range = client.range(args[1], null)) {
            while (range.hasNext()) {
                bytes += range.next().value().length;
                entries++;
            }
        }
        System.out.println("entries " + entries + " bytes " + bytes);
        System.exit(0);
    }
}
