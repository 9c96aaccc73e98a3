package dht.cli;

import one.nio.os.NativeLibrary;
import one.nio.util.Hex;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32;

/**
 * one-nio's socket implementation on this machine. Its bundled libonenio.so needs glibc 2.38, so
 * the build compiles one-nio's C sources here and packs the result ahead of it (see the pom),
 * noting in {@code dht-native.txt} whether it could. Where no library loads, one-nio falls back to
 * Java NIO sockets and logs a stack trace, which dht replaces with one line in its welcome banner
 * that says why.
 */
final class Sockets {
    // Held so the logger, and the level set on it, outlive garbage collection.
    private static final Logger NATIVE_LIBRARY_LOG = Logger.getLogger("one.nio.os.NativeLibrary");

    private Sockets() {
    }

    static void quietFallback() {
        NATIVE_LIBRARY_LOG.setLevel(Level.OFF);
    }

    /**
     * Puts one-nio's library in {@code dir} under the name one-nio loads it from, before one-nio
     * does. one-nio writes that file in place when it is missing or of another size, so nodes
     * starting together on a fresh host would load a file that another is still writing and die
     * of SIGBUS; here it appears whole, by a rename. Returns the file, or null when this could not
     * be done, and then one-nio writes it itself, as it would without this step.
     */
    static Path placeNativeLibrary(Path dir) {
        try (InputStream in = NativeLibrary.class.getResourceAsStream("/libonenio.so")) {
            if (in == null) {
                return null;
            }
            byte[] bytes = in.readAllBytes();
            CRC32 crc = new CRC32();
            crc.update(bytes);
            Path target = dir.resolve("libonenio." + Hex.toHex((int) crc.getValue()) + ".so");
            if (Files.isRegularFile(target) && Files.size(target) == bytes.length) {
                return target;
            }
            Path partial = Files.createTempFile(dir, "libonenio.", ".partial");
            try {
                Files.write(partial, bytes);
                Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(partial);
            }
            return target;
        } catch (IOException e) {
            return null;
        }
    }

    static String describe() {
        String build = buildNote();
        if (NativeLibrary.IS_SUPPORTED) {
            return "one-nio native sockets (the library " + (build.startsWith("compiled") ? build : "bundled with one-nio") + ")";
        }
        return "Java NIO sockets (one-nio's native library did not load: the library " + build
                + "; the bundled one needs glibc 2.38)";
    }

    /** What the build says of the native library it packed, in one line. */
    private static String buildNote() {
        try (InputStream in = Sockets.class.getResourceAsStream("/dht-native.txt")) {
            if (in == null) {
                return "not compiled: this build has no note of it";
            }
            String note = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            int line = note.indexOf('\n');
            return line < 0 ? note : note.substring(0, line);
        } catch (IOException e) {
            return "of unknown origin";
        }
    }
}
