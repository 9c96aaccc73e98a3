package dht.coordinator;

import dht.storage.Record;
import dht.storage.StorageException;

/**
 * Decides a fan-out to {@code from} replicas from their replies as they arrive: done when
 * {@code ack} replicas answered, failed as soon as too many failed for that to happen. It keeps
 * the newest record among the answers (for reads). Pure bookkeeping; callers serialize calls.
 */
final class Quorum {
    // fixed after construction
    private final int ack;
    private final int from;

    // guarded by this
    private int answered;
    private int failed;
    private boolean onlyStorageFailures = true;
    private Throwable lastFailure;
    private Record newest;
    private boolean decided;

    Quorum(int ack, int from) {
        this.ack = ack;
        this.from = from;
    }

    /** Records one reply; returns the decision if this reply made it, null otherwise. */
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
        }
        if (answered >= ack) {
            decided = true;
            return new Decision(true, newest, null);
        }
        if (failed > from - ack) {
            decided = true;
            return new Decision(false, null, failureOutcome());
        }
        return null;
    }

    private Outcome failureOutcome() {
        String cause = lastFailure.getMessage();
        if (onlyStorageFailures && from == 1) {
            return new Outcome.StorageFailed(cause);
        }
        return new Outcome.NotEnoughReplicas(answered, ack, cause);
    }

    /**
     * @param succeeded whether {@code ack} replicas answered
     * @param newest the newest record among the answers, null if none had the key
     * @param failure the outcome to report when the quorum failed
     */
    record Decision(boolean succeeded, Record newest, Outcome failure) {
    }
}
