package dht.coordinator;

import dht.storage.Record;

/**
 * Last-writer-wins between replicas' records. The larger version wins; on equal versions (two
 * coordinators stamping the same instant) a tombstone beats a value and then the larger value
 * bytes win, so every node picks the same record.
 */
final class Merge {
    private Merge() {
    }

    /** The newer of two records, where null (no record) loses to any record. */
    static Record newer(Record a, Record b) {
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.compareTo(b) >= 0 ? a : b; // the encodings' byte order is this order (Record)
    }
}
