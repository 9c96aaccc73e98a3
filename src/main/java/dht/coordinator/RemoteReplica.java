package dht.coordinator;

import dht.cluster.PeerClient;
import dht.cluster.PeerException;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.concurrent.CompletableFuture;

/** A peer as a {@link Replica}: each call goes through its {@link PeerClient}. */
public final class RemoteReplica implements Replica, RepairSource {
    private final PeerClient peer;

    public RemoteReplica(PeerClient peer) {
        this.peer = peer;
    }

    @Override
    public String url() {
        return peer.url();
    }

    @Override
    public CompletableFuture<Record> read(byte[] key) {
        return peer.read(key);
    }

    @Override
    public CompletableFuture<Void> write(byte[] key, Record record) {
        return peer.write(key, record);
    }

    /** Opens the peer's stream on the calling thread, which its connect and first read block. */
    @Override
    public CompletableFuture<RecordCursor> range(byte[] start, byte[] end) {
        try {
            return CompletableFuture.completedFuture(peer.range(start, end));
        } catch (PeerException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The peer's hashes; {@code member} is this node, whose shared records the peer hashes. */
    @Override
    public long[] hashes(String member, int range) {
        return peer.hashes(range);
    }

    @Override
    public RecordCursor records(String member, LeafSet leaves) {
        return peer.shared(leaves.encode());
    }

    @Override
    public boolean isLocal() {
        return false;
    }

    @Override
    public boolean isDown() {
        return peer.health().isDown();
    }
}
