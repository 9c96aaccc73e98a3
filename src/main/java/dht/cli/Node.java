package dht.cli;

import dht.cluster.ByteBudget;
import dht.cluster.FailureDetector;
import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.PeerClient;
import dht.cluster.PeerLoop;
import dht.cluster.Peers;
import dht.cluster.Threads;
import dht.coordinator.AntiEntropy;
import dht.coordinator.Cleanup;
import dht.coordinator.ClusterView;
import dht.coordinator.Coordinator;
import dht.coordinator.FollowUps;
import dht.coordinator.Handoff;
import dht.coordinator.HandoffSource;
import dht.coordinator.Hints;
import dht.coordinator.HybridClock;
import dht.coordinator.Joiner;
import dht.coordinator.LocalReplica;
import dht.coordinator.Placement;
import dht.coordinator.RemoteReplica;
import dht.coordinator.RepairLedger;
import dht.coordinator.Replica;
import dht.coordinator.SharedRecords;
import dht.coordinator.SpeculativeReads;
import dht.coordinator.TombstonePurge;
import dht.coordinator.TransitionDriver;
import dht.http.BodyBudget;
import dht.http.Connections;
import dht.http.DhtServer;
import dht.http.MembershipEndpoint;
import dht.http.Observability;
import dht.http.RangeStreams;
import dht.http.Tokens;
import dht.http.WorkerPool;
import dht.storage.RocksStore;
import dht.storage.Store;
import dht.storage.WalSync;
import one.nio.http.HttpServerConfig;
import one.nio.server.AcceptorConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * One running node: its store, ring, replicas, failure detector, hints, coordinator and HTTP
 * server, started and stopped together. A start is complete, and {@code /v0/status} answers 200,
 * once the node has announced itself to every member it can reach.
 */
