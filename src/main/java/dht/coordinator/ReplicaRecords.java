package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;

/**
 * A member's range with the records of keys it does not replicate left out. Such copies are what
 * a hint or a read repair that arrived after a membership change's cleanup left behind; nothing
 * keeps them current, so one could be older than a delete whose tombstone was purged, and a
 * range read that merged it would bring the key back.
 */
final class ReplicaRecords implements RecordCursor {
    // fixed after construction
    private final RecordCursor all;
    private final Replica member;
    private final Placement placement;

    ReplicaRecords(RecordCursor all, Replica member, Placement placement) {
        this.all = all;
        this.member = member;
        this.placement = placement;
    }

    @Override
    public boolean next() {
        while (all.next()) {
            for (Replica replica : placement.writeReplicas(all.key(), placement.replicationFactor())) {
                if (replica == member) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public byte[] key() {
        return all.key();
    }

    @Override
    public Record record() {
        return all.record();
    }

    @Override
    public void close() {
        all.close();
    }
}
