package dht.cli;

import dht.storage.StoreSettings;
import dht.storage.WalSync;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void configs_noClusterFlags_isALocalThreeNodeCluster() throws UsageException {
        List<NodeConfig> configs = Main.configs(new Flags(List.of()));
        assertEquals(3, configs.size());
        assertEquals(List.of("http://localhost:8080", "http://localhost:8081", "http://localhost:8082"), configs.get(0).cluster());
        assertEquals(8081, configs.get(1).port());
    }

    @Test
    void configs_selfNotNormalizedOrPartial_isHandled() throws UsageException {
        NodeConfig config = Main.configs(new Flags(List.of("--self", "http://h1:8081/",
                "--cluster", "http://h0:8080, http://h1:8081"))).get(0);
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
}