final class Node implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Node.class.getName());
    private static final long TOKEN_CHECK_MILLIS = 1000;
    private static final long SHUTDOWN_STEP_MILLIS = 5000;
    /** How long a starting node waits to learn the newest membership its peers answered with. */
    private static final long CATCH_UP_MILLIS = 10_000;

    private final NodeConfig config;
    private final RocksStore store;
    private final WalSync wal;
    private final Peers peers;
    private final PeerLoop peerLoop;
    private final ClusterView view;
    private final FailureDetector detector;
    private final Hints hints;
    private final FollowUps followUps;
    private final TombstonePurge purge;
    private final AntiEntropy repair;
    private final Handoff handoff;
    private final Cleanup cleanup;
    private final TransitionDriver driver;
    private final Joiner joiner;
    private final DhtServer server;
    private final ScheduledExecutorService tokenWatch =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("tokens watch"));

    private Node(NodeConfig config, RocksStore store, WalSync wal, Peers peers, PeerLoop peerLoop, ClusterView view,
                 FailureDetector detector, Hints hints, FollowUps followUps, TombstonePurge purge, AntiEntropy repair,
                 Handoff handoff, Cleanup cleanup, TransitionDriver driver, Joiner joiner, DhtServer server) {
        this.config = config;
        this.store = store;
        this.wal = wal;
        this.peers = peers;
        this.peerLoop = peerLoop;
        this.view = view;
        this.detector = detector;
        this.hints = hints;
        this.followUps = followUps;
        this.purge = purge;
        this.repair = repair;
        this.handoff = handoff;
        this.cleanup = cleanup;
        this.driver = driver;
        this.joiner = joiner;
        this.server = server;
    }

    static Node start(NodeConfig config) throws UsageException {
        return start(config, UnaryOperator.identity());
    }

    /** Starts a node whose requests reach RocksDB through {@code storeWrapper}: the seam for fault tests. */
    static Node start(NodeConfig config, UnaryOperator<Store> storeWrapper) throws UsageException {
        NodeConfig.Tuning tuning = config.tuning();
        String self = config.self();
        if (!config.cluster().isEmpty() && !config.cluster().contains(self)) {
            throw new UsageException("--self " + self + " is not among the --cluster members " + config.cluster());
        }
        RocksStore store = RocksStore.open(config.store());
        LongSupplier wallMillis = System::currentTimeMillis;
        HybridClock clock = new HybridClock(wallMillis, config.maxClockSkewMillis());
        Store wrapped = storeWrapper.apply(store);
        WalSync wal = new WalSync(wrapped, config.store().sync(), config.store().syncIntervalMillis());
        LocalReplica local = new LocalReplica(self, wrapped, clock, wal);
        PeerLoop peerLoop = new PeerLoop(tuning.bodyMemoryBytes());
        Membership stored = ClusterView.stored(store);
        Peers peers = new Peers(self, stored == null ? 0 : stored.epoch(), config.peers(), peerLoop);
        Membership initial;
        try {
            initial = initialMembership(config, stored, peers);
        } catch (UsageException e) {
            peers.close();
            peerLoop.close();
            wal.close();
            store.close();
            throw e;
        }
        Map<String, Replica> remotes = new ConcurrentHashMap<>();
        Function<String, Replica> replicaOf = url -> url.equals(self) ? local
                : remotes.computeIfAbsent(url, u -> new RemoteReplica(peers.get(u)));
        ClusterView view = new ClusterView(initial, store, tuning.partitions(), replicaOf, url -> peers.get(url).membership());
        peers.epoch(view.epoch());
        FailureDetector detector = new FailureDetector(peers, (url, epoch) -> view.catchUp(url, epoch));
        FollowUps followUps = new FollowUps(tuning.bodyMemoryBytes());
        Hints hints = null;
        TombstonePurge purge = null;
        AntiEntropy repair = null;
        Handoff handoff = null;
        Cleanup cleanup = null;
        TransitionDriver driver = null;
        Joiner joiner = null;
        try {
            hints = new Hints(store, wal, () -> view.placement().peers(), tuning.hintWindowMillis(), tuning.hintMaxBytes(),
                    wallMillis);
            // Room for the largest value's answers from two replicas, so one read at the default
            // quorum always fits; more only while reads of large values are few.
            SpeculativeReads speculative = new SpeculativeReads(tuning.speculativeReadMillis(), System::nanoTime);
            peerLoop.onTick(speculative::sweep);
            Coordinator coordinator = new Coordinator(view, clock, hints, followUps, new ByteBudget(2 * tuning.bodyMemoryBytes()),
                    speculative);
            SharedRecords shared = new SharedRecords(wrapped, view::placement, self, tuning.repairBytesPerSecond());
            RepairLedger ledger = new RepairLedger();
            repair = new AntiEntropy(self, shared, local, () -> repairPeers(view.placement()), () -> view.placement().changing(),
                    clock, ledger, tuning.repairIntervalMillis(), tuning.repairBytesPerSecond(), wallMillis);
            purge = new TombstonePurge(store, local, tuning.tombstoneGraceMillis(), tuning.hintWindowMillis(), repair, wallMillis);
            handoff = new Handoff(self, local, store, (source, change, after) -> peers.get(source).handoff(change, after),
                    clock, tuning.streamBytesPerSecond());
            cleanup = new Cleanup(wrapped, store, local, view, self, tuning.streamBytesPerSecond());
            driver = new TransitionDriver(self, view, handoff, calls(peers), wallMillis);
            joiner = new Joiner(self, view, (coordinatorUrl, url) -> peers.get(coordinatorUrl).change("join", url));
            view.listen(new OnChange(peers, remotes, hints, handoff, cleanup, driver, ledger));
            WorkerPool workers = new WorkerPool("worker", tuning.workers(), tuning.queue(), tuning.queueMillis());
            BodyBudget bodies = new BodyBudget(tuning.bodyMemoryBytes());
            Connections connections = new Connections(tuning.maxConnections(), tuning.bodyMemoryBytes(),
                    tuning.bodyTimeoutMillis(), tuning.writeTimeoutMillis(), tuning.streamIdleMillis());
            RangeStreams streams = new RangeStreams(tuning.streams());
            StatusReport status = new StatusReport(self, view, peers, wrapped, wal, workers, hints, followUps,
                    bodies, connections, streams);
            ClusterReport cluster = new ClusterReport(self, view, driver, handoff, cleanup);
            NodeMetrics metrics = new NodeMetrics(peers.all(), store, wal, workers, hints, followUps, bodies, connections,
                    streams, repair, purge, speculative);
            metrics.membership(view, handoff, cleanup);
            Observability observability = new Observability(status::json, metrics::scrape, metrics.contentType(),
                    metrics.requests(), config.access());
            MembershipEndpoint membership = new MembershipEndpoint(self, view, driver, new HandoffSource(wrapped, view, self),
                    handoff, peers, cluster::json);
            DhtServer server = new DhtServer(serverConfig(config), coordinator, local, shared, repair, membership, detector,
                    config.peers().secret(), clock, workers,
                    tuning.maxValueBytes(), bodies, connections, streams, observability);
            server.start();
            List<PeerClient> everyone = new ArrayList<>();
            for (String url : view.membership().everyone()) {
                if (!url.equals(self)) {
                    everyone.add(peers.get(url));
                }
            }
            int answered = detector.announce(everyone);
            view.awaitCatchUps(CATCH_UP_MILLIS);
            LOG.log(System.Logger.Level.INFO, "{0} announced itself: {1} of {2} peers answered; membership epoch {3}",
                    self, answered, everyone.size(), view.epoch());
            server.ready();
            detector.start();
            hints.start();
            purge.start();
            repair.start();
            handoff.onPlacement(view.placement());
            cleanup.resume();
            driver.resume();
            if (!config.join().isEmpty()) {
                joiner.start();
            }
            Node node = new Node(config, store, wal, peers, peerLoop, view, detector, hints, followUps, purge, repair,
                    handoff, cleanup, driver, joiner, server);
            node.watchTokens();
            return node;
        } catch (IOException e) {
            for (AutoCloseable part : new AutoCloseable[] {joiner, driver, handoff, cleanup, detector, hints, purge, repair}) {
                closeQuietly(part);
            }
            followUps.close();
            peers.close();
            view.close();
            peerLoop.close();
            wal.close();
            store.close();
            String reason = e instanceof BindException ? "port " + config.port() + " is busy or not bindable" : e.toString();
            throw new UsageException("cannot listen on " + bindAddress(config) + ":" + config.port() + ": " + reason);
        }
    }

    /**
     * The membership to start with: the stored one if there is one (it wins over {@code --cluster},
     * with one line said when they differ), else {@code --cluster} as epoch 1, else the one of the
     * first {@code --join} seed that answers.
     */
    private static Membership initialMembership(NodeConfig config, Membership stored, Peers peers) throws UsageException {
        if (stored != null) {
            if (!config.cluster().isEmpty() && !new TreeSet<>(config.cluster()).equals(new TreeSet<>(stored.members()))) {
                System.err.println("dht: " + config.self() + ": the stored membership (epoch " + stored.epoch() + ", "
                        + ClusterView.describe(stored) + ") wins over --cluster " + String.join(",", config.cluster()));
            }
            return stored;
        }
        if (!config.cluster().isEmpty()) {
            return Membership.initial(config.cluster(), config.tuning().replicas());
        }
        StringBuilder failures = new StringBuilder();
        for (String seed : config.join()) {
            try {
                return peers.get(seed).membership().join();
            } catch (RuntimeException e) {
                failures.append("; ").append(seed).append(": ").append(e.getMessage());
            }
        }
        throw new UsageException("cannot join: no seed of --join answered" + failures);
    }

    /** The other members of the members' ring, as anti-entropy passes with them. */
    private static List<AntiEntropy.Peer> repairPeers(Placement placement) {
        List<AntiEntropy.Peer> peers = new ArrayList<>();
        for (Replica replica : placement.peers()) {
            if (placement.ring().members().contains(replica.url())) {
                peers.add(new AntiEntropy.Peer(replica.url(), replica, (RemoteReplica) replica));
            }
        }
        return peers;
    }

    private static TransitionDriver.Calls calls(Peers peers) {
        return new TransitionDriver.Calls() {
            @Override
            public CompletableFuture<Long> ping(String member) {
                return peers.get(member).ping();
            }

            @Override
            public CompletableFuture<Membership> offer(String member, Membership membership) {
                return peers.get(member).offer(membership);
            }

            @Override
            public CompletableFuture<List<HandoffProgress>> progress(String member, long transition) {
                return peers.get(member).handoffProgress(transition);
            }
        };
    }

    /** What a node does as it adopts a membership: its calls carry the new epoch, and a change's parts start or end. */
    private record OnChange(Peers peers, Map<String, Replica> remotes, Hints hints, Handoff handoff, Cleanup cleanup,
                            TransitionDriver driver, RepairLedger ledger) implements ClusterView.Listener {
        @Override
        public void adopted(Placement before, Placement now) {
            peers.epoch(now.epoch());
            handoff.onPlacement(now);
            driver.resume();
            if (before.changing() && !now.changing()) {
                ledger.clear();
                handoff.forget(before.membership());
                hints.retain(now.membership().everyone());
                peers.retain(now.membership().everyone());
                remotes.keySet().retainAll(now.membership().everyone());
                cleanup.schedule();
            }
        }
    }

    private static void closeQuietly(AutoCloseable part) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "stopping a part failed: {0}", e.toString());
        }
    }

    private static HttpServerConfig serverConfig(NodeConfig config) {
        AcceptorConfig acceptor = new AcceptorConfig();
        acceptor.address = bindAddress(config);
        acceptor.port = config.port();
        acceptor.reusePort = false;
        HttpServerConfig server = new HttpServerConfig();
        server.acceptors = new AcceptorConfig[] {acceptor};
        server.selectors = config.tuning().selectors();
        server.closeSessions = true;
        return server;
    }

    /** The node listens on the host of its own URL: the address its peers and clients use. */
    private static String bindAddress(NodeConfig config) {
        return URI.create(config.self()).getHost();
    }

    String url() {
        return config.self();
    }

    /** The clients' tokens, or null when clients are not authenticated. */
    Tokens tokens() {
        return config.access().tokens();
    }

    /** Rotating tokens is editing their file: it is read again within a second of a change. */
    private void watchTokens() {
        Tokens tokens = tokens();
        if (tokens != null) {
            tokenWatch.scheduleWithFixedDelay(tokens::reloadIfChanged, TOKEN_CHECK_MILLIS, TOKEN_CHECK_MILLIS,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void close() {
        try {
            server.drainAndStop(config.tuning().drainMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Threads.stopAndWait(tokenWatch);
        joiner.close();
        driver.close();
        handoff.close();
        cleanup.close();
        repair.close();
        detector.close();
        hints.close();
        // Calls still out fail now, and the writes they carried become hints on the follow-up
        // thread; only then does it close, storing them, so no hint is lost to the stop.
        peers.close();
        peerLoop.awaitTasks(SHUTDOWN_STEP_MILLIS);
        followUps.close();
        purge.close();
        view.close();
        peerLoop.close();
        wal.close();
        store.close();
    }
}
