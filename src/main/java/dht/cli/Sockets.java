package dht.cli;

import one.nio.os.NativeLibrary;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * one-nio's socket implementation on this machine. Its bundled libonenio.so needs glibc 2.38;
 * where that cannot load, one-nio falls back to Java NIO sockets and logs a stack trace, which
 * dht replaces with one line in its welcome banner.
 */
final class Sockets {
    // Held so the logger, and the level set on it, outlive garbage collection.
    private static final Logger NATIVE_LIBRARY_LOG = Logger.getLogger("one.nio.os.NativeLibrary");

    private Sockets() {
    }

    static void quietFallback() {
        NATIVE_LIBRARY_LOG.setLevel(Level.OFF);
    }

    static String describe() {
        return NativeLibrary.IS_SUPPORTED ? "one-nio native sockets"
                : "Java NIO sockets (one-nio's native library needs glibc 2.38)";
    }
}
