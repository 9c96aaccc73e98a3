package dht.storage;

import java.nio.charset.StandardCharsets;

/** Renders keys for messages: short, printable, never the whole of a 1 KiB id. */
public final class Keys {
    private static final int MAX_SHOWN = 64;

    private Keys() {
    }

    public static String describe(byte[] key) {
        String text = new String(key, 0, Math.min(key.length, MAX_SHOWN), StandardCharsets.UTF_8);
        return "'" + text + (key.length > MAX_SHOWN ? "...'" : "'");
    }
}
