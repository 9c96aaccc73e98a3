package dht.storage;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Which writes may skip reading the stored record: one whose version is larger than every version
 * the store ever held is newer than whatever its key holds, so it is put at once.
 *
 * <p>It keeps the largest version stored since the store opened, and a ceiling above every version
 * the store ever held, saved in the store and raised a minute of versions at a time, so that a
 * reopened store has a bound on what it holds without reading it: after a restart, writes read
 * first for up to a minute. A ceiling is saved, synced, before the record that passes it is
 * written, so no record outlives its ceiling.
 *
 * <p>Guarantees: {@link #isNewest} is true only for a version larger than any the store holds,
 * provided {@link #beforeStore} precedes every put and puts of one key never run at once. Not: a
 * store written before ceilings existed holds versions that nothing bounds without a scan, so its
 * writes always read first.
 */
final class VersionCeiling {
    static final String NAME = "version-ceiling";
    // A minute of versions (milliseconds in the high bits): one small synced write a minute under
    // a steady load, and a minute of writes that read first after a restart.
    static final long STEP = 60_000L << 16;
    private static final long UNKNOWN = Long.MAX_VALUE;

    // fixed after construction
    private final LongConsumer save;
    private final long floor; // every version stored before the store opened is at most this

    // any thread
    private final AtomicLong stored = new AtomicLong(-1); // the largest version stored since it opened
    private volatile long saved; // every version ever stored is at most this

    /**
     * @param savedCeiling the ceiling saved by an earlier opening, or null when none was
     * @param empty whether the store holds no record, which a store without a ceiling must, to use one
     * @param save stores a new ceiling durably; returns once it is on the disk
     */
    VersionCeiling(Long savedCeiling, boolean empty, LongConsumer save) {
        this.save = save;
        this.floor = savedCeiling != null ? savedCeiling : empty ? -1 : UNKNOWN;
        this.saved = savedCeiling != null ? savedCeiling : -1;
    }

    /** Whether the version is larger than any the store holds: its put needs no read. */
    boolean isNewest(long version) {
        return version > floor && version > stored.get();
    }

    /** Counts the version as stored: call it before the put, holding the key's turn. */
    void beforeStore(long version) {
        stored.accumulateAndGet(version, Math::max);
        if (version > saved && floor != UNKNOWN) {
            raise(version);
        }
    }

    private synchronized void raise(long version) {
        if (version > saved) {
            long ceiling = version + STEP;
            save.accept(ceiling);
            saved = ceiling;
        }
    }
}
