package dht.coordinator;

import dht.cluster.PeerException;
import dht.storage.Record;
import dht.storage.StorageException;

/**
 * Decides a fan-out from the replies as they arrive: done when {@code ack} replicas answered,
 * failed as soon as too many failed for that to happen. Replicas held back on standby (those
 * marked down, while the others could reach {@code ack}, and a read's spares) are called in when
 * the others can no longer make it, so a request fails only once every replica was tried; a
 * read's spares also when it is slow. It keeps the newest
 * record among the answers (for reads). Pure bookkeeping; callers serialize calls.
 */
final class Quorum {
    // fixed after construction
    private final int ack;

    // guarded by this
    private int called;
    private int standby;
    private int answered;
    private int failed;
    private boolean onlyStorageFailures = true;
    private boolean onlyForWantOfRoom = true;
    private Throwable lastFailure;
    private Record newest;
    private boolean decided;

    Quorum(int ack, int from) {
        this(ack, from, 0);
    }

    /**
     * @param called the replicas called at once
     * @param standby the replicas held back, to call when the others cannot reach {@code ack}
     */
    Quorum(int ack, int called, int standby) {
        this.ack = ack;
        this.called = called;
        this.standby = standby;
    }

    /**
     * Records one reply; returns the decision if this reply made it ({@link Decision#CALL_STANDBY}
     * when the caller must now call the standby replicas), null otherwise.
     */
    synchronized Decision reply(Record record, Throwable failure) {
        if (decided) {
            return null;
        }
        if (failure == null) {
            answered++;
            newest = Merge.newer(newest, record);
        } else {
            failed++;
            lastFailure = failure;
            onlyStorageFailures &= failure instanceof StorageException;
            onlyForWantOfRoom &= failure instanceof PeerException peer && peer.kind() == PeerException.Kind.NO_ROOM;
        }
        if (answered >= ack) {
            decided = true;
            return new Decision(true, newest, null);
        }
        if (failed > called - ack) {
            if (standby > 0) {
                called += standby;
                standby = 0;
                return Decision.CALL_STANDBY;
            }
            decided = true;
            return new Decision(false, null, failureOutcome());
        }
        return null;
    }

    /**
     * Calls the standby replicas in before any failure asks for them (a slow read's spares).
     *
     * @return whether the caller must now call them: false once decided or already called
     */
    synchronized boolean callStandby() {
        if (decided || standby == 0) {
            return false;
        }
        called += standby;
        standby = 0;
        return true;
    }

    private Outcome failureOutcome() {
        String cause = lastFailure.getMessage();
        if (onlyStorageFailures && called == 1) {
            return new Outcome.StorageFailed(cause);
        }
        if (onlyForWantOfRoom) {
            return new Outcome.Overloaded(cause);
        }
        return new Outcome.NotEnoughReplicas(answered, ack, cause);
    }

    /**
     * @param succeeded whether {@code ack} replicas answered
     * @param newest the newest record among the answers, null if none had the key
     * @param failure the outcome to report when the quorum failed
     */
    record Decision(boolean succeeded, Record newest, Outcome failure) {
        /** Not yet decided: the standby replicas must be called, and their replies will decide. */
        static final Decision CALL_STANDBY = new Decision(false, null, null);
    }
}
