package dht.storage;

import java.util.Arrays;

/**
 * One stored entry: a value, possibly expiring, or a tombstone, stamped with the version that
 * wrote it. A record is
 * its own {@link RecordCodec} encoding, the bytes RocksDB stores and replicas exchange, so that
 * reading, replicating and storing it passes one array along instead of copying the value at
 * every step. The value is copied out only for whoever needs it alone.
 *
 * <p>Records order by their encoding's unsigned bytes, which is the last-writer-wins order: the
 * larger version first (see {@link RecordCodec} for ties). An expired value keeps its place in
 * that order: it beats the older records as a tombstone of its version would, and reads as
 * absent ({@link #liveAt}).
 */
public final class Record implements Comparable<Record> {
    // the encoding, never modified (whoever is handed it through RecordCodec must not change it)
    private final byte[] encoded;

    Record(byte[] encoded) {
        this.encoded = encoded;
    }

    /** A live entry; {@code version} is a hybrid-logical-clock timestamp, larger is newer. */
    public static Record live(long version, byte[] value) {
        return expiring(version, Long.MAX_VALUE, value);
    }

    /** A live entry that reads as absent from {@code expiresAtMillis} (wall clock) on. */
    public static Record expiring(long version, long expiresAtMillis, byte[] value) {
        byte[] encoded = RecordCodec.header(version, false, expiresAtMillis, value.length);
        System.arraycopy(value, 0, encoded, encoded.length - value.length, value.length);
        return new Record(encoded);
    }

    public static Record tombstone(long version) {
        return new Record(RecordCodec.header(version, true, Long.MAX_VALUE, 0));
    }

    public long version() {
        return RecordCodec.version(encoded);
    }

    /** True when the entry records a delete. */
    public boolean tombstone() {
        return RecordCodec.tombstone(encoded);
    }

    /** The wall-clock millisecond from which the value reads as absent; {@link Long#MAX_VALUE}: never. */
    public long expiresAtMillis() {
        return RecordCodec.expiresAtMillis(encoded);
    }

    /** True when the record holds a value that has not expired at {@code wallMillis}. */
    public boolean liveAt(long wallMillis) {
        return !tombstone() && wallMillis < expiresAtMillis();
    }

    /** A copy of the value's bytes; empty for a tombstone. */
    public byte[] value() {
        return Arrays.copyOfRange(encoded, RecordCodec.valueOffset(encoded), encoded.length);
    }

    public int valueLength() {
        return encoded.length - RecordCodec.valueOffset(encoded);
    }

    /** Copies the value's bytes into {@code out} at {@code offset}. */
    public void copyValue(byte[] out, int offset) {
        System.arraycopy(encoded, RecordCodec.valueOffset(encoded), out, offset, valueLength());
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
        long expiry = expiresAtMillis();
        return (tombstone() ? "tombstone" : "value of " + valueLength() + " bytes") + " at version " + version()
                + (expiry == Long.MAX_VALUE ? "" : ", expiring at " + expiry);
    }
}
