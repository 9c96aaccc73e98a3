package dht.coordinator;

import dht.cluster.ByteBudget;
import dht.cluster.Threads;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Work that follows a reply and may touch the disk (storing a hint, writing a read repair), taken
 * off whatever thread delivered the reply, which is often the one peer I/O thread: a slow disk
 * write there would stall every peer call of the node. One thread and a queue bounded twice: in
 * tasks, and in the bytes of the records they hold, since a peer too slow for a burst of large
 * writes would otherwise fill the heap with their hints. When either is full the task is dropped
 * and counted, never waited for. A dropped repair leaves the stale replica to the next read; a
 * dropped hint leaves it to read repair.
 */
public final class FollowUps implements AutoCloseable {
    static final int QUEUE = 16 * 1024;

    /** What a task is, for the drop counts. */
    public enum Kind { HINT, REPAIR }

    // fixed after construction
    private final Executor executor;
    private final ThreadPoolExecutor pool;
    private final ByteBudget held;
    private final LongAdder[] dropped = {new LongAdder(), new LongAdder()};

    /** @param maxBytes the bytes of records that queued tasks may hold at once */
    public FollowUps(long maxBytes) {
        this.pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE),
                Threads.daemon("follow-up"), new ThreadPoolExecutor.AbortPolicy());
        this.executor = pool;
        this.held = new ByteBudget(maxBytes);
    }

    /** Runs follow-ups on the given executor instead: the seam for socket-free tests. */
    FollowUps(Executor executor, long maxBytes) {
        this.pool = null;
        this.executor = executor;
        this.held = new ByteBudget(maxBytes);
    }

    /** Runs the task, which holds a record of {@code bytes}, or drops it when the queue or its bytes are full. */
    void run(Kind kind, long bytes, Runnable task) {
        if (!held.tryReserve(bytes)) {
            dropped[kind.ordinal()].increment();
            return;
        }
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } finally {
                    held.release(bytes);
                }
            });
        } catch (RejectedExecutionException e) {
            held.release(bytes);
            dropped[kind.ordinal()].increment();
        }
    }

    /** Tasks of this kind dropped because the queue was full, since start. */
    public long dropped(Kind kind) {
        return dropped[kind.ordinal()].sum();
    }

    /** Tasks waiting now. */
    public int queued() {
        return pool == null ? 0 : pool.getQueue().size();
    }

    /** Stops taking tasks and waits for those queued, so that the store can be closed under none. */
    @Override
    public void close() {
        if (pool == null) {
            return;
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) {
                Threads.stopAndWait(pool);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
