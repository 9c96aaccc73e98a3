package dht.storage;

import java.util.Arrays;

/**
 * Turns a {@link Record} into the bytes RocksDB stores as the value, and back.
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
 */
public final class RecordCodec {
    public static final int HEADER_BYTES = 9;
    private static final int FLAG_TOMBSTONE = 1;

    private RecordCodec() {
    }

    public static byte[] encode(Record record) {
        byte[] out = new byte[encodedLength(record)];
        encodeInto(record, out, 0);
        return out;
    }

    public static int encodedLength(Record record) {
        return HEADER_BYTES + record.value().length;
    }

    /** Writes the record at {@code offset}; {@code out} must have {@link #encodedLength} bytes there. */
    public static void encodeInto(Record record, byte[] out, int offset) {
        if (record.version() < 0) {
            throw new IllegalArgumentException("negative version " + record.version());
        }
        byte[] value = record.value();
        writeLong(out, offset, record.version());
        out[offset + 8] = (byte) (record.tombstone() ? FLAG_TOMBSTONE : 0);
        System.arraycopy(value, 0, out, offset + HEADER_BYTES, value.length);
    }

    public static Record decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** The record in {@code length} bytes of {@code bytes} from {@code offset}. */
    public static Record decode(byte[] bytes, int offset, int length) {
        if (length < HEADER_BYTES) {
            throw new IllegalArgumentException("record of " + length + " bytes is shorter than its header");
        }
        long version = readLong(bytes, offset);
        int flags = bytes[offset + 8] & 0xff;
        if (version < 0 || (flags & ~FLAG_TOMBSTONE) != 0) {
            throw new IllegalArgumentException("record has a negative version or unknown flags "
                    + Integer.toBinaryString(flags));
        }
        if ((flags & FLAG_TOMBSTONE) != 0) {
            return Record.tombstone(version);
        }
        return Record.live(version, Arrays.copyOfRange(bytes, offset + HEADER_BYTES, offset + length));
    }

    private static void writeLong(byte[] out, int offset, long v) {
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
