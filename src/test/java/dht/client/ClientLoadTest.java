package dht.client;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ClientLoadTest {
    @Test
    void requestsThatFailAtOnce_areAllCounted_withoutOverflowingTheStack() {
        int requests = 200_000;
        long[] latencies = new long[requests];
        int[] counts = new int[1];
        int[] errors = new int[1];
        CountDownLatch done = new CountDownLatch(1);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);

        new ClientLoad.InFlight(0, () -> CompletableFuture.failedFuture(new IOException("refused")), end, latencies,
                counts, errors, done).next();

        assertEquals(requests, counts[0]);
        assertEquals(requests, errors[0]);
        assertEquals(0, done.getCount());
    }

    @Test
    void requestsAnsweredLater_eachSendTheNext_untilTheCountIsReached() throws InterruptedException {
        long[] latencies = new long[1_000];
        int[] counts = new int[1];
        int[] errors = new int[1];
        CountDownLatch done = new CountDownLatch(1);
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);

        new ClientLoad.InFlight(0, () -> CompletableFuture.supplyAsync(() -> "ok"), end, latencies, counts, errors,
                done).next();

        assertEquals(true, done.await(30, TimeUnit.SECONDS));
        assertEquals(1_000, counts[0]);
        assertEquals(0, errors[0]);
    }
}
