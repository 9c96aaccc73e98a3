package dht.coordinator;

import dht.cluster.ByteBudget;
import dht.cluster.PeerException;
import dht.storage.FilteredCursor;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Serves a client's read or write on the replicas of its key.
 *
 * <p>Design. The replicas are the first {@code from} members of the key's preference list, each a
 * {@link Replica}: this node's store or a peer; while the member set changes, the
 * {@link Placement} of the moment says which lists a request uses and how many answers a write
 * needs. The coordinator stamps a write with its hybrid
 * clock and sends the call to every replica at once ({@link FanOut}: peers first, replicas marked
 * down only when needed). A read calls only {@code ack} replicas, this node first, and the
 * others when one fails or when it is still undecided after a delay ({@link SpeculativeReads}).
 * It settles the request as soon as {@link Quorum} decides, either {@code ack} answers or too
 * many failures for that. Whichever thread delivers the deciding reply
 * completes the future, so nothing waits on a peer. Replies that arrive later still do useful
 * work, on the {@link FollowUps} executor, never on the thread that delivered them:
 * <ul>
 *   <li>a read compares the answers of the replicas it called once they are in, and writes the
 *       newest record back to those that answered with an older one ({@link ReadRepair});</li>
 *   <li>a write that a peer missed, or that skipped a peer marked down, becomes a hint for it
 *       ({@link Hints}).</li>
 * </ul>
 *
 * <p>Guarantees. A success means {@code ack} replicas stored the write durably, or that the
 * answer is the newest among {@code ack} replicas. With {@code ack + ack > from}, a read's
 * replicas overlap the last successful write's, so it sees that write. Every record a node sees
 * moves its clock past that record's version, so a write that follows another in real time
 * through any coordinator gets a larger version. Every peer call has a deadline, so every
 * request is settled in bounded time, and a request fails only after every one of its replicas
 * was called.
 *
 * <p>Memory. Large answers (over {@link #SMALL_ANSWER_BYTES}) count against a node-wide budget
 * while a read holds them; one that does not fit counts as a failed reply. Many reads of large
 * values at once then fail some of them (503 or 504) instead of exhausting the heap. A read holds only
 * the newest answer so far ({@link ReadRepair}): the others are let go, and their room returned,
 * as they arrive.
 *
 * <p>Not guaranteed. Concurrent writes to one key are resolved by last-writer-wins on versions,
 * and the loser is lost. A write that failed its quorum (504) may still have reached some
 * replicas and may later win.
 */
public final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());
    /** Answers up to this size are not counted: their number is bounded by the requests in flight. */
    static final int SMALL_ANSWER_BYTES = 64 * 1024;

    // fixed after construction
    private final ClusterView view;
    private final HybridClock clock;
    private final Hints hints;
    private final FollowUps followUps;
    private final ByteBudget answers;
    private final SpeculativeReads speculative;

    /**
     * @param view the membership requests are routed by
     * @param answers what large answers held by reads in flight count against
     * @param speculative when reads call the replicas they held back
     */
    public Coordinator(ClusterView view, HybridClock clock, Hints hints, FollowUps followUps, ByteBudget answers,
                       SpeculativeReads speculative) {
        this.answers = answers;
        this.speculative = speculative;
        this.view = view;
        this.clock = clock;
        this.hints = hints;
        this.followUps = followUps;
    }

    /** The replication of a request with these optional parameters; see {@link Replication#of}. */
    public Replication replication(Integer ack, Integer from) {
        Placement placement = view.placement();
        return Replication.of(ack, from, placement.replicationFactor(), placement.members());
    }

    /**
     * Whether a read or write of the key calls this node's store. One that does not only sends
     * calls to peers, so it may be coordinated on any thread, a selector's included. A change of
     * membership between this answer and the request may make it call the store after all: a
     * RocksDB call of microseconds, as selectors make for peers' calls anyway.
     */
    public boolean callsLocal(byte[] key, Replication replication, boolean write) {
        Placement placement = view.placement();
        for (Replica replica : write ? placement.writeReplicas(key, replication.from())
                : placement.readReplicas(key, replication.from())) {
            if (replica.isLocal()) {
                return true;
            }
        }
        return false;
    }

    public CompletableFuture<Outcome> get(byte[] key, Replication replication) {
        Read read = new Read(key, view.placement().readReplicas(key, replication.from()), replication.ack());
        read.start();
        if (read.holdsSpares()) {
            read.watch();
        }
        return read.result;
    }

    public CompletableFuture<Outcome> put(byte[] key, byte[] value, Replication replication) {
        return write(key, Record.live(clock.next(), value), replication, Outcome.STORED);
    }

    /**
     * A write that reads as absent {@code ttlMillis} after its version's time, on every replica's
     * and coordinator's wall clock (so clocks skewed by S see it expire up to S early or late).
     */
    public CompletableFuture<Outcome> put(byte[] key, byte[] value, long ttlMillis, Replication replication) {
        long version = clock.next();
        Record record = Record.expiring(version, HybridClock.millisOf(version) + ttlMillis, value);
        return write(key, record, replication, Outcome.STORED);
    }

    public CompletableFuture<Outcome> delete(byte[] key, Replication replication) {
        return write(key, Record.tombstone(clock.next()), replication, Outcome.DELETED);
    }

    private CompletableFuture<Outcome> write(byte[] key, Record record, Replication replication, Outcome done) {
        Placement placement = view.beginWrite();
        Replica[] replicas = placement.writeReplicas(key, replication.from());
        int ack = placement.writeAck(replication.ack(), replication.from(), replicas.length);
        Write write = new Write(key, record, replicas, ack, done, placement);
        write.start();
        return write.result;
    }

    /**
     * Every member's records from {@code start} (inclusive) to {@code end} (exclusive; null: to the
     * last key), merged: each key once, with its newest record, tombstones included; from each
     * member only the keys it replicates. A copy on a member that no longer replicates a key (a
     * hint or a read repair that arrived after a membership change's cleanup) is kept current by
     * nothing: it could be older than a delete whose tombstone was purged, and would bring the key
     * back. Blocks the calling thread while peers stream.
     *
     * <p>A member out of reach is left out as long as the rest still hold every key's last write:
     * a write acknowledged by a quorum of the replication factor is on at least that many
     * members, so fewer than that many unreachable members leave a copy of it among the rest.
     * Writes acknowledged by fewer replicas than the default quorum have no such guarantee.
     * Members marked down are left out while the others are enough.
     *
     * @throws RangeUnavailable when too many members are out of reach
     */
    public RecordCursor range(byte[] start, byte[] end) {
        Placement placement = view.placement();
        List<Replica> members = placement.everyone();
        int needed = members.size() - Replication.quorum(placement.replicationFactor()) + 1;
        int up = 0;
        for (Replica member : members) {
            up += member.isDown() ? 0 : 1;
        }
        boolean skipDown = up >= needed;
        List<RecordCursor> sources = new ArrayList<>(members.size());
        int unreachable = 0;
        String cause = null;
        for (Replica member : members) {
            if (skipDown && member.isDown()) {
                unreachable++;
                cause = member.url() + " is marked down";
                continue;
            }
            try {
                sources.add(new FilteredCursor(member.range(start, end).join(), (key, record) -> replicates(placement, member, key)));
            } catch (RuntimeException e) {
                unreachable++;
                cause = FanOut.unwrap(e).getMessage();
            }
        }
        if (sources.size() < needed) {
            new RangeMerge(sources).close();
            throw new RangeUnavailable(new Outcome.NotEnoughReplicas(sources.size(), needed,
                    unreachable + " members out of reach: " + cause));
        }
        return new RangeMerge(sources);
    }

    /** Whether the member is one of the key's replicas, in either ring during a change. */
    private static boolean replicates(Placement placement, Replica member, byte[] key) {
        for (Replica replica : placement.writeReplicas(key, placement.replicationFactor())) {
            if (replica == member) {
                return true;
            }
        }
        return false;
    }

    private static void settle(CompletableFuture<Outcome> result, Quorum.Decision decision,
                               Function<Record, Outcome> onSuccess) {
        if (decision != null) {
            result.complete(decision.succeeded() ? onSuccess.apply(decision.newest()) : decision.failure());
        }
    }

    /** A read: the newest answer settles it; stale answers are repaired once every reply is in. */
    private final class Read extends FanOut {
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private final byte[] key;
        private final ReadRepair repair;
        private final AtomicLong heldBytes = new AtomicLong(); // of the node's answer budget
        private volatile SpeculativeReads.Due due;

        Read(byte[] key, Replica[] replicas, int ack) {
            super(replicas, ack, speculative.enabled());
            this.key = key;
            this.repair = new ReadRepair(replicas.length);
        }

        /**
         * Starts the delay after which the spares are called. Either this sees the read ended, or
         * ended() sees the entry: both sides write, then read the other's field.
         */
        void watch() {
            SpeculativeReads.Due entry = speculative.watch(this);
            due = entry;
            if (finished()) {
                entry.clear();
            }
        }

        @Override
        CompletableFuture<?> call(Replica replica) {
            return replica.read(key);
        }

        /**
         * A record stamped too far ahead of this node's clock is refused, not merged: it would win
         * for ever. A large one that the node has no room to hold is refused too.
         */
        @Override
        Throwable refusal(Object value) {
            Record record = (Record) value;
            if (record == null) {
                return null;
            }
            if (!clock.admits(record.version())) {
                return new PeerException(PeerException.Kind.BAD_REPLY, "a replica answered a version "
                        + clock.millisAhead(record.version()) + " ms ahead of this node's clock", null);
            }
            int size = record.valueLength();
            if (size > SMALL_ANSWER_BYTES) {
                if (!Coordinator.this.answers.tryReserve(size)) {
                    return new PeerException(PeerException.Kind.NO_ROOM,
                            "no room to hold another answer of " + size + " bytes; too many large reads in flight", null);
                }
                heldBytes.addAndGet(size);
            }
            return null;
        }

        @Override
        void replied(int i, Object value, Throwable failure, Quorum.Decision decision) {
            if (failure == null) {
                Record record = (Record) value;
                if (record != null) {
                    clock.observe(record.version());
                }
                Record dropped = repair.add(i, record);
                if (dropped != null && dropped.valueLength() > SMALL_ANSWER_BYTES) {
                    Coordinator.this.answers.release(dropped.valueLength());
                    heldBytes.addAndGet(-dropped.valueLength());
                }
            }
            settle(result, decision, newest -> newest == null || !newest.liveAt(clock.wallMillis())
                    ? Outcome.NOT_FOUND : new Outcome.Found(newest));
        }

        @Override
        void ended(boolean[] skipped) {
            SpeculativeReads.Due entry = due;
            if (entry != null) {
                entry.clear();
            }
            Coordinator.this.answers.release(heldBytes.get());
            Record newest = repair.newest();
            for (int i = 0; i < replicas.length; i++) {
                if (repair.isStale(i)) {
                    Replica stale = replicas[i];
                    followUps.run(FollowUps.Kind.REPAIR, newest.valueLength(), () -> stale.write(key, newest).whenComplete((ignored, failure) -> {
                        if (failure != null) {
                            LOG.log(System.Logger.Level.DEBUG, "read repair of replica {0} failed: {1}",
                                    stale.url(), FanOut.unwrap(failure).getMessage());
                        }
                    }));
                }
            }
        }
    }

    /** A write: {@code ack} stores settle it; every peer that missed it gets a hint. */
    private final class Write extends FanOut {
        final CompletableFuture<Outcome> result = new CompletableFuture<>();
        private final byte[] key;
        private final Record record;
        private final Outcome done;
        private final Placement placement;

        Write(byte[] key, Record record, Replica[] replicas, int ack, Outcome done, Placement placement) {
            super(replicas, ack, false);
            this.key = key;
            this.record = record;
            this.done = done;
            this.placement = placement;
        }

        @Override
        CompletableFuture<?> call(Replica replica) {
            return replica.write(key, record);
        }

        @Override
        void replied(int i, Object value, Throwable failure, Quorum.Decision decision) {
            if (failure != null) {
                hint(replicas[i]);
            }
            if (decision != null) {
                settle(result, decision, newest -> done);
                ClusterView.endWrite(placement);
            }
        }

        @Override
        void ended(boolean[] skipped) {
            for (int i = 0; i < replicas.length; i++) {
                if (skipped[i]) {
                    hint(replicas[i]);
                }
            }
        }

        /** The hints live on this node's disk: one for its own store would fail with it. */
        private void hint(Replica missed) {
            if (!missed.isLocal()) {
                followUps.run(FollowUps.Kind.HINT, record.valueLength(), () -> hints.add(missed, key, record));
            }
        }
    }
}
