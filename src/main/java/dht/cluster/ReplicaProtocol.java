package dht.cluster;

import dht.storage.EntryCodec;
import dht.storage.Record;
import dht.storage.RecordCodec;

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
    /** The sending node's URL as its peers know it. */
    public static final String SENDER_HEADER = "X-Dht-Sender";

    public static final int FOUND = 200;
    public static final int STORED = 201;
    public static final int ABSENT = 404;
    public static final int PONG = 200;

    /** The bytes a record adds to its value on the wire. */
    public static final int RECORD_HEADER_BYTES = RecordCodec.HEADER_BYTES;

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
