package dht.cluster;

import dht.storage.EntryCodec;
import dht.storage.Record;
import dht.storage.RecordCodec;

import java.nio.ByteBuffer;

/**
 * The replica protocol between nodes, in one place for the calling side ({@link PeerClient}) and
 * the serving side (the node's replica endpoint).
 *
 * <pre>
 * GET  /v0/internal/entity?id=ID              200 + record: the replica's record, a tombstone included
 *                                             404: the replica has no record for the key
 * PUT  /v0/internal/entity?id=ID  body=record 201: stored (or an equal or newer record was kept)
 * GET  /v0/internal/entities?start=S[&end=E]  200, chunked: one entry per chunk, tombstones included
 * GET  /v0/internal/ping                      200: the node serves replica calls
 * GET  /v0/internal/tree?member=URL[&amp;range=R]  200, chunked: one entry whose value holds the hashes of
 *                                             the records the node shares with member URL (the caller):
 *                                             every range's, or range R's leaves' (anti-entropy)
 * GET  /v0/internal/shared?member=URL&amp;leaves=L 200, chunked: the records it shares with member URL in
 *                                             the leaves of the encoded set L, one entry per chunk
 * any of them                                 500: the replica's storage failed; 503: it is stopping
 * </pre>
 *
 * A record body is the {@link RecordCodec} form, so the version and the tombstone flag travel with
 * the value; a range entry is the {@link EntryCodec} form. Every call names its sender in
 * {@link #SENDER_HEADER}: a node that hears from a peer knows it is up again. A call arriving on
 * these paths is served from the node's own data and never forwarded.
 */
public final class ReplicaProtocol {
    public static final String ENTITY_PATH = "/v0/internal/entity";
    public static final String RANGE_PATH = "/v0/internal/entities";
    public static final String PING_PATH = "/v0/internal/ping";
    public static final String TREE_PATH = "/v0/internal/tree";
    public static final String SHARED_PATH = "/v0/internal/shared";
    /** The sending node's URL as its peers know it. */
    public static final String SENDER_HEADER = "X-Dht-Sender";

    public static final int FOUND = 200;
    public static final int STORED = 201;
    public static final int ABSENT = 404;
    public static final int PONG = 200;

    /** The most bytes a record adds to its value on the wire. */
    public static final int RECORD_HEADER_BYTES = RecordCodec.MAX_HEADER_BYTES;

    private ReplicaProtocol() {
    }

    /** The body of a replica write or of a found read: the record's own bytes, not a copy. */
    public static byte[] recordBody(Record record) {
        return RecordCodec.encode(record);
    }

    /**
     * The record in a body.
     *
     * @throws IllegalArgumentException when the body is no valid record
     */
    public static Record record(byte[] body) {
        return RecordCodec.decode(body);
    }

    /** The length of a range entry's payload. */
    public static int entryLength(byte[] key, Record record) {
        return EntryCodec.encodedLength(key, record);
    }

    /** Writes a range entry at {@code offset}; {@code out} must have {@link #entryLength} bytes there. */
    public static void writeEntry(byte[] key, Record record, byte[] out, int offset) {
        EntryCodec.encodeInto(key, record, out, offset);
    }

    /** A tree answer's one entry's record: the hashes, 8 big-endian bytes each, as its value. */
    public static Record hashesRecord(long[] hashes) {
        ByteBuffer bytes = ByteBuffer.allocate(hashes.length * Long.BYTES);
        for (long hash : hashes) {
            bytes.putLong(hash);
        }
        return Record.live(0, bytes.array());
    }

    /** @throws IllegalArgumentException when the record holds no whole number of hashes */
    public static long[] hashes(Record record) {
        byte[] value = record.value();
        if (record.tombstone() || value.length % Long.BYTES != 0) {
            throw new IllegalArgumentException("a tree answer holds hashes of 8 bytes each");
        }
        long[] hashes = new long[value.length / Long.BYTES];
        ByteBuffer.wrap(value).asLongBuffer().get(hashes);
        return hashes;
    }

    /** The key of a range entry. */
    public static byte[] entryKey(byte[] entry) {
        return EntryCodec.key(entry);
    }

    /** The record of a range entry. */
    public static Record entryRecord(byte[] entry) {
        return EntryCodec.record(entry);
    }

    /** The status line one-nio sends for a status code of this protocol. */
    public static String statusLine(int status) {
        return switch (status) {
            case 200 -> "200 OK";
            case 201 -> "201 Created";
            case 404 -> "404 Not Found";
            default -> throw new IllegalArgumentException("not a replica protocol status: " + status);
        };
    }
}
