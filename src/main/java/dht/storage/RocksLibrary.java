package dht.storage;

import org.rocksdb.RocksDB;
import org.rocksdb.util.Environment;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

/**
 * Loads RocksDB's native library once per process from a copy kept in the data directory.
 *
 * <p>Why not RocksDB's own loader: it copies the 17 MB library from the jar to a new temporary
 * file on every start and deletes it only on a clean exit, so every node killed or crashed left
 * one in {@code /tmp} for good (435 of them, 7 GB, on a machine that ran this project's tests).
 * Here the copy has a fixed name in a directory the node owns: a restart after a crash reuses or
 * replaces it, so a node leaves at most one. It is replaced by writing a new file and renaming it
 * over the old one, so a process that has the old one loaded keeps a whole file, and it is only
 * rewritten when the jar holds different bytes. A data directory that cannot hold code (a file
 * system mounted {@code noexec}) falls back to RocksDB's own loader, with a warning.
 */
final class RocksLibrary {
    private static final System.Logger LOG = System.getLogger(RocksLibrary.class.getName());
    private static final String DIRECTORY = "native";
    private static final String RESOURCE = Environment.getJniLibraryFileName("rocksdb");
    // What RocksDB.loadLibrary(paths) looks for in each path.
    private static final String FILE_NAME = Environment.getJniLibraryFileName("rocksdbjni");
    private static final String PART = ".part";
    private static final int BUFFER_BYTES = 64 * 1024;

    private static boolean loaded;

    private RocksLibrary() {
    }

    /**
     * Loads the library, unless this process already has: from {@code dataDir/native}, after
     * copying it there from the jar if the copy there is missing or differs. A jar without a
     * library for this platform leaves it to RocksDB's own loader.
     */
    static synchronized void load(Path dataDir) {
        if (loaded) {
            return;
        }
        if (RocksLibrary.class.getClassLoader().getResource(RESOURCE) == null) {
            RocksDB.loadLibrary();
        } else {
            Path dir = dataDir.toAbsolutePath().resolve(DIRECTORY);
            try {
                Files.createDirectories(dir);
                Path target = dir.resolve(FILE_NAME);
                if (!sameAsResource(target)) {
                    deleteUnfinished(dir);
                    Path fresh = Files.createTempFile(dir, FILE_NAME, PART);
                    try (InputStream in = resource()) {
                        Files.copy(in, fresh, StandardCopyOption.REPLACE_EXISTING);
                        Files.move(fresh, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    } finally {
                        Files.deleteIfExists(fresh);
                    }
                }
            } catch (IOException e) {
                throw new StorageException("cannot copy RocksDB's native library to " + dir + ": " + e, e);
            }
            try {
                RocksDB.loadLibrary(List.of(dir.toString()));
            } catch (UnsatisfiedLinkError e) {
                // A data directory on a file system mounted noexec cannot hold code to run.
                LOG.log(System.Logger.Level.WARNING, "cannot load RocksDB''s native library from {0} ({1});"
                        + " loading a temporary copy instead, which a killed node leaves behind", dir, e.getMessage());
                deleteCopy(dir.resolve(FILE_NAME));
                RocksDB.loadLibrary();
            }
        }
        loaded = true;
    }

    /** Copies that a node killed while writing them left behind. */
    private static void deleteUnfinished(Path dir) throws IOException {
        try (DirectoryStream<Path> parts = Files.newDirectoryStream(dir, FILE_NAME + "*" + PART)) {
            for (Path part : parts) {
                Files.deleteIfExists(part);
            }
        }
    }

    private static void deleteCopy(Path copy) {
        try {
            Files.deleteIfExists(copy);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "cannot delete {0}: {1}", copy, e.toString());
        }
    }

    private static InputStream resource() {
        return new BufferedInputStream(RocksLibrary.class.getClassLoader().getResourceAsStream(RESOURCE), BUFFER_BYTES);
    }

    /** Whether the file holds exactly the jar's bytes: a read of both, far cheaper than writing 17 MB. */
    private static boolean sameAsResource(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream expected = resource();
             InputStream actual = new BufferedInputStream(Files.newInputStream(file), BUFFER_BYTES)) {
            byte[] a = new byte[BUFFER_BYTES];
            byte[] b = new byte[BUFFER_BYTES];
            while (true) {
                int n = expected.readNBytes(a, 0, a.length);
                int m = actual.readNBytes(b, 0, b.length);
                if (n != m || !Arrays.equals(a, 0, n, b, 0, m)) {
                    return false;
                }
                if (n < a.length) {
                    return true;
                }
            }
        }
    }
}
