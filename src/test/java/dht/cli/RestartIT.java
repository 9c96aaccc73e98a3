package dht.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Restarts with real processes: a node whose {@code /v0/status} answers 200 is used by every peer
 * at once, so a rolling restart under load fails no request.
 */
class RestartIT {
    /** How a node is stopped. */
    enum Stop { SIGTERM, KILL_9 }

    private NodeProcesses cluster;

    @AfterEach
    void cleanUp() throws IOException {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void stop(int i, Stop how) throws InterruptedException {
        if (how == Stop.SIGTERM) {
            cluster.stop(i);
        } else {
            cluster.kill(i);
        }
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void twoNodes_restartedNode_servesAckTwoThroughItsPeer_theMomentItIsReady(Stop how) throws Exception {
        cluster = new NodeProcesses(2);
        cluster.startAll();
        String both = "&ack=2&from=2";
        String through = cluster.urls.get(1) + "/v0/entity?id=";
        stop(0, how);
        assertEquals(504, Http.put(through + "while-away" + both, "x").statusCode(), "node 1 finds node 0 gone");

        // Node 1 keeps calling node 0 while it starts, as it would under load: every failed call
        // is a fresh reason to mark node 0 down.
        AtomicBoolean calling = new AtomicBoolean(true);
        Queue<Long> refusedAfterReady = new ConcurrentLinkedQueue<>();
        AtomicLong readyAt = new AtomicLong(Long.MAX_VALUE);
        Thread caller = new Thread(() -> {
            for (int n = 0; calling.get() && n < 100_000; n++) {
                long sent = System.nanoTime();
                int status;
                try {
                    status = Http.put(through + "during-" + n + both, "d").statusCode();
                } catch (UncheckedIOException e) {
                    status = 0;
                }
                if (status != 201 && sent > readyAt.get()) {
                    refusedAfterReady.add(sent);
                }
            }
        });
        caller.start();
        try {
            cluster.start(0);
            readyAt.set(System.nanoTime());
            HttpResponse<byte[]> put = Http.put(through + "at-once" + both, "back");
            assertEquals(201, put.statusCode(), Http.text(put));
            HttpResponse<byte[]> get = Http.get(through + "at-once" + both);
            assertEquals(200, get.statusCode(), Http.text(get));
            assertEquals("back", Http.text(get));
        } finally {
            calling.set(false);
            caller.join(30_000);
        }
        assertTrue(refusedAfterReady.isEmpty(), refusedAfterReady.size() + " requests sent after the restart was ready failed");
    }

    @ParameterizedTest
    @EnumSource(Stop.class)
    void threeNodes_rollingRestartUnderLoad_everyRequestSucceeds(Stop how) throws Exception {
        cluster = new NodeProcesses(3);
        cluster.startAll();
        try (RollingLoad load = new RollingLoad(cluster.urls, 4)) {
            load.awaitProgress(200);
            for (int i = 0; i < 3; i++) {
                load.exclude(i);
                stop(i, how);
                load.awaitProgress(100);
                cluster.start(i);
                load.include(i);
                load.awaitProgress(100);
            }
            assertEquals(List.of(), load.failures(), "of " + load.requests() + " requests");
            assertTrue(load.requests() >= 800, load.requests() + " requests");
        }
    }
}
