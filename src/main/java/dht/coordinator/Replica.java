package dht.coordinator;

import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.concurrent.CompletableFuture;

/**
 * One member of the cluster in its role as a holder of records: this node's own store or a peer
 * behind the replica protocol. Coordinators, hints and repair talk to replicas only through this.
 * Every future completes in bounded time, on whatever thread delivers the answer.
 */
public interface Replica {

    /** The member's URL, as the ring names it. */
    String url();

    /** The replica's record for the key, a tombstone included, or null when it has none. */
    CompletableFuture<Record> read(byte[] key);

    /** Stores the record unless the replica holds a newer one. */
    CompletableFuture<Void> write(byte[] key, Record record);

    /**
     * The replica's records from {@code start} (inclusive) to {@code end} (exclusive; null: to
     * the last key), tombstones included. The cursor may block its reader.
     */
    CompletableFuture<RecordCursor> range(byte[] start, byte[] end);

    /**
     * Whether calls complete on the caller's thread with their work done (this node's disk): a
     * fan-out starts every other call first, so that none waits for the local one.
     */
    boolean isLocal();

    /** Whether the last contact failed: a call now would likely fail too. */
    boolean isDown();
}
