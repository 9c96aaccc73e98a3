package dht.cli;

import one.nio.os.NativeLibrary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SocketsTest {
    @Test
    void placesOneNiosLibraryWhole_underOneNiosName_once(@TempDir Path dir) throws IOException {
        byte[] bundled;
        try (InputStream in = NativeLibrary.class.getResourceAsStream("/libonenio.so")) {
            bundled = in.readAllBytes();
        }
        Path placed = Sockets.placeNativeLibrary(dir);
        assertNotNull(placed);
        assertTrue(placed.getFileName().toString().matches("libonenio\\.[0-9a-f]{8}\\.so"), placed.toString());
        assertArrayEquals(bundled, Files.readAllBytes(placed));
        Object file = Files.readAttributes(placed, BasicFileAttributes.class).fileKey();

        assertEquals(placed, Sockets.placeNativeLibrary(dir));
        assertEquals(file, Files.readAttributes(placed, BasicFileAttributes.class).fileKey(), "not rewritten");
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no partial file left");
        }
    }

    @Test
    void theLibraryThisBuildCompiled_loads_andTheBannerSaysSo() throws IOException {
        String note;
        try (InputStream in = SocketsTest.class.getResourceAsStream("/dht-native.txt")) {
            assertNotNull(in, "the build always notes what it did");
            note = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assumeTrue(note.startsWith("compiled"), "this build compiled no native library: " + note);
        assertTrue(NativeLibrary.IS_SUPPORTED, Sockets.describe());
        assertTrue(Sockets.describe().startsWith("one-nio native sockets (the library compiled by this build"), Sockets.describe());
    }

    @Test
    void replacesAFileOfAnotherSize(@TempDir Path dir) throws IOException {
        Path placed = Sockets.placeNativeLibrary(dir);
        Files.write(placed, new byte[10]);
        assertEquals(placed, Sockets.placeNativeLibrary(dir));
        assertTrue(Files.size(placed) > 10);
    }
}
