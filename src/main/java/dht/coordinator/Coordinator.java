package dht.coordinator;

import dht.cluster.PeerClient;
import dht.cluster.PeerException;
import dht.cluster.Ring;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.StorageException;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves a client's read or write on the replicas of its key.
 *
 * <p>Design. The replicas are the first {@code from} members of the key's preference list. The
 * coordinator stamps a write with its hybrid clock and sends the call to every replica at once:
 * to itself directly, to peers through their {@link PeerClient}. It settles the request as soon
 * as {@link Quorum} decides, either {@code ack} answers or too many failures for that. Whichever
 * thread delivers the deciding reply completes the future, so nothing waits on a peer. Replies
 * that arrive later still do useful work:
 * <ul>
 *   <li>a read compares all answers once they are in, and writes the newest record back to the
 *       replicas that answered with an older one ({@link ReadRepair});</li>
 *   <li>a write that a replica missed becomes a hint for it ({@link Hints}).</li>
 * </ul>
 *
 * <p>Guarantees. A success means {@code ack} replicas stored the write durably, or that the
 * answer is the newest among {@code ack} replicas. With {@code ack + ack > from}, a read's
 * replicas overlap the last successful write's, so it sees that write. Every record a node sees
 * moves its clock past that record's version, so a write that follows another in real time
 * through any coordinator gets a larger version. Every peer call has a deadline, so every
 * request is settled in bounded time.
 *
 * <p>Not guaranteed. Concurrent writes to one key are resolved by last-writer-wins on versions,
 * and the loser is lost. A write that failed its quorum (504) may still have reached some
 * replicas and may later win.
 */
public final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());

    // fixed after construction
    private final Ring ring;
    private final int self;
    private final LocalReplica local;
    private final PeerClient[] peers;
    private final HybridClock clock;
    private final Hints hints;
    private final int replicationFactor;

    /**
     * @param self this node's index in {@code ring.members()}
     * @param peers a client per member index; the entry for {@code self} is null
     * @param replicationFactor the default {@code from}
     */
    public Coordinator(Ring ring, int self, LocalReplica local, PeerClient[] peers, HybridClock clock, Hints hints,
                       int replicationFactor) {
        this.ring = ring;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.clock = clock;
        this.hints = hints;
        this.replicationFactor = replicationFactor;
    }

    /** The replication of a request with these optional parameters; see {@link Replication#of}. */
    public Replication replication(Integer ack, Integer from) {
        return Replication.of(ack, from, replicationFactor, ring.size());
    }

    public CompletableFuture<Outcome> get(byte[] key, Replication replication) {
        int[] replicas = ring.preferenceList(key, replication.from());
        Quorum quorum = new Quorum(replication.ack(), replicas.length);
        Record[] answers = new Record[replicas.length];
        boolean[] answered = new boolean[replicas.length];
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        CompletableFuture<?>[] replies = new CompletableFuture<?>[replicas.length];
        for (int i = 0; i < replicas.length; i++) {
            int n = i;
            replies[i] = read(replicas[i], key).whenComplete((record, failure) -> {
                if (failure == null) {
                    answers[n] = record;
                    answered[n] = true;
                    if (record != null) {
                        clock.observe(record.version());
                    }
                }
                settle(result, quorum.reply(record, unwrap(failure)), newest ->
                        newest == null || newest.tombstone() ? Outcome.NOT_FOUND : new Outcome.Found(newest.value()));
            });
        }
        // Every reply completes by its deadline; then the answers are compared in the background.
        CompletableFuture.allOf(replies).whenComplete((ignored, failure) -> repair(key, replicas, answered, answers));
        return result;
    }

    public CompletableFuture<Outcome> put(byte[] key, byte[] value, Replication replication) {
        return write(key, Record.live(clock.next(), value), replication, Outcome.STORED);
    }

    public CompletableFuture<Outcome> delete(byte[] key, Replication replication) {
        return write(key, Record.tombstone(clock.next()), replication, Outcome.DELETED);
    }

    private CompletableFuture<Outcome> write(byte[] key, Record record, Replication replication, Outcome done) {
        int[] replicas = ring.preferenceList(key, replication.from());
        Quorum quorum = new Quorum(replication.ack(), replicas.length);
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        for (int replica : replicas) {
            write(replica, key, record).whenComplete((ignored, failure) -> {
                if (failure != null && replica != self) {
                    hints.add(replica, key, record);
                }
                settle(result, quorum.reply(null, unwrap(failure)), newest -> done);
            });
        }
        return result;
    }

    /**
     * Every member's records from {@code start} (inclusive) to {@code end} (exclusive; null: to the
     * last key), merged: each key once, with its newest record, tombstones included. Blocks the
     * calling thread while peers stream.
     *
     * <p>A member out of reach is left out as long as the rest still hold every key's last write:
     * a write acknowledged by a quorum of the replication factor is on at least that many
     * members, so fewer than that many unreachable members leave a copy of it among the rest.
     * Writes acknowledged by fewer replicas than the default quorum have no such guarantee.
     *
     * @throws RangeUnavailable when too many members are out of reach
     */
    public RecordCursor range(byte[] start, byte[] end) {
        List<RecordCursor> sources = new ArrayList<>(peers.length);
        int unreachable = 0;
        String cause = null;
        try {
            sources.add(local.range(start, end));
            for (PeerClient peer : peers) {
                if (peer == null) {
                    continue;
                }
                try {
                    sources.add(peer.range(start, end));
                } catch (PeerException e) {
                    unreachable++;
                    cause = e.getMessage();
                }
            }
        } catch (RuntimeException e) {
            new RangeMerge(sources).close();
            throw e;
        }
        int needed = peers.length - Replication.quorum(replicationFactor) + 1;
        if (sources.size() < needed) {
            new RangeMerge(sources).close();
            throw new RangeUnavailable(new Outcome.NotEnoughReplicas(sources.size(), needed,
                    unreachable + " members out of reach: " + cause));
        }
        return new RangeMerge(sources);
    }

    private static void settle(CompletableFuture<Outcome> result, Quorum.Decision decision,
                               Function<Record, Outcome> onSuccess) {
        if (decision != null) {
            result.complete(decision.succeeded() ? onSuccess.apply(decision.newest()) : decision.failure());
        }
    }

    private void repair(byte[] key, int[] replicas, boolean[] answered, Record[] answers) {
        Record newest = ReadRepair.newest(answered, answers);
        for (int i = 0; i < replicas.length; i++) {
            if (ReadRepair.isStale(i, answered, answers, newest)) {
                int replica = replicas[i];
                write(replica, key, newest).whenComplete((ignored, failure) -> {
                    if (failure != null) {
                        LOG.log(System.Logger.Level.DEBUG, "read repair of replica {0} failed: {1}",
                                ring.members().get(replica), unwrap(failure).getMessage());
                    }
                });
            }
        }
    }

    private CompletableFuture<Record> read(int replica, byte[] key) {
        return replica == self ? locally(() -> local.read(key)) : peers[replica].read(key);
    }

    private CompletableFuture<Void> write(int replica, byte[] key, Record record) {
        if (replica != self) {
            return peers[replica].write(key, record);
        }
        return locally(() -> {
            local.write(key, record);
            return null;
        }).thenApply(ignored -> null);
    }

    private static CompletableFuture<Record> locally(Supplier<Record> operation) {
        try {
            return CompletableFuture.completedFuture(operation.get());
        } catch (StorageException e) {
            LOG.log(System.Logger.Level.ERROR, e.getMessage(), e);
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
