package dht.http;

import dht.cluster.Threads;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The bounded pool that runs requests off the selector threads. It refuses instead of queueing
 * without limit: a task is refused when the queue is full, or when it waited in the queue longer
 * than the deadline (its client has likely given up, and serving it would only delay the rest).
 */
public final class WorkerPool {
    // fixed after construction
    private final ThreadPoolExecutor executor;
    private final long maxQueueNanos;
    private final int queueCapacity;

    // any thread
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedLate = new LongAdder();

    public WorkerPool(String name, int threads, int queueCapacity, long maxQueueMillis) {
        this.executor = new ThreadPoolExecutor(threads, threads, 1, TimeUnit.MINUTES,
                new ArrayBlockingQueue<>(queueCapacity), Threads.daemon(name), new ThreadPoolExecutor.AbortPolicy());
        this.maxQueueNanos = TimeUnit.MILLISECONDS.toNanos(maxQueueMillis);
        this.queueCapacity = queueCapacity;
    }

    /** How many tasks may wait; also how many requests may be coordinated off the pool at once. */
    int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Runs {@code task} on a worker, or {@code refused} with the reason: at once on this thread when
     * the queue is full, or later on the worker when the task waited past the deadline.
     */
    void execute(Runnable task, Refusal refused) {
        long queuedAt = System.nanoTime();
        try {
            executor.execute(() -> {
                if (System.nanoTime() - queuedAt > maxQueueNanos) {
                    refusedLate.increment();
                    refused.refuse("waited in the queue past its deadline");
                } else {
                    task.run();
                }
            });
        } catch (RejectedExecutionException e) {
            refusedFull.increment();
            refused.refuse(executor.isShutdown() ? "node is stopping" : "worker queue is full");
        }
    }

    public int queued() {
        return executor.getQueue().size();
    }

    /** Workers running a task now. */
    public int busy() {
        return executor.getActiveCount();
    }

    /** Tasks refused because the queue was full (or the pool stopping), since start. */
    public long refusedFull() {
        return refusedFull.sum();
    }

    /** Tasks refused because they waited past the deadline, since start. */
    public long refusedLate() {
        return refusedLate.sum();
    }

    void shutdown(long timeoutMillis) throws InterruptedException {
        executor.shutdown();
        executor.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    @FunctionalInterface
    interface Refusal {
        void refuse(String reason);
    }
}
