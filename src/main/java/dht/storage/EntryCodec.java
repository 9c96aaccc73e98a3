package dht.storage;

/**
 * One entry of a range as peers send it to each other: the key's length (4 bytes, big-endian),
 * the key, then the {@link RecordCodec} record, so the version, the tombstone flag and the expiry travel with
 * the value and the receiver can merge replicas.
 */
public final class EntryCodec {
    private static final int KEY_LENGTH_BYTES = 4;

    private EntryCodec() {
    }

    /** The longest entry a value of at most {@code maxValueBytes} makes. */
    public static int maxLength(int maxValueBytes) {
        return KEY_LENGTH_BYTES + Keys.MAX_BYTES + RecordCodec.MAX_HEADER_BYTES + maxValueBytes;
    }

    public static int encodedLength(byte[] key, Record record) {
        return KEY_LENGTH_BYTES + key.length + RecordCodec.encodedLength(record);
    }

    /** Writes the entry at {@code offset}; {@code out} must have {@link #encodedLength} bytes there. */
    public static void encodeInto(byte[] key, Record record, byte[] out, int offset) {
        int length = key.length;
        out[offset] = (byte) (length >>> 24);
        out[offset + 1] = (byte) (length >>> 16);
        out[offset + 2] = (byte) (length >>> 8);
        out[offset + 3] = (byte) length;
        System.arraycopy(key, 0, out, offset + KEY_LENGTH_BYTES, length);
        RecordCodec.encodeInto(record, out, offset + KEY_LENGTH_BYTES + length);
    }

    public static byte[] key(byte[] entry) {
        int length = keyLength(entry);
        byte[] key = new byte[length];
        System.arraycopy(entry, KEY_LENGTH_BYTES, key, 0, length);
        return key;
    }

    public static Record record(byte[] entry) {
        int offset = KEY_LENGTH_BYTES + keyLength(entry);
        return RecordCodec.decode(entry, offset, entry.length - offset);
    }

    private static int keyLength(byte[] entry) {
        if (entry.length < KEY_LENGTH_BYTES) {
            throw new IllegalArgumentException("entry of " + entry.length + " bytes has no key length");
        }
        int length = (entry[0] & 0xff) << 24 | (entry[1] & 0xff) << 16 | (entry[2] & 0xff) << 8 | entry[3] & 0xff;
        if (length < 0 || length > entry.length - KEY_LENGTH_BYTES - RecordCodec.MIN_HEADER_BYTES) {
            throw new IllegalArgumentException("entry of " + entry.length + " bytes cannot hold a key of " + length);
        }
        return length;
    }
}
