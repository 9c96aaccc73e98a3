package dht.cli;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class GcLogTest {
    private static final String LOG = """
            [2026-12-03T10:58:55.268+0000] Using G1
            [2026-12-03T10:58:56.729+0000] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 6M->3M(32M) 8.977ms
            [2026-12-03T10:59:01.000+0000] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 7M->3M(32M) 15.984ms
            [2026-12-03T10:59:02.000+0000] GC(2) Pause Young (Concurrent Start) (G1 Humongous Allocation) 12M->9M(32M) 2.500ms
            [2026-12-03T10:59:02.500+0000] GC(2) Pause Remark 15M->14M(32M) 1.250ms
            [2026-12-03T10:59:03.512+0000] GC(2) Concurrent Mark Cycle 24.124ms
            [2026-12-03T10:59:09.000+0000] GC(3) Pause Full (System.gc()) 21M->12M(32M) 16.301ms
            """;

    @Test
    void parse_countsThePausesInTheWindow_notConcurrentPhases_norPausesOutside() {
        GcLog pauses = GcLog.parse(LOG, Instant.parse("2026-12-03T10:59:00Z"), Instant.parse("2026-12-03T10:59:05Z"));
        assertEquals(3, pauses.pauses());
        assertEquals(15.984, pauses.maxMillis(), 1e-9);
        assertEquals(15.984 + 2.5 + 1.25, pauses.totalMillis(), 1e-9);
        assertEquals(1, pauses.over10Millis());
        assertEquals("3 pauses, longest 15.98 ms, 19.7 ms in all, 1 over 10 ms", pauses.toString());
    }

    @Test
    void parse_aLogWithoutTimes_isRefusedWithTheOptionToUse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GcLog.parse("[1.234s] GC(0) Pause Young (Normal) 6M->3M(32M) 8.977ms\n", Instant.EPOCH, Instant.now()));
        assertEquals("a GC log line without a time: run the JVM with -Xlog:gc:file=F:time", e.getMessage());
    }
}
