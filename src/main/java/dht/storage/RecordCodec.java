package dht.storage;

import java.util.Arrays;

/**
 * The bytes of a {@link Record}: what RocksDB stores as the value and what replicas exchange.
 *
 * <pre>
 * offset  size  field
 * 0       8     version, big-endian, non-negative
 * 8       1     flags: bit 0 = tombstone; bits 1-7 reserved (must be 0)
 * 9       n     value bytes (n = 0 for a tombstone)
 * </pre>
 *
 * The layout makes byte order the last-writer-wins order: a larger version sorts higher, then a
 * tombstone beats a value of the same version, then larger value bytes win. RocksDB's {@code max}
 * merge operator therefore keeps the newest record without a read before each write. The RocksDB
 * key is the id's UTF-8 bytes, so the store's key order is the range order. A reader that meets a
 * reserved flag refuses the record instead of misreading a newer format.
 *
 * <p>A record is its encoding, so encoding one returns its own array and decoding a whole array
 * keeps it: neither copies. Whoever gets such an array must not modify it.
 */
public final class RecordCodec {
    public static final int HEADER_BYTES = 9;
    private static final int FLAG_TOMBSTONE = 1;

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
        if (length < HEADER_BYTES) {
            throw new IllegalArgumentException("record of " + length + " bytes is shorter than its header");
        }
        long version = readLong(bytes, offset);
        int flags = bytes[offset + 8] & 0xff;
        if (version < 0 || (flags & ~FLAG_TOMBSTONE) != 0 || (flags != 0 && length > HEADER_BYTES)) {
            throw new IllegalArgumentException("record has a negative version, unknown flags "
                    + Integer.toBinaryString(flags) + " or a tombstone with a value");
        }
    }

    /** A record's array with its header written and room for {@code valueLength} bytes of value. */
    static byte[] header(long version, boolean tombstone, int valueLength) {
        if (version < 0) {
            throw new IllegalArgumentException("negative version " + version);
        }
        byte[] out = new byte[HEADER_BYTES + valueLength];
        long v = version;
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) v;
            v >>>= 8;
        }
        out[8] = (byte) (tombstone ? FLAG_TOMBSTONE : 0);
        return out;
    }

    static long version(byte[] encoded) {
        return readLong(encoded, 0);
    }

    static boolean tombstone(byte[] encoded) {
        return (encoded[8] & FLAG_TOMBSTONE) != 0;
    }

    private static long readLong(byte[] in, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[offset + i] & 0xff);
        }
        return v;
    }
}
