package dht.http;

import dht.cluster.ByteBudget;

/**
 * Caps the bytes of request bodies a node holds at once. one-nio allocates a body whole as soon
 * as its head arrives, and a proxied write copies it a few times more, so a handful of clients
 * each sending a 16 MiB value, or thousands each declaring 64 KiB and sending nothing, could
 * otherwise exhaust a 128 MiB heap. Every body counts, from its head until its request is
 * answered or its connection closes.
 *
 * <p>Small bodies (up to {@link #SMALL_BYTES}) and large ones draw on two pools, the small one a
 * quarter of the size of the large one, so that a large value in flight never turns away the
 * small writes that most clients send, and small bodies cannot take the large ones' room. In each
 * pool one body is always admitted when none is held, so a value larger than the budget still
 * gets through.
 */
public final class BodyBudget {
    static final int SMALL_BYTES = 64 * 1024;

    private final ByteBudget large;
    private final ByteBudget small;

    /** @param limitBytes the large bodies' pool; the small ones get a quarter of it */
    public BodyBudget(long limitBytes) {
        this.large = new ByteBudget(limitBytes);
        this.small = new ByteBudget(Math.max(SMALL_BYTES, limitBytes / 4));
    }

    boolean tryReserve(long bytes) {
        return pool(bytes).tryReserve(bytes);
    }

    void release(long bytes) {
        pool(bytes).release(bytes);
    }

    private ByteBudget pool(long bytes) {
        return bytes <= SMALL_BYTES ? small : large;
    }

    /** Bytes of bodies held now, for the status report. */
    public long heldBytes() {
        return large.held() + small.held();
    }
}
