package dht.coordinator;

import dht.cluster.PeerClient;
import dht.cluster.Ring;
import dht.storage.Record;
import dht.storage.StorageException;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * Serves a client's read or write on the replicas of its key.
 *
 * <p>Design. The replicas are the key's preference list on the ring, {@code from} long. The
 * coordinator stamps writes with its hybrid clock, sends the call to every replica at once (to
 * itself directly, to peers through their {@link PeerClient}), and settles the request as soon as
 * {@link Quorum} decides: {@code ack} answers, or too many failures for that. Whichever thread
 * delivers the deciding reply completes the future; nothing waits on a peer, and late replies are
 * ignored. Reads return the newest record among the answers (see {@link Merge}).
 *
 * <p>Guarantees. A success means {@code ack} replicas stored the write durably, or that the
 * answer is the newest among {@code ack} replicas. Every peer call has a deadline, so every
 * request is settled in bounded time.
 *
 * <p>Not here (yet): read repair of stale replicas and hints for replicas that missed a write.
 */
public final class Coordinator {
    private static final System.Logger LOG = System.getLogger(Coordinator.class.getName());

    // fixed after construction
    private final Ring ring;
    private final int self;
    private final LocalReplica local;
    private final PeerClient[] peers;
    private final HybridClock clock;

    /**
     * @param self this node's index in {@code ring.members()}
     * @param peers a client per member index; the entry for {@code self} is unused
     */
    public Coordinator(Ring ring, int self, LocalReplica local, PeerClient[] peers, HybridClock clock) {
        this.ring = ring;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.clock = clock;
    }

    public CompletableFuture<Outcome> get(byte[] key, Replication replication) {
        return fanOut(key, replication,
                replica -> replica == self ? locally(() -> local.read(key)) : peers[replica].read(key),
                newest -> newest == null || newest.tombstone() ? Outcome.NOT_FOUND : new Outcome.Found(newest.value()));
    }

    public CompletableFuture<Outcome> put(byte[] key, byte[] value, Replication replication) {
        return write(key, Record.live(clock.next(), value), replication, Outcome.STORED);
    }

    public CompletableFuture<Outcome> delete(byte[] key, Replication replication) {
        return write(key, Record.tombstone(clock.next()), replication, Outcome.DELETED);
    }

    private CompletableFuture<Outcome> write(byte[] key, Record record, Replication replication, Outcome done) {
        return fanOut(key, replication,
                replica -> replica == self
                        ? locally(() -> {
                            local.write(key, record);
                            return null;
                        })
                        : peers[replica].write(key, record).thenApply(ignored -> null),
                ignored -> done);
    }

    private CompletableFuture<Outcome> fanOut(byte[] key, Replication replication,
                                              IntFunction<CompletableFuture<Record>> call,
                                              Function<Record, Outcome> onSuccess) {
        int[] replicas = ring.preferenceList(key, replication.from());
        Quorum quorum = new Quorum(replication.ack(), replicas.length);
        CompletableFuture<Outcome> result = new CompletableFuture<>();
        for (int replica : replicas) {
            call.apply(replica).whenComplete((record, failure) -> {
                Quorum.Decision decision = quorum.reply(record, unwrap(failure));
                if (decision != null) {
                    result.complete(decision.succeeded() ? onSuccess.apply(decision.newest()) : decision.failure());
                }
            });
        }
        return result;
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
