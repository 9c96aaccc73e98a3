package dht.cluster;

import dht.storage.EntryCodec;
import dht.storage.Record;
import dht.storage.RecordCodec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

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
 * GET  /v0/internal/membership                200 + the node's {@link Membership}
 * PUT  /v0/internal/membership  body=membership  200 + the membership the node holds once it adopted
 *                                             the body's (if newer) and its writes begun before settled
 * POST /v0/internal/change?kind=K&amp;url=URL    202: the join, leave or remove of URL began (the node drives it),
 *                                             or with kind=abort, the change it drives was called off;
 *                                             400: it cannot be; 409: another change is under way, or
 *                                             the node does not coordinate changes; 503: a member is out of reach
 * GET  /v0/internal/handoff?transition=T[&amp;after=K]  200, chunked: an estimate entry, then the records of
 *                                             the arcs the node sends the caller in change T, after key K
 * GET  /v0/internal/handoff-progress?transition=T  200 + the node's handoff streams in change T, a line each
 * any of them                                 500: the replica's storage failed; 503: it is stopping
 * </pre>
 *
 * A record body is the {@link RecordCodec} form, so the version and the tombstone flag travel with
 * the value; a range entry is the {@link EntryCodec} form. Every call names its sender in
 * {@link #SENDER_HEADER}: a node that hears from a peer knows it is up again; and its membership
 * epoch in {@link #EPOCH_HEADER}: a node behind fetches the sender's membership before it answers.
 * A call arriving on these paths is served from the node's own data and never forwarded.
 */
public final class ReplicaProtocol {
    public static final String ENTITY_PATH = "/v0/internal/entity";
    public static final String RANGE_PATH = "/v0/internal/entities";
    public static final String PING_PATH = "/v0/internal/ping";
    public static final String TREE_PATH = "/v0/internal/tree";
    public static final String SHARED_PATH = "/v0/internal/shared";
    public static final String MEMBERSHIP_PATH = "/v0/internal/membership";
    public static final String CHANGE_PATH = "/v0/internal/change";
    public static final String HANDOFF_PATH = "/v0/internal/handoff";
    public static final String PROGRESS_PATH = "/v0/internal/handoff-progress";
    /** The sending node's URL as its peers know it. */
    public static final String SENDER_HEADER = "X-Dht-Sender";
    /** The sending node's membership epoch. */
    public static final String EPOCH_HEADER = "X-Dht-Epoch";

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

    /** The body that answers a ping: the node's epoch, in decimal. */
    public static byte[] epochBody(long epoch) {
        return Long.toString(epoch).getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws PeerException when the body is no epoch */
    static long epoch(byte[] body) {
        try {
            return Long.parseLong(new String(body, StandardCharsets.US_ASCII).strip());
        } catch (NumberFormatException e) {
            throw new PeerException(PeerException.Kind.BAD_REPLY, "an answer without an epoch", e);
        }
    }

    /**
     * A handoff stream's first entry: how many keys it is expected to carry. Its key is empty,
     * which no record's key can be.
     */
    public static Record handoffEstimate(long keys) {
        return Record.live(0, ByteBuffer.allocate(Long.BYTES).putLong(keys).array());
    }

    /** The keys a handoff stream's first entry estimates, or -1 when the entry is a record. */
    public static long handoffEstimate(byte[] key, Record record) {
        if (key.length != 0 || record.tombstone() || record.valueLength() != Long.BYTES) {
            return -1;
        }
        return ByteBuffer.wrap(record.value()).getLong();
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
