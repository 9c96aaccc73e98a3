package dht.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WrkOutputTest {
    private static final String WRK2 = """
            Running 20s test @ http://127.0.0.1:8080
              2 threads and 64 connections
              Latency Distribution (HdrHistogram - Recorded Latency)
             50.000%  855.00us
             75.000%    1.20ms
             90.000%    2.10ms
             99.000%    1.37s
             99.900%    2.00s
              99726 requests in 20.00s, 30.43MB read
              Socket errors: connect 0, read 2, write 0, timeout 3
              Non-2xx or 3xx responses: 7
            Requests/sec:   4986.32
            Transfer/sec:      1.52MB
            """;

    @Test
    void parse_readsTheSummary_inMillisecondsWhateverTheUnit() {
        WrkOutput output = WrkOutput.parse(WRK2);
        assertEquals(99_726, output.requests());
        assertEquals(4986.32, output.perSecond(), 1e-9);
        assertEquals(0.855, output.p50Millis(), 1e-9);
        assertEquals(1370, output.p99Millis(), 1e-9);
        assertEquals(12, output.errors(), "non-2xx and socket errors together");
    }

    @Test
    void parse_refusesWhatIsNoRun() {
        assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse("unable to connect to 127.0.0.1:8080"));
        assertThrows(IllegalArgumentException.class, () -> WrkOutput.parse(WRK2.replace(" 99.000%    1.37s\n", "")));
    }
}
