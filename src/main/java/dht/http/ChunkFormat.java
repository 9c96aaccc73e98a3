package dht.http;

import dht.cluster.ReplicaProtocol;
import dht.storage.Record;

/** How a range entry becomes the payload of one chunk. */
enum ChunkFormat {
    /** The client's form: the key, a newline, the value (of live records: see {@link dht.storage.LiveCursor}). */
    CLIENT {
        @Override
        int payloadLength(byte[] key, Record record) {
            return key.length + 1 + record.valueLength();
        }

        @Override
        void write(byte[] key, Record record, byte[] out, int offset) {
            System.arraycopy(key, 0, out, offset, key.length);
            out[offset + key.length] = '\n';
            record.copyValue(out, offset + key.length + 1);
        }
    },
    /** A peer's form: the entry with its version, tombstone flag and expiry, for the coordinator's merge. */
    INTERNAL {
        @Override
        int payloadLength(byte[] key, Record record) {
            return ReplicaProtocol.entryLength(key, record);
        }

        @Override
        void write(byte[] key, Record record, byte[] out, int offset) {
            ReplicaProtocol.writeEntry(key, record, out, offset);
        }
    };

    abstract int payloadLength(byte[] key, Record record);

    /** Writes the payload at {@code offset}; {@code out} must have {@link #payloadLength} bytes there. */
    abstract void write(byte[] key, Record record, byte[] out, int offset);
}
