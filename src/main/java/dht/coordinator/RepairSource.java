package dht.coordinator;

import dht.storage.RecordCursor;

/**
 * One side of an anti-entropy comparison: the hashes and records a replica shares with a member.
 * This node's own side is {@link SharedRecords}; a peer's side is its {@link RemoteReplica}, over
 * the replica protocol. Calls block the caller: they run on the repair thread.
 */
public interface RepairSource {

    /** All range hashes ({@code range < 0}) or one range's leaf hashes of the records shared with the member. */
    long[] hashes(String member, int range);

    /** The records shared with the member whose leaves are in the set, tombstones included. */
    RecordCursor records(String member, LeafSet leaves);
}
