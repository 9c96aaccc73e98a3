package dht.cluster;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes that may be held at once for one purpose, such as request bodies or peer replies being
 * read. A reservation that would pass the limit is refused, except when nothing is held: then
 * one is always admitted, so that the largest item still gets through. Lock-free.
 */
public final class ByteBudget {
    private final long limitBytes;
    private final AtomicLong held = new AtomicLong();

    public ByteBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    public boolean tryReserve(long bytes) {
        while (true) {
            long now = held.get();
            if (now > 0 && now + bytes > limitBytes) {
                return false;
            }
            if (held.compareAndSet(now, now + bytes)) {
                return true;
            }
        }
    }

    public void release(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held now. */
    public long held() {
        return held.get();
    }
}
