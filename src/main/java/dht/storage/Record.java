package dht.storage;

/**
 * One stored entry: a value or a tombstone, stamped with the version that wrote it.
 *
 * @param version a hybrid-logical-clock timestamp; larger is newer
 * @param tombstone true when the entry records a delete
 * @param value the bytes of a live entry; empty for a tombstone
 */
public record Record(long version, boolean tombstone, byte[] value) {
    private static final byte[] NO_VALUE = new byte[0];

    public static Record live(long version, byte[] value) {
        return new Record(version, false, value);
    }

    public static Record tombstone(long version) {
        return new Record(version, true, NO_VALUE);
    }
}
