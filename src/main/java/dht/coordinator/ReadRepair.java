package dht.coordinator;

import dht.storage.Record;

/**
 * Names the replicas a read found stale: those that answered with something older than the
 * newest answer. Replicas that did not answer are not named; hints and later reads reach them.
 */
final class ReadRepair {
    private ReadRepair() {
    }

    /**
     * @param answered which replicas answered
     * @param answers each answering replica's record, null when it had none
     * @return the newest record, or null when no answer had one (then nothing is stale)
     */
    static Record newest(boolean[] answered, Record[] answers) {
        Record newest = null;
        for (int i = 0; i < answers.length; i++) {
            if (answered[i]) {
                newest = Merge.newer(newest, answers[i]);
            }
        }
        return newest;
    }

    /** Whether replica i answered with a record older than {@code newest}. */
    static boolean isStale(int i, boolean[] answered, Record[] answers, Record newest) {
        return newest != null && answered[i] && Merge.newer(answers[i], newest) != answers[i];
    }
}
