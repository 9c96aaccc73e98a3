package dht.cluster;

import dht.storage.Record;
import dht.storage.RecordCursor;

import java.io.IOException;
import java.net.SocketTimeoutException;

/**
 * A peer's range as a {@link RecordCursor}: its internal streaming endpoint's answer, one
 * {@link ReplicaProtocol} entry per chunk, read as the caller moves. Blocking and not thread-safe.
 */
public final class PeerStream implements RecordCursor {
    // fixed after construction
    private final String peer;
    private final ChunkedReader reader;

    private byte[] key;
    private Record record;

    PeerStream(String peer, ChunkedReader reader) {
        this.peer = peer;
        this.reader = reader;
    }

    @Override
    public boolean next() {
        byte[] entry;
        try {
            entry = reader.next();
        } catch (IOException e) {
            throw failure(peer, e);
        }
        if (entry == null) {
            return false;
        }
        try {
            key = ReplicaProtocol.entryKey(entry);
            record = ReplicaProtocol.entryRecord(entry);
        } catch (IllegalArgumentException e) {
            throw new PeerException(PeerException.Kind.BAD_REPLY, "peer " + peer + " sent a bad entry: " + e.getMessage(), e);
        }
        return true;
    }

    static PeerException failure(String peer, IOException e) {
        PeerException.Kind kind = e instanceof SocketTimeoutException ? PeerException.Kind.TIMEOUT : PeerException.Kind.UNAVAILABLE;
        return new PeerException(kind, "range stream from peer " + peer + " failed: " + e.getMessage(), e);
    }

    @Override
    public byte[] key() {
        return key;
    }

    @Override
    public Record record() {
        return record;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // the connection is gone either way
        }
    }
}
