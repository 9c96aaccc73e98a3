package dht.cli;

import dht.storage.StoreSettings;
import dht.storage.WalSync;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlagsTest {
    @Test
    void flags_valuesSwitchesAndInlineForms_areRead() throws UsageException {
        Flags flags = new Flags(List.of("--port", "9000", "--fsync", "--workers=3"));
        assertEquals(9000, flags.integer("port", 1, 1, 65535));
        assertTrue(flags.bool("fsync"));
        assertEquals(3, flags.integer("workers", 1, 1, 10));
        assertEquals(7, flags.integer("queue", 7, 1, 10));
    }

    @Test
    void configs_syncModes_oneOrTheOther() throws UsageException {
        assertEquals(WalSync.Mode.NONE, Main.configs(new Flags(List.of())).get(0).store().sync());
        assertEquals(WalSync.Mode.GROUP, Main.configs(new Flags(List.of("--fsync"))).get(0).store().sync());
        StoreSettings periodic = Main.configs(new Flags(List.of("--fsync-interval-ms", "10"))).get(0).store();
        assertEquals(WalSync.Mode.PERIODIC, periodic.sync());
        assertEquals(10, periodic.syncIntervalMillis());
        UsageException both = assertThrows(UsageException.class,
                () -> Main.configs(new Flags(List.of("--fsync", "--fsync-interval-ms", "10"))));
        assertTrue(both.getMessage().contains("one of them"), both.getMessage());
    }

    @Test
    void flags_unknownMissingValueRepeatedOrOutOfRange_areRefused() {
        assertThrows(UsageException.class, () -> new Flags(List.of("--bogus", "1")));
        assertThrows(UsageException.class, () -> new Flags(List.of("--port")));
        assertThrows(UsageException.class, () -> new Flags(List.of("--port", "1", "--port", "2")));
        assertThrows(UsageException.class, () -> new Flags(List.of("stray")));
        assertThrows(UsageException.class, () -> new Flags(List.of("--port", "x")).integer("port", 1, 1, 65535));
        assertThrows(UsageException.class, () -> new Flags(List.of("--port", "70000")).integer("port", 1, 1, 65535));
    }

    @Test
    void fraction_isAShareFromZeroToOne() throws UsageException {
        Map<String, String[]> known = Map.of("share", new String[] {"P", "a share"});
        assertEquals(0.01, new Flags(known, List.of("--share", "0.01")).fraction("share"));
        assertEquals(1.0, new Flags(known, List.of("--share", "1")).fraction("share"));
        for (String bad : List.of("1.5", "-0.1", "NaN", "x")) {
            assertThrows(UsageException.class, () -> new Flags(known, List.of("--share", bad)).fraction("share"), bad);
        }
        assertThrows(UsageException.class, () -> new Flags(known, List.of()).fraction("share"));
    }

    @Test
    void configs_noClusterFlags_isALocalThreeNodeCluster() throws UsageException {
        List<NodeConfig> configs = Main.configs(new Flags(List.of()));
        assertEquals(3, configs.size());
        assertEquals(List.of("http://localhost:8080", "http://localhost:8081", "http://localhost:8082"), configs.get(0).cluster());
        assertEquals(8081, configs.get(1).port());
    }

    @Test
    void configs_selfNotNormalizedOrPartial_isHandled() throws UsageException {
        NodeConfig config = Main.configs(new Flags(List.of("--self", "http://h1:8081/",
                "--cluster", "http://h0:8080, http://h1:8081", "--insecure"))).get(0);
        assertEquals("http://h1:8081", config.self());
        assertEquals(8081, config.port());
        assertThrows(UsageException.class, () -> Main.configs(new Flags(List.of("--self", "http://h1:8081"))));
        assertThrows(UsageException.class, () -> Main.configs(new Flags(List.of("--self", "h1:8081", "--cluster", "h1:8081"))));
    }

    @Test
    void help_listsEveryFlag() {
        String help = Flags.help();
        for (String flag : Flags.NODE.keySet()) {
            assertTrue(help.contains("--" + flag), flag);
        }
    }

    @Test
    void configs_membersBeyondLoopbackWithoutASecret_refused_unlessInsecure(@TempDir Path dir) throws Exception {
        List<String> remote = List.of("--self", "http://node1.example:8080", "--cluster", "http://node1.example:8080,http://node2.example:8080");
        UsageException refused = assertThrows(UsageException.class, () -> Main.configs(new Flags(remote)));
        assertTrue(refused.getMessage().contains("--cluster-secret-file"), refused.getMessage());
        List<String> insecure = new ArrayList<>(remote);
        insecure.add("--insecure");
        assertFalse(Main.configs(new Flags(insecure)).get(0).peers().secret().enabled());
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        List<String> secured = new ArrayList<>(remote);
        secured.addAll(List.of("--cluster-secret-file", secret.toString()));
        assertTrue(Main.configs(new Flags(secured)).get(0).peers().secret().enabled());
        Files.writeString(secret, "short\n");
        assertThrows(UsageException.class, () -> Main.configs(new Flags(secured)));
        List<String> loopback = List.of("--self", "http://127.0.0.1:8080", "--cluster", "http://127.0.0.1:8080,http://localhost:8081");
        assertFalse(Main.configs(new Flags(loopback)).get(0).peers().secret().enabled(), "loopback keeps working without one");
        assertTrue(Main.configs(new Flags(List.of())).get(0).peers().secret().enabled(), "the local cluster makes its own");
    }
}
