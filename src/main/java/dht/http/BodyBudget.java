package dht.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps the bytes of request bodies a node holds at once. one-nio allocates a body whole as soon
 * as its headers arrive, and a proxied write copies it a few times more, so a handful of clients
 * each sending a 16 MiB value could otherwise exhaust a 128 MiB heap. Small bodies are not
 * counted: they are bounded by the connections and cost more to track than they weigh. One body
 * is always admitted when none is held, so a value larger than the budget still gets through.
 */
public final class BodyBudget {
    static final int UNCOUNTED_BYTES = 64 * 1024;

    private final long limitBytes;
    private final AtomicLong heldBytes = new AtomicLong();

    public BodyBudget(long limitBytes) {
        this.limitBytes = limitBytes;
    }

    /** Whether a body of this size is counted against the budget at all. */
    static boolean counts(long bytes) {
        return bytes > UNCOUNTED_BYTES;
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long held = heldBytes.get();
            if (held > 0 && held + bytes > limitBytes) {
                return false;
            }
            if (heldBytes.compareAndSet(held, held + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        heldBytes.addAndGet(-bytes);
    }

    /** Bytes of counted bodies held now, for the status report. */
    public long heldBytes() {
        return heldBytes.get();
    }
}
