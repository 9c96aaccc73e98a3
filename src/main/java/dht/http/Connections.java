package dht.http;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a node's client connections may hold, together: how many are open, and how many bytes of
 * answers wait in their send queues for clients that do not read. A connection past a bound is
 * refused or closed; one that makes no progress is closed by its deadline. No number of slow or
 * idle clients can then exhaust the node's heap or its connection slots.
 *
 * @see DhtSession#checkStatus
 */
public final class Connections {
    /** Why a connection was closed by the node rather than by its client, for the metrics. */
    public enum Closed { HEAD_TIMEOUT, BODY_TIMEOUT, WRITE_TIMEOUT, STREAM_IDLE, UNSENT_LIMIT }

    // fixed after construction
    private final int max;
    private final long maxUnsentBytes;
    private final long bodyTimeoutMillis;
    private final long writeTimeoutMillis;
    private final long streamIdleMillis;

    // any thread
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicLong unsentBytes = new AtomicLong();
    private final LongAdder refused = new LongAdder();
    private final LongAdder[] closed = new LongAdder[Closed.values().length];

    /**
     * @param max connections open at once; more are refused as they arrive
     * @param maxUnsentBytes bytes of answers all connections may hold unsent; past it, the
     *                       connection whose answer went over is closed
     * @param bodyTimeoutMillis how long a request's head may take to arrive from its first byte, and
     *                          then its body from the end of the head
     * @param writeTimeoutMillis how long unsent answers may wait without the client taking a byte
     * @param streamIdleMillis the same for a range stream paused on its client
     */
    public Connections(int max, long maxUnsentBytes, long bodyTimeoutMillis, long writeTimeoutMillis,
                       long streamIdleMillis) {
        this.max = max;
        this.maxUnsentBytes = maxUnsentBytes;
        this.bodyTimeoutMillis = bodyTimeoutMillis;
        this.writeTimeoutMillis = writeTimeoutMillis;
        this.streamIdleMillis = streamIdleMillis;
        for (int i = 0; i < closed.length; i++) {
            closed[i] = new LongAdder();
        }
    }

    /** Takes a slot for a new connection; false (and counted) when all are taken. */
    boolean tryOpen() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            refused.increment();
            return false;
        }
        return true;
    }

    void closed() {
        open.decrementAndGet();
    }

    /** Adds to (or, negative, takes from) the unsent bytes; true while all of them are within the bound. */
    boolean holdUnsent(long delta) {
        return unsentBytes.addAndGet(delta) <= maxUnsentBytes;
    }

    void closedBecause(Closed reason) {
        closed[reason.ordinal()].increment();
    }

    long bodyTimeoutMillis() {
        return bodyTimeoutMillis;
    }

    long writeTimeoutMillis() {
        return writeTimeoutMillis;
    }

    long streamIdleMillis() {
        return streamIdleMillis;
    }

    /** Connections open now. */
    public int open() {
        return open.get();
    }

    public int max() {
        return max;
    }

    /** Connections refused since start because all slots were taken. */
    public long refused() {
        return refused.sum();
    }

    /** Bytes of answers waiting now for clients to read them. */
    public long unsentBytes() {
        return unsentBytes.get();
    }

    /** Connections the node closed for this reason, since start. */
    public long closed(Closed reason) {
        return closed[reason.ordinal()].sum();
    }
}
