package dht.coordinator;

import dht.storage.Record;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls of one request to its replicas, and the order they go out in. Replicas marked down
 * are held back on standby while the others can reach {@code ack} without them, and called in
 * the moment the others cannot (see {@link Quorum}): a down mark saves a call, never a request.
 * A fan-out with spares also holds back the healthy remote replicas beyond {@code ack}, the last
 * in the preference list first, until a failure or {@link #speculate} calls them in (reads; see
 * {@link SpeculativeReads}). Remote calls go out before the local one, which runs on the
 * caller's thread, so a slow local disk never delays the peers. Subclasses say what a call is
 * and what its reply means.
 */
abstract class FanOut {
    // fixed after construction
    final Replica[] replicas;
    private final Quorum quorum;

    // Written by the constructor, then once by whoever calls the standby replicas in, before any
    // of their replies; read by ended(), which the last decrement of outstanding orders after.
    private final boolean[] held;
    private final boolean spares;
    private final AtomicInteger outstanding;

    /** @param spares whether to hold back the healthy remote replicas that {@code ack} does not need */
    FanOut(Replica[] replicas, int ack, boolean spares) {
        this.replicas = replicas;
        int up = 0;
        for (Replica replica : replicas) {
            up += replica.isDown() ? 0 : 1;
        }
        this.held = new boolean[replicas.length];
        int standby = 0;
        if (up >= ack) {
            for (int i = 0; i < replicas.length; i++) {
                held[i] = replicas[i].isDown();
            }
            // The local replica is never a spare: it costs no round trip, and a spare may be
            // called from the peer loop, which must not touch the disk.
            int extra = spares ? up - ack : 0;
            for (int i = replicas.length - 1; i >= 0 && extra > 0; i--) {
                if (!held[i] && !replicas[i].isLocal()) {
                    held[i] = true;
                    extra--;
                }
            }
            for (boolean h : held) {
                standby += h ? 1 : 0;
            }
        }
        this.spares = spares && up > ack;
        this.quorum = new Quorum(ack, replicas.length - standby, standby);
        this.outstanding = new AtomicInteger(replicas.length - standby);
    }

    /** Whether this fan-out held healthy replicas back as spares. */
    final boolean holdsSpares() {
        return spares;
    }

    /** Whether every call made has replied. */
    final boolean finished() {
        return outstanding.get() == 0;
    }

    /** The call to one replica; its value is a {@code Record} for reads. */
    abstract CompletableFuture<?> call(Replica replica);

    /** Why a value that arrived must count as a failure, or null when it is good. */
    Throwable refusal(Object value) {
        return null;
    }

    /**
     * One reply, in the order they arrive, from whichever thread delivered it.
     *
     * @param decision what the quorum decided with this reply, or null when nothing yet
     */
    abstract void replied(int i, Object value, Throwable failure, Quorum.Decision decision);

    /**
     * Every call made has replied.
     *
     * @param skipped the replicas never called (down, and not needed)
     */
    abstract void ended(boolean[] skipped);

    final void start() {
        // A reply may call the held replicas in while this loop still runs (a call can fail on
        // this thread, or on the peer loop's at once), so the replicas to call are read first.
        boolean[] first = held.clone();
        for (int pass = 0; pass < 2; pass++) {
            boolean local = pass == 1;
            for (int i = 0; i < replicas.length; i++) {
                if (!first[i] && replicas[i].isLocal() == local) {
                    send(i);
                }
            }
        }
    }

    private void send(int i) {
        call(replicas[i]).whenComplete((value, failure) -> {
            Throwable cause = failure == null ? refusal(value) : unwrap(failure);
            Object answer = cause == null ? value : null;
            Quorum.Decision decision = quorum.reply(answer instanceof Record record ? record : null, cause);
            if (decision == Quorum.Decision.CALL_STANDBY) {
                callStandby();
                decision = null;
            }
            replied(i, answer, cause, decision);
            if (outstanding.decrementAndGet() == 0) {
                ended(held);
            }
        });
    }

    /**
     * Calls the held replicas in now, unless the quorum has decided or they were called already.
     * Any thread; the calls it makes are remote only.
     *
     * @return whether it called them
     */
    final boolean speculate() {
        // A token of its own in outstanding keeps ended() from running while the calls go out;
        // none is taken once every call has replied, when there is nothing left to decide.
        if (outstanding.getAndUpdate(n -> n == 0 ? 0 : n + 1) == 0) {
            return false;
        }
        boolean called = quorum.callStandby();
        if (called) {
            callStandby();
        }
        if (outstanding.decrementAndGet() == 0) {
            ended(held);
        }
        return called;
    }

    /** Called at most once, by whoever made the quorum call them. */
    private void callStandby() {
        int count = 0;
        for (boolean h : held) {
            count += h ? 1 : 0;
        }
        outstanding.addAndGet(count);
        for (int i = 0; i < replicas.length; i++) {
            if (held[i]) {
                held[i] = false;
                send(i);
            }
        }
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
