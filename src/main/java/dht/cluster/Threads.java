package dht.cluster;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Named daemon threads, so thread dumps and profiles say which pool a thread serves. */
public final class Threads {
    /** The exit status after an OutOfMemoryError. */
    public static final int OUT_OF_MEMORY_EXIT = 3;

    private Threads() {
    }

    public static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + " #" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Ends the process when the failure is, or was caused by, an OutOfMemoryError: a JVM that
     * ran out of heap may have lost any thread or half-done state, so it is not trusted to go on
     * half-alive. The exit status (3) tells a supervisor to restart it, as Cassandra's
     * JVMStabilityInspector does. Halts rather than exits: shutdown hooks would need memory too.
     */
    public static void exitOnOutOfMemory(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof OutOfMemoryError) {
                System.err.println("dht: out of memory (" + cause.getMessage() + "); exiting so that a supervisor restarts the node");
                Runtime.getRuntime().halt(OUT_OF_MEMORY_EXIT);
            }
        }
    }

    /** Makes every thread that dies of an OutOfMemoryError end the process (see {@link #exitOnOutOfMemory}). */
    public static void exitOnOutOfMemoryAnywhere() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, failure) -> {
            exitOnOutOfMemory(failure);
            if (previous != null) {
                previous.uncaughtException(thread, failure);
            } else {
                failure.printStackTrace();
            }
        });
    }

    /**
     * Interrupts the executor's work and waits for it to end, so that resources it uses (a RocksDB
     * handle above all, where a call after close crashes the JVM) can be closed safely.
     */
    public static void stopAndWait(ExecutorService executor) {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
