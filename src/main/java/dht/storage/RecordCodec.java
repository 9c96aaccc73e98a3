package dht.storage;

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
        if (record.version() < 0) {
            throw new IllegalArgumentException("negative version " + record.version());
        }
        byte[] value = record.value();
        byte[] out = new byte[HEADER_BYTES + value.length];
        writeLong(out, 0, record.version());
        out[8] = (byte) (record.tombstone() ? FLAG_TOMBSTONE : 0);
        System.arraycopy(value, 0, out, HEADER_BYTES, value.length);
        return out;
    }

    public static Record decode(byte[] bytes) {
        if (bytes.length < HEADER_BYTES) {
            throw new IllegalArgumentException("record of " + bytes.length + " bytes is shorter than its header");
        }
        long version = readLong(bytes, 0);
        int flags = bytes[8] & 0xff;
        if (version < 0 || (flags & ~FLAG_TOMBSTONE) != 0) {
            throw new IllegalArgumentException("record has a negative version or unknown flags "
                    + Integer.toBinaryString(flags));
        }
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
