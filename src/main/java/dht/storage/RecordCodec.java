package dht.storage;

import java.util.Arrays;

/**
 * The bytes of a {@link Record}: what RocksDB stores as the value and what replicas exchange.
 *
 * <pre>
 * offset  size  field
 * 0       8     version, big-endian, non-negative
 * 8       1     flags: bit 0 = tombstone, bit 1 = expires; bits 2-7 reserved (must be 0)
 * 9       8     only with bit 1: the expiry, wall-clock milliseconds since the epoch, big-endian
 * 9 or 17 n     value bytes (n = 0 for a tombstone, which never expires)
 * </pre>
 *
 * The layout makes byte order the last-writer-wins order: a larger version sorts higher; of the
 * same version, an expiring value beats a tombstone, which beats a value that never expires, and
 * then the larger rest of the bytes wins. A replica therefore decides which record is newer by
 * comparing bytes (see {@code RocksStore}), as RocksDB's {@code max} merge operator does for stores
 * written with merges. The RocksDB key is the id's UTF-8 bytes, so the store's key order is the
 * range order.
 *
 * <p>The expiry came later than the rest: records written before it (flags 0 or 1) have the same
 * bytes in this layout, so old stores open as they are. A reader that meets a reserved flag
 * refuses the record instead of misreading a newer format; an older node refuses expiring records.
 *
 * <p>A record is its encoding, so encoding one returns its own array and decoding a whole array
 * keeps it: neither copies. Whoever gets such an array must not modify it.
 */
public final class RecordCodec {
    /** The header of a record that does not expire. */
    public static final int MIN_HEADER_BYTES = 9;
    /** The header of an expiring record. */
    public static final int MAX_HEADER_BYTES = MIN_HEADER_BYTES + Long.BYTES;
    private static final int FLAG_TOMBSTONE = 1;
    private static final int FLAG_EXPIRES = 2;
    private static final int FLAGS_OFFSET = 8;

    private RecordCodec() {
    }

    /** The record's bytes: its own array, not a copy. */
    public static byte[] encode(Record record) {
        return record.encoded();
    }

    public static int encodedLength(Record record) {
        return record.encoded().length;
    }

    /** Writes the record at {@code offset}; {@code out} must have {@link #encodedLength} bytes there. */
    public static void encodeInto(Record record, byte[] out, int offset) {
        byte[] encoded = record.encoded();
        System.arraycopy(encoded, 0, out, offset, encoded.length);
    }

    /** The record that is these bytes; they become the record's own and must not change. */
    public static Record decode(byte[] bytes) {
        check(bytes, 0, bytes.length);
        return new Record(bytes);
    }

    /** The record in {@code length} bytes of {@code bytes} from {@code offset}, copied out. */
    public static Record decode(byte[] bytes, int offset, int length) {
        check(bytes, offset, length);
        return new Record(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    private static void check(byte[] bytes, int offset, int length) {
        if (length < MIN_HEADER_BYTES) {
            throw new IllegalArgumentException("record of " + length + " bytes is shorter than its header");
        }
        long version = readLong(bytes, offset);
        int flags = bytes[offset + FLAGS_OFFSET] & 0xff;
        if (version < 0 || (flags & ~(FLAG_TOMBSTONE | FLAG_EXPIRES)) != 0) {
            throw new IllegalArgumentException("record has a negative version or unknown flags " + Integer.toBinaryString(flags));
        }
        if ((flags & FLAG_TOMBSTONE) != 0 && (flags != FLAG_TOMBSTONE || length > MIN_HEADER_BYTES)) {
            throw new IllegalArgumentException("a tombstone has neither a value nor an expiry");
        }
        if ((flags & FLAG_EXPIRES) != 0 && (length < MAX_HEADER_BYTES || readLong(bytes, offset + MIN_HEADER_BYTES) < 0)) {
            throw new IllegalArgumentException("record has no expiry or a negative one");
        }
    }

    /**
     * A record's array with its header written and room for {@code valueLength} bytes of value
     * from {@link #valueOffset}.
     *
     * @param expiresAtMillis {@link Long#MAX_VALUE} for a record that never expires
     */
    static byte[] header(long version, boolean tombstone, long expiresAtMillis, int valueLength) {
        boolean expires = expiresAtMillis != Long.MAX_VALUE;
        if (version < 0 || expiresAtMillis < 0 || (tombstone && (expires || valueLength > 0))) {
            throw new IllegalArgumentException("negative version " + version + " or expiry " + expiresAtMillis
                    + ", or a tombstone with an expiry or a value");
        }
        byte[] out = new byte[(expires ? MAX_HEADER_BYTES : MIN_HEADER_BYTES) + valueLength];
        writeLong(out, 0, version);
        out[FLAGS_OFFSET] = (byte) ((tombstone ? FLAG_TOMBSTONE : 0) | (expires ? FLAG_EXPIRES : 0));
        if (expires) {
            writeLong(out, MIN_HEADER_BYTES, expiresAtMillis);
        }
        return out;
    }

    static long version(byte[] encoded) {
        return readLong(encoded, 0);
    }

    static boolean tombstone(byte[] encoded) {
        return (encoded[FLAGS_OFFSET] & FLAG_TOMBSTONE) != 0;
    }

    /** The expiry, or {@link Long#MAX_VALUE} for a record that never expires. */
    static long expiresAtMillis(byte[] encoded) {
        return expires(encoded) ? readLong(encoded, MIN_HEADER_BYTES) : Long.MAX_VALUE;
    }

    /** Where the value starts. */
    static int valueOffset(byte[] encoded) {
        return expires(encoded) ? MAX_HEADER_BYTES : MIN_HEADER_BYTES;
    }

    private static boolean expires(byte[] encoded) {
        return (encoded[FLAGS_OFFSET] & FLAG_EXPIRES) != 0;
    }

    private static void writeLong(byte[] out, int offset, long value) {
        long v = value;
        for (int i = 7; i >= 0; i--) {
            out[offset + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long readLong(byte[] in, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[offset + i] & 0xff);
        }
        return v;
    }
}
