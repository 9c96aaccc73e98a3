package dht.coordinator;

import dht.storage.Record;

/**
 * What a read learns for its repair, one answer at a time: the newest record, and which replicas
 * answered something older. Only the newest record is kept, so a read of a large value holds one
 * copy of it however many replicas answer; every other record is handed back as it is let go,
 * for the caller to return the room it took. Replicas that did not answer are not named; hints
 * and anti-entropy reach them. Answers may arrive from several threads at once.
 */
final class ReadRepair {
    // guarded by this
    private final boolean[] current; // answered the newest record seen so far
    private final boolean[] stale; // answered something older than it
    private Record newest;
    private boolean any;

    ReadRepair(int replicas) {
        this.current = new boolean[replicas];
        this.stale = new boolean[replicas];
    }

    /**
     * Takes replica i's answer (null: it had no record for the key).
     *
     * @return the record this let go of (the answer itself, or the one it superseded), or null
     */
    synchronized Record add(int i, Record record) {
        if (!any) {
            any = true;
            newest = record;
            current[i] = true;
            return null;
        }
        int order = compare(record, newest);
        if (order > 0) {
            for (int j = 0; j < current.length; j++) {
                stale[j] |= current[j];
                current[j] = false;
            }
            Record superseded = newest;
            newest = record;
            current[i] = true;
            return superseded;
        }
        if (order == 0) {
            current[i] = true;
        } else {
            stale[i] = true;
        }
        return record;
    }

    /** The newest record answered, or null when no answer had one (then nothing is stale). */
    synchronized Record newest() {
        return newest;
    }

    /** Whether replica i answered with a record older than {@link #newest}. */
    synchronized boolean isStale(int i) {
        return stale[i];
    }

    private static int compare(Record a, Record b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return a.compareTo(b); // the encodings' byte order is the last-writer-wins order (Record)
    }
}
