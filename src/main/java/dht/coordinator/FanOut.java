package dht.coordinator;

import dht.storage.Record;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The calls of one request to its replicas, and the order they go out in. Replicas marked down
 * are held back on standby while the others can reach {@code ack} without them, and called in
 * the moment the others cannot (see {@link Quorum}): a down mark saves a call, never a request.
 * Remote calls go out before the local one, which runs on the caller's thread, so a slow local
 * disk never delays the peers. Subclasses say what a call is and what its reply means.
 */
abstract class FanOut {
    // fixed after construction
    final Replica[] replicas;
    private final Quorum quorum;

    // Written by the constructor, then once by the one reply that calls the standby replicas in,
    // before any of their replies; read by ended(), which the last reply's decrement orders after.
    private final boolean[] held;
    private final AtomicInteger outstanding;

    FanOut(Replica[] replicas, int ack) {
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
                standby += held[i] ? 1 : 0;
            }
        }
        this.quorum = new Quorum(ack, replicas.length - standby, standby);
        this.outstanding = new AtomicInteger(replicas.length - standby);
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
        for (int pass = 0; pass < 2; pass++) {
            boolean local = pass == 1;
            for (int i = 0; i < replicas.length; i++) {
                if (!held[i] && replicas[i].isLocal() == local) {
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

    /** Called at most once, by the reply that made the quorum call them. */
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
