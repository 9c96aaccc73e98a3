package dht.coordinator;

import dht.cluster.HandoffPlan;
import dht.cluster.ReplicaProtocol;
import dht.cluster.Ring;
import dht.cluster.Transition;
import dht.storage.FilteredCursor;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.Arrays;

/**
 * The sending side of a membership change: this node's records, tombstones included, of the arcs
 * that a new replica takes over from it, in key order, led by an estimate of how many there are.
 * The arcs come from the {@link HandoffPlan} of the change, which this node computes just as the
 * target does; so a target only names itself, the change, and where to resume.
 */
public final class HandoffSource {
    private static final byte[] FIRST_KEY = new byte[0];

    // fixed after construction
    private final Store store;
    private final ClusterView view;
    private final String self;

    public HandoffSource(Store store, ClusterView view, String self) {
        this.store = store;
        this.view = view;
        this.self = self;
    }

    /**
     * @param after the last key the target holds from this stream, or null to start at the first
     * @throws IllegalStateException when this node is not in that change's streaming phase, or sends the target nothing
     */
    public RecordCursor records(String target, long transition, byte[] after) {
        Placement placement = view.placement();
        Transition change = placement.membership().transition();
        if (change == null || change.startEpoch() != transition || change.phase() == Transition.Phase.DUAL_WRITES) {
            throw new IllegalStateException("this node is at epoch " + placement.epoch() + ", not streaming change "
                    + transition);
        }
        HandoffPlan.Stream stream = placement.plan().between(self, target);
        if (stream == null) {
            throw new IllegalStateException(self + " sends " + target + " nothing in change " + transition);
        }
        int held = Math.max(1, placement.plan().heldArcs(self));
        long estimate = store.estimatedKeys() * stream.arcCount() / held;
        byte[] start = after == null ? FIRST_KEY : Arrays.copyOf(after, after.length + 1); // the first key after it
        Ring ring = placement.ring();
        return new Estimated(new FilteredCursor(store.range(start, null), (key, record) -> stream.arcs().get(ring.arcOf(key))),
                estimate);
    }

    /** A cursor's entries after one leading entry that estimates how many there are. */
    private static final class Estimated implements RecordCursor {
        private final RecordCursor records;
        private final Record estimate;
        private boolean started;
        private boolean onEstimate;

        Estimated(RecordCursor records, long estimatedKeys) {
            this.records = records;
            this.estimate = ReplicaProtocol.handoffEstimate(estimatedKeys);
        }

        @Override
        public boolean next() {
            onEstimate = !started;
            started = true;
            return onEstimate || records.next();
        }

        @Override
        public byte[] key() {
            return onEstimate ? FIRST_KEY : records.key();
        }

        @Override
        public Record record() {
            return onEstimate ? estimate : records.record();
        }

        @Override
        public void close() {
            records.close();
        }
    }
}
