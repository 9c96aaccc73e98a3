package dht.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokensTest {
    @TempDir
    Path dir;

    private Tokens write(String text) throws Exception {
        Path file = dir.resolve("tokens");
        Files.writeString(file, text);
        return Tokens.load(file);
    }

    @Test
    void roleOf_knownBearerTokens_only() throws Exception {
        Tokens tokens = write("# comment\n\nr-token read\nw-token  WRITE\na-token admin\n");
        assertEquals(Tokens.Role.READ, tokens.roleOf("Bearer r-token"));
        assertEquals(Tokens.Role.WRITE, tokens.roleOf(" bearer w-token "));
        assertEquals(Tokens.Role.ADMIN, tokens.roleOf("Bearer a-token"));
        assertNull(tokens.roleOf("Bearer r-toke"));
        assertNull(tokens.roleOf("r-token"));
        assertNull(tokens.roleOf("Basic r-token"));
        assertNull(tokens.roleOf(null));
    }

    @Test
    void load_badLine_refusedWithItsNumber() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> write("ok read\nbroken superuser\n"));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tokens.load(dir.resolve("missing")));
    }

    @Test
    void reloadIfChanged_rotatesTokens_andKeepsThemWhenTheNewFileIsBroken() throws Exception {
        Tokens tokens = write("old read\n");
        Path file = dir.resolve("tokens");
        assertFalse(tokens.reloadIfChanged(), "unchanged");
        Files.writeString(file, "new read\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 2000));
        assertTrue(tokens.reloadIfChanged());
        assertNull(tokens.roleOf("Bearer old"));
        assertEquals(Tokens.Role.READ, tokens.roleOf("Bearer new"));
        Files.writeString(file, "new superuser\n");
        Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 4000));
        assertFalse(tokens.reloadIfChanged());
        assertEquals(Tokens.Role.READ, tokens.roleOf("Bearer new"), "a broken file leaves the tokens as they were");
    }

    @Test
    void parse_rolesAreOrdered() {
        assertTrue(Tokens.Role.ADMIN.compareTo(Tokens.Role.WRITE) > 0);
        assertTrue(Tokens.Role.WRITE.compareTo(Tokens.Role.READ) > 0);
        assertEquals(1, Tokens.parse(List.of("t read", "t write")).size(), "a repeated token keeps its last role");
    }
}
