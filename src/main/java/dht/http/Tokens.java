package dht.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The clients' bearer tokens and their roles, from a file of {@code TOKEN ROLE} lines ({@code #}
 * starts a comment). Tokens are looked up by their SHA-256, so how long a lookup takes says
 * nothing about how much of a token was right. The file is read again when it changes
 * ({@link #reloadIfChanged}) so tokens can be rotated without a restart; a file that cannot be
 * read or parsed leaves the tokens as they were.
 */
public final class Tokens {
    private static final System.Logger LOG = System.getLogger(Tokens.class.getName());

    /** What a token may do; each role includes those before it. */
    public enum Role { READ, WRITE, ADMIN }

    // fixed after construction
    private final Path file;

    // any thread: replaced whole on reload
    private volatile Map<String, Role> byDigest;
    private volatile FileTime loadedModified;

    private Tokens(Path file, Map<String, Role> byDigest, FileTime modified) {
        this.file = file;
        this.byDigest = byDigest;
        this.loadedModified = modified;
    }

    /**
     * Reads the file.
     *
     * @throws IllegalArgumentException with a one-line reason when it cannot be read or has a bad line
     */
    public static Tokens load(Path file) {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            return new Tokens(file, parse(Files.readAllLines(file, StandardCharsets.UTF_8)), modified);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read tokens file " + file + ": " + e.getMessage(), e);
        }
    }

    static Map<String, Role> parse(List<String> lines) {
        Map<String, Role> byDigest = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            Role role = parts.length == 2 ? role(parts[1]) : null;
            if (role == null) {
                throw new IllegalArgumentException("line " + (i + 1) + " of the tokens file is not 'TOKEN read|write|admin'");
            }
            byDigest.put(digest(parts[0]), role);
        }
        return Map.copyOf(byDigest);
    }

    private static Role role(String name) {
        try {
            return Role.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * The role of the token in an {@code Authorization} header value, or null when it names no
     * known token.
     */
    Role roleOf(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.strip();
        if (!value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return byDigest.get(digest(value.substring(7).strip()));
    }

    /** Reads the file again if it changed since it was last read; true when new tokens took effect. */
    public boolean reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            if (modified.equals(loadedModified)) {
                return false;
            }
            return reload();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read tokens file {0}: {1}; the tokens stay as they were", file, e.toString());
            return false;
        }
    }

    /** Reads the file again whatever its time; true when new tokens took effect. */
    public boolean reload() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            byDigest = parse(Files.readAllLines(file, StandardCharsets.UTF_8));
            loadedModified = modified;
            LOG.log(System.Logger.Level.INFO, "tokens reloaded from {0}", file);
            return true;
        } catch (IOException | IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot reload tokens file {0}: {1}; the tokens stay as they were",
                    file, e.getMessage());
            return false;
        }
    }

    private static String digest(String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
