package dht.storage;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * Which writes may skip reading the stored record: one whose version is larger than every version
 * stored under any key that shares its slot is newer than whatever its key holds, so it is put at
 * once. Slots, rather than one largest version for the whole store, because a replica's writes
 * arrive out of version order across its keys (many calls in flight on several connections); of
 * keys that share a slot, few are written at once.
 *
 * <p>It keeps the largest version stored in each slot since the store opened, and a ceiling above
 * every version the store ever held, saved in the store and raised a minute of versions at a time,
 * so that a reopened store has a bound on what it holds without reading it: after a restart,
 * writes read first for up to a minute. A ceiling is saved, synced, before the record that passes it is
 * written, so no record outlives its ceiling.
 *
 * <p>Guarantees: {@link #isNewest} is true only for a version larger than any its key holds,
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
    private static final int SLOTS = 4096;

    // fixed after construction
    private final LongConsumer save;
    private final long floor; // every version stored before the store opened is at most this

    // any thread
    private final AtomicLongArray stored = new AtomicLongArray(SLOTS); // the largest version stored in each slot since it opened
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

    /** The key's slot, which the other calls take, so that a write hashes its key once. */
    static int slot(byte[] key) {
        return Arrays.hashCode(key) & (SLOTS - 1);
    }

    /** Whether the version is larger than any a key of the slot may hold: its put needs no read. */
    boolean isNewest(int slot, long version) {
        return version > floor && version > stored.get(slot);
    }

    /** Counts the version as stored in the key's slot: call it before the put, holding the key's turn. */
    void beforeStore(int slot, long version) {
        stored.accumulateAndGet(slot, version, Math::max);
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
