package dht.coordinator;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a background flow of bytes under a rate, so repair leaves the foreground its share of
 * disk, network and cores. Credit accrues at the rate and is capped at one second's worth, so a
 * pause does not turn into a burst. Not thread-safe: one per flow.
 */
final class Throttle {
    /** Shorter waits are let to add up: a sleep per small record would cost more than the record. */
    private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final double bytesPerNano;
    private final long burstBytes;
    private double credit;
    private long lastNanos;

    Throttle(long bytesPerSecond, long nowNanos) {
        this.bytesPerNano = bytesPerSecond / 1e9;
        this.burstBytes = bytesPerSecond;
        this.credit = bytesPerSecond;
        this.lastNanos = nowNanos;
    }

    /** Takes the bytes; returns how many nanoseconds the caller must wait before it goes on. */
    long take(long bytes, long nowNanos) {
        credit = Math.min(burstBytes, credit + (nowNanos - lastNanos) * bytesPerNano);
        lastNanos = nowNanos;
        credit -= bytes;
        return credit >= 0 ? 0 : (long) Math.ceil(-credit / bytesPerNano);
    }

    /**
     * Takes the bytes and sleeps while the flow is ahead of its rate by a millisecond or more.
     *
     * @throws IllegalStateException when interrupted: the node is stopping
     */
    void pace(long bytes) {
        long wait = take(bytes, System.nanoTime());
        if (wait >= MIN_SLEEP_NANOS) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the node is stopping");
            }
        }
    }
}
