package dht.cluster;

import net.jpountz.xxhash.XXHash64;
import net.jpountz.xxhash.XXHashFactory;

import java.nio.charset.StandardCharsets;

/** xxHash64 for ring positions: of a key's bytes, and of an arc index under a member's seed. */
public final class KeyHash {
    // The pure-Java instance: for ids of tens of bytes a JNI call costs more than the hash itself.
    private static final XXHash64 XX = XXHashFactory.fastestJavaInstance().hash64();

    private KeyHash() {
    }

    public static long of(byte[] bytes) {
        return XX.hash(bytes, 0, bytes.length, 0);
    }

    public static long of(String text) {
        return of(text.getBytes(StandardCharsets.UTF_8));
    }

    /** xxHash64 of the 8 big-endian bytes of {@code value}, seeded; {@code scratch} holds 8 bytes. */
    static long of(long value, long seed, byte[] scratch) {
        for (int i = 7; i >= 0; i--) {
            scratch[i] = (byte) value;
            value >>>= 8;
        }
        return XX.hash(scratch, 0, 8, seed);
    }
}
