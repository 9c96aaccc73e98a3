package dht.coordinator;

import dht.storage.Record;

import java.util.Arrays;

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
        if (a.version() != b.version()) {
            return a.version() > b.version() ? a : b;
        }
        if (a.tombstone() != b.tombstone()) {
            return a.tombstone() ? a : b;
        }
        return Arrays.compareUnsigned(a.value(), b.value()) >= 0 ? a : b;
    }
}
