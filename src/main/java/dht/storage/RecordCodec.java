package dht.storage;

/**
 * Turns a {@link Record} into the bytes RocksDB stores as the value, and back.
 *
 * <pre>
 * offset  size  field
 * 0       1     flags: bit 0 = tombstone; bits 1-7 reserved (must be 0)
 * 1       8     version, big-endian signed 64-bit
 * 9       n     value bytes (n = 0 for a tombstone)
 * </pre>
 *
 * The RocksDB key is the id's UTF-8 bytes, so the store's byte order is the range order.
 * A reader that meets a reserved flag refuses the record instead of misreading a newer format.
 */
public final class RecordCodec {
    public static final int HEADER_BYTES = 9;
    private static final int FLAG_TOMBSTONE = 1;

    private RecordCodec() {
    }

    public static byte[] encode(Record record) {
        byte[] value = record.value();
        byte[] out = new byte[HEADER_BYTES + value.length];
        out[0] = (byte) (record.tombstone() ? FLAG_TOMBSTONE : 0);
        writeLong(out, 1, record.version());
        System.arraycopy(value, 0, out, HEADER_BYTES, value.length);
        return out;
    }

    public static Record decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException("record of " + bytes.length + " bytes is shorter than its header");
        }
        int flags = bytes[0] & 0xff;
        if ((flags & ~FLAG_TOMBSTONE) != 0) {
            throw new IllegalArgumentException("record has unknown flags " + Integer.toBinaryString(flags));
        }
        long version = readLong(bytes, 1);
        if ((flags & FLAG_TOMBSTONE) != 0) {
            return Record.tombstone(version);
        }
        byte[] value = new byte[bytes.length - HEADER_BYTES];
        System.arraycopy(bytes, HEADER_BYTES, value, 0, value.length);
        return Record.live(version, value);
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
