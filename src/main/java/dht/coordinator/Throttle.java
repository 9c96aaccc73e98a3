package dht.coordinator;

/**
 * Keeps a background flow of bytes under a rate, so repair leaves the foreground its share of
 * disk, network and cores. Credit accrues at the rate and is capped at one second's worth, so a
 * pause does not turn into a burst. Not thread-safe: one per flow.
 */
final class Throttle {
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
}
