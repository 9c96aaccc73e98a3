package dht.coordinator;

import dht.storage.Record;

/** What a client request came to; the HTTP layer maps each kind to exactly one status. */
public sealed interface Outcome {
    Outcome NOT_FOUND = new NotFound();
    Outcome STORED = new Stored();
    Outcome DELETED = new Deleted();

    /** The newest record is a live value. */
    record Found(Record record) implements Outcome {
    }

    /** No replica had the key, or the newest record is a tombstone. */
    record NotFound() implements Outcome {
    }

    record Stored() implements Outcome {
    }

    record Deleted() implements Outcome {
    }

    /** Fewer replicas answered than the request needed, because peers failed or timed out. */
    record NotEnoughReplicas(int answered, int needed, String cause) implements Outcome {
    }

    /** Replicas answered, but this node had no memory to spare for their answers: try again soon. */
    record Overloaded(String cause) implements Outcome {
    }

    /** The local storage failed on the only replica asked: a disk fault, not a network one. */
    record StorageFailed(String cause) implements Outcome {
    }
}
