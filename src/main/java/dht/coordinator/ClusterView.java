package dht.coordinator;

import dht.cluster.Membership;
import dht.cluster.Threads;
import dht.storage.MetaLog;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * This node's membership and the {@link Placement} its requests are routed by.
 *
 * <p>Design. A membership is adopted only if its epoch is newer than the one held, however it
 * arrives: offered by the change's driver, or fetched from a peer whose call carried a newer
 * epoch. Adoptions run one at a time on one thread: the record is stored (synced) first, so a
 * restart never goes back to an older one; then requests are routed by it; then the parts that act
 * on a change are told. When the adopted membership is the first phase of a change, its offer is
 * answered only once every write this node began under the one before has settled, so that when
 * the driver moves on, no node writes only to the old replicas any more.
 */
public final class ClusterView implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterView.class.getName());
    static final String KEY = "membership";
    /** Writes settle within their deadlines; past this a stuck one is not waited for. */
    private static final long MAX_DRAIN_NANOS = TimeUnit.SECONDS.toNanos(30);

    // fixed after construction
    private final MetaLog log;
    private final int partitions;
    private final Function<String, Replica> replicaOf;
    private final Function<String, CompletableFuture<Membership>> fetch;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService adopter = Executors.newSingleThreadExecutor(Threads.daemon("membership"));

    // any thread; written on the adopter thread
    private volatile Placement placement;
    /** The last placement without a change, while a change is under way: its writes must settle before this node takes part. */
    private volatile Placement beforeChange;
    /** Catch-ups under way, by the epoch they fetch, so that many calls with one new epoch cause one fetch. */
    private final Map<Long, CompletableFuture<Void>> catchingUp = new ConcurrentHashMap<>();

    /**
     * @param initial the membership to start with; stored if the log holds none
     * @param replicaOf the replica of each member URL, the same object for the same URL
     * @param fetch a peer's membership, by its URL
     */
    public ClusterView(Membership initial, MetaLog log, int partitions, Function<String, Replica> replicaOf,
                       Function<String, CompletableFuture<Membership>> fetch) {
        this.log = log;
        this.partitions = partitions;
        this.replicaOf = replicaOf;
        this.fetch = fetch;
        if (log.meta(KEY) == null) {
            log.putMeta(KEY, initial.encode());
        }
        this.placement = Placement.of(initial, partitions, null, replicaOf);
    }

    /** The membership this node stored, or null on a new data directory. */
    public static Membership stored(MetaLog log) {
        byte[] bytes = log.meta(KEY);
        return bytes == null ? null : Membership.decode(bytes);
    }

    public Placement placement() {
        return placement;
    }

    public Membership membership() {
        return placement.membership();
    }

    public long epoch() {
        return placement.epoch();
    }

    /** Hears of each membership this node adopts, on the adopting thread, once requests are routed by it. */
    public interface Listener {
        void adopted(Placement before, Placement now);
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    /**
     * The placement a write begins under, counted until {@link #endWrite}: read again after it is
     * counted, so that an adoption that waits for the older placement's writes sees this one.
     */
    Placement beginWrite() {
        while (true) {
            Placement now = placement;
            now.writes.increment();
            if (now == placement) {
                return now;
            }
            now.writes.decrement();
        }
    }

    static void endWrite(Placement placement) {
        placement.writes.decrement();
    }

    /**
     * Adopts the membership if it is newer; completes with the epoch held once it is adopted and,
     * if it begins a change, this node's earlier writes have settled.
     */
    public CompletableFuture<Long> offer(Membership offered) {
        return CompletableFuture.supplyAsync(() -> {
            adopt(offered);
            Placement older = beforeChange;
            if (older != null) {
                awaitWrites(older);
            }
            return epoch();
        }, adopter);
    }

    /**
     * Completes once this node holds {@code epoch} or a newer one, fetching the membership from
     * {@code peerUrl}, which said it holds it. Fails if the fetch does.
     */
    public CompletableFuture<Void> catchUp(String peerUrl, long epoch) {
        if (epoch <= epoch()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> running = catchingUp.get(epoch);
        if (running != null) {
            return running;
        }
        CompletableFuture<Void> started = new CompletableFuture<>();
        running = catchingUp.putIfAbsent(epoch, started);
        if (running != null) {
            return running;
        }
        fetch.apply(peerUrl).thenAcceptAsync(fetched -> adopt(fetched, () -> {
            catchingUp.remove(epoch, started);
            started.complete(null);
        }), adopter).whenComplete((ok, failure) -> {
            if (failure != null) {
                catchingUp.remove(epoch, started);
                started.completeExceptionally(failure);
            }
        });
        return started;
    }

    private void adopt(Membership offered) {
        adopt(offered, () -> { });
    }

    /**
     * Stores the membership and routes requests by it, if it is newer; runs {@code routed} then,
     * before the listeners, so that calls waiting for this epoch wait for nothing else.
     */
    private void adopt(Membership offered, Runnable routed) {
        Placement before = placement;
        if (offered.epoch() <= before.epoch()) {
            routed.run();
            return;
        }
        log.putMeta(KEY, offered.encode());
        Placement now = Placement.of(offered, partitions, before, replicaOf);
        if (!before.changing() && now.changing()) {
            beforeChange = before;
        } else if (!now.changing()) {
            beforeChange = null;
        }
        placement = now;
        routed.run();
        LOG.log(System.Logger.Level.INFO, "membership epoch {0}: {1}", offered.epoch(), describe(offered));
        for (Listener listener : listeners) {
            try {
                listener.adopted(before, now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "acting on membership epoch " + offered.epoch() + " failed", e);
            }
        }
    }

    private static void awaitWrites(Placement before) {
        long deadline = System.nanoTime() + MAX_DRAIN_NANOS;
        while (before.writes.sum() > 0) {
            if (System.nanoTime() > deadline) {
                LOG.log(System.Logger.Level.WARNING, "writes begun before epoch {0} still unsettled after {1} s",
                        before.epoch() + 1, TimeUnit.NANOSECONDS.toSeconds(MAX_DRAIN_NANOS));
                return;
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Waits up to the timeout for the catch-ups under way: a starting node reports ready once it knows the newest epoch it heard of. */
    public void awaitCatchUps(long timeoutMillis) {
        CompletableFuture<?>[] running = catchingUp.values().toArray(new CompletableFuture<?>[0]);
        CompletableFuture.allOf(running).handle((ok, failure) -> null)
                .completeOnTimeout(null, timeoutMillis, TimeUnit.MILLISECONDS).join();
    }

    /** One line for the log: the members, and the change under way. */
    public static String describe(Membership membership) {
        String members = String.join(",", membership.members());
        if (membership.transition() == null) {
            return "members " + members;
        }
        return "members " + members + "; " + membership.transition().kind().label() + " of "
                + membership.transition().subject() + ", " + membership.transition().phase().label();
    }

    @Override
    public void close() {
        Threads.stopAndWait(adopter);
    }
}
