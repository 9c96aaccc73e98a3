package dht.http;

import dht.cluster.Threads;
import dht.storage.RecordCursor;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads that run range streams, one per open stream at most, and the cap on how many are
 * open. A stream holds a RocksDB snapshot and a connection to every peer, so the cap bounds both.
 */
public final class RangeStreams {
    // fixed after construction
    private final int max;
    private final ExecutorService executor;

    private final AtomicInteger open = new AtomicInteger();

    public RangeStreams(int max) {
        this.max = max;
        this.executor = Executors.newFixedThreadPool(max, Threads.daemon("range stream"));
    }

    /** Starts streaming to the session; false when {@code max} streams are already open. */
    boolean start(DhtSession session, Supplier<RecordCursor> source, ChunkFormat format, Runnable onFinish) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        executor.execute(new RangeStream(session, source, format, executor, () -> {
            open.decrementAndGet();
            onFinish.run();
        }));
        return true;
    }

    /** Streams open now, for the status report. */
    public int open() {
        return open.get();
    }

    /** Waits for the streams to end; call after the server closed their sessions. */
    void shutdown(long timeoutMillis) throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }
}
