package dht.storage;

import java.nio.charset.StandardCharsets;

/** The bounds of a key, and how to render one for messages: short, printable, never the whole id. */
public final class Keys {
    /** The longest key a client may store; everything that carries keys is sized by it. */
    public static final int MAX_BYTES = 1024;
    private static final int MAX_SHOWN = 64;

    private Keys() {
    }

    public static String describe(byte[] key) {
        String text = new String(key, 0, Math.min(key.length, MAX_SHOWN), StandardCharsets.UTF_8);
        return "'" + text + (key.length > MAX_SHOWN ? "...'" : "'");
    }
}
