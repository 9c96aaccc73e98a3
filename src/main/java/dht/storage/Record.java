package dht.storage;

import java.util.Arrays;

/**
 * One stored entry: a value or a tombstone, stamped with the version that wrote it. A record is
 * its own {@link RecordCodec} encoding, the bytes RocksDB stores and replicas exchange, so that
 * reading, replicating and storing it passes one array along instead of copying the value at
 * every step. The value is copied out only for whoever needs it alone.
 *
 * <p>Records order by their encoding's unsigned bytes, which is the last-writer-wins order: the
 * larger version, then a tombstone over a value, then the larger value bytes.
 */
public final class Record implements Comparable<Record> {
    // the encoding, never modified (whoever is handed it through RecordCodec must not change it)
    private final byte[] encoded;

    Record(byte[] encoded) {
        this.encoded = encoded;
    }

    /** A live entry; {@code version} is a hybrid-logical-clock timestamp, larger is newer. */
    public static Record live(long version, byte[] value) {
        byte[] encoded = RecordCodec.header(version, false, value.length);
        System.arraycopy(value, 0, encoded, RecordCodec.HEADER_BYTES, value.length);
        return new Record(encoded);
    }

    public static Record tombstone(long version) {
        return new Record(RecordCodec.header(version, true, 0));
    }

    public long version() {
        return RecordCodec.version(encoded);
    }

    /** True when the entry records a delete. */
    public boolean tombstone() {
        return RecordCodec.tombstone(encoded);
    }

    /** A copy of the value's bytes; empty for a tombstone. */
    public byte[] value() {
        return Arrays.copyOfRange(encoded, RecordCodec.HEADER_BYTES, encoded.length);
    }

    public int valueLength() {
        return encoded.length - RecordCodec.HEADER_BYTES;
    }

    /** Copies the value's bytes into {@code out} at {@code offset}. */
    public void copyValue(byte[] out, int offset) {
        System.arraycopy(encoded, RecordCodec.HEADER_BYTES, out, offset, valueLength());
    }

    byte[] encoded() {
        return encoded;
    }

    @Override
    public int compareTo(Record other) {
        return Arrays.compareUnsigned(encoded, other.encoded);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Record record && Arrays.equals(encoded, record.encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return (tombstone() ? "tombstone" : "value of " + valueLength() + " bytes") + " at version " + version();
    }
}
