package dht.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fill command ends, and says why, when the nodes cannot take its writes. */
class FillIT {
    @Test
    void aFill_writesEveryKey_thatEachNodeThenServes() throws Exception {
        try (TestCluster cluster = new TestCluster(3)) {
            Fill.Result result = Fill.write(cluster.urls, 300, 16, 4);
            assertTrue(result.complete(), result.summary());
            assertEquals(0, result.untried());
            assertEquals(0, result.failed());
            for (String url : cluster.urls) {
                assertEquals("v".repeat(16), new String(Http.get(url + "/v0/entity?id=k299").body()));
            }
        }
    }

    @Test
    @Timeout(30) // a fill that retried every key against a missing node took hours
    void aFill_ofANodeThatIsNotThere_writesNothing_andNamesIt() throws Exception {
        String missing = "http://127.0.0.1:" + Ports.free(1).get(0);
        Fill.Result result = Fill.write(List.of(missing), 1000, 16, 4);
        assertFalse(result.complete());
        assertEquals(1000, result.untried());
        assertTrue(result.stopped().startsWith(missing + " does not answer"), result.stopped());
        assertTrue(result.summary().startsWith("filled nothing: "), result.summary());
    }

    @Test
    @Timeout(60)
    void aFill_whoseWritesTheNodesRefuse_stopsAtTheFirstRefusals() throws Exception {
        try (TestCluster cluster = new TestCluster(1, "--max-value-bytes", "100")) {
            int keys = 10_000;
            int concurrency = 4;
            Fill.Result result = Fill.write(cluster.urls, keys, 200, concurrency);
            assertFalse(result.complete());
            // Each thread fails the key it holds at most: then none takes another.
            assertTrue(result.failed() >= 1 && result.failed() <= concurrency, result.summary());
            assertEquals(keys - result.failed(), result.untried(), result.summary());
            assertTrue(result.failures().containsKey("413"), result.summary());
            assertTrue(result.summary().contains("stopped with " + result.untried() + " keys not tried"), result.summary());
        }
    }
}
