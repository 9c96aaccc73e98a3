package dht.cli;

import dht.cluster.ByteBudget;
import dht.cluster.FailureDetector;
import dht.cluster.PeerClient;
import dht.cluster.PeerLoop;
import dht.cluster.Ring;
import dht.cluster.Threads;
import dht.coordinator.Coordinator;
import dht.coordinator.FollowUps;
import dht.coordinator.Hints;
import dht.coordinator.HybridClock;
import dht.coordinator.LocalReplica;
import dht.coordinator.RemoteReplica;
import dht.coordinator.Replica;
import dht.coordinator.AntiEntropy;
import dht.coordinator.RepairLedger;
import dht.coordinator.SharedRecords;
import dht.coordinator.TombstonePurge;
import dht.http.BodyBudget;
import dht.http.Connections;
import dht.http.DhtServer;
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
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    private final NodeConfig config;
    private final RocksStore store;
    private final WalSync wal;
    private final PeerClient[] peers;
    private final PeerLoop peerLoop;
    private final FailureDetector detector;
    private final Hints hints;
    private final FollowUps followUps;
    private final TombstonePurge purge;
    private final AntiEntropy repair;
    private final DhtServer server;
    private final ScheduledExecutorService tokenWatch =
            Executors.newSingleThreadScheduledExecutor(Threads.daemon("tokens watch"));

    private Node(NodeConfig config, RocksStore store, WalSync wal, PeerClient[] peers, PeerLoop peerLoop, FailureDetector detector,
                 Hints hints, FollowUps followUps, TombstonePurge purge, AntiEntropy repair, DhtServer server) {
        this.config = config;
        this.store = store;
        this.wal = wal;
        this.peers = peers;
        this.peerLoop = peerLoop;
        this.detector = detector;
        this.hints = hints;
        this.followUps = followUps;
        this.purge = purge;
        this.repair = repair;
        this.server = server;
    }

    static Node start(NodeConfig config) throws UsageException {
        return start(config, UnaryOperator.identity());
    }

    /** Starts a node whose requests reach RocksDB through {@code storeWrapper}: the seam for fault tests. */
    static Node start(NodeConfig config, UnaryOperator<Store> storeWrapper) throws UsageException {
        NodeConfig.Tuning tuning = config.tuning();
        Ring ring = new Ring(config.cluster(), tuning.partitions());
        int self = ring.members().indexOf(config.self());
        if (self < 0) {
            throw new UsageException("--self " + config.self() + " is not among the --cluster members " + ring.members());
        }
        RocksStore store = RocksStore.open(config.store());
        LongSupplier wallMillis = System::currentTimeMillis;
        HybridClock clock = new HybridClock(wallMillis, config.maxClockSkewMillis());
        Store wrapped = storeWrapper.apply(store);
        WalSync wal = new WalSync(wrapped, config.store().sync(), config.store().syncIntervalMillis());
        LocalReplica local = new LocalReplica(config.self(), wrapped, clock, wal);
        PeerClient[] peers = new PeerClient[ring.size()];
        Replica[] members = new Replica[ring.size()];
        List<PeerClient> peerList = new ArrayList<>();
        List<Replica> remotes = new ArrayList<>();
        PeerLoop peerLoop = new PeerLoop(tuning.bodyMemoryBytes());
        for (int i = 0; i < members.length; i++) {
            if (i == self) {
                members[i] = local;
                continue;
            }
            peers[i] = new PeerClient(ring.members().get(i), config.self(), config.peers(), peerLoop);
            peerList.add(peers[i]);
            members[i] = new RemoteReplica(peers[i]);
            remotes.add(members[i]);
        }
        FailureDetector detector = new FailureDetector(peerList);
        FollowUps followUps = new FollowUps();
        Hints hints = null;
        TombstonePurge purge = null;
        AntiEntropy repair = null;
        try {
            hints = new Hints(store, wal, remotes, tuning.hintWindowMillis(), tuning.hintMaxBytes(), wallMillis);
            // Room for the largest value's answers from two replicas, so one read at the default
            // quorum always fits; more only while reads of large values are few.
            Coordinator coordinator = new Coordinator(ring, members, clock, hints, followUps, tuning.replicas(),
                    new ByteBudget(2 * tuning.bodyMemoryBytes()));
            SharedRecords shared = new SharedRecords(wrapped, ring, config.self(), tuning.replicas());
            List<AntiEntropy.Peer> repairPeers = new ArrayList<>();
            for (int i = 0; i < members.length; i++) {
                if (i != self) {
                    repairPeers.add(new AntiEntropy.Peer(members[i].url(), members[i], (RemoteReplica) members[i]));
                }
            }
            repair = new AntiEntropy(config.self(), shared, local, repairPeers, clock, new RepairLedger(),
                    tuning.repairIntervalMillis(), tuning.repairBytesPerSecond(), wallMillis);
            purge = new TombstonePurge(store, local, tuning.tombstoneGraceMillis(), tuning.hintWindowMillis(), repair, wallMillis);
            WorkerPool workers = new WorkerPool(tuning.workers(), tuning.queue(), tuning.queueMillis());
            BodyBudget bodies = new BodyBudget(tuning.bodyMemoryBytes());
            Connections connections = new Connections(tuning.maxConnections(), tuning.bodyMemoryBytes(),
                    tuning.bodyTimeoutMillis(), tuning.writeTimeoutMillis(), tuning.streamIdleMillis());
            RangeStreams streams = new RangeStreams(tuning.streams());
            StatusReport status = new StatusReport(config.self(), ring, tuning.replicas(), peers, store, wal, workers, hints, followUps,
                    bodies, connections, streams);
            NodeMetrics metrics = new NodeMetrics(peerList, store, wal, workers, hints, followUps, bodies, connections,
                    streams, repair, purge);
            Observability observability = new Observability(status::json, metrics::scrape, metrics.contentType(),
                    metrics.requests(), config.access());
            DhtServer server = new DhtServer(serverConfig(config), coordinator, local, shared, repair, detector,
                    config.peers().secret(), clock, workers,
                    tuning.maxValueBytes(), bodies, connections, streams, observability);
            server.start();
            int answered = detector.announce();
            LOG.log(System.Logger.Level.INFO, "{0} announced itself: {1} of {2} peers answered",
                    config.self(), answered, peerList.size());
            server.ready();
            detector.start();
            hints.start();
            purge.start();
            repair.start();
            Node node = new Node(config, store, wal, peers, peerLoop, detector, hints, followUps, purge, repair, server);
            node.watchTokens();
            return node;
        } catch (IOException e) {
            detector.close();
            if (hints != null) {
                hints.close();
            }
            followUps.close();
            if (purge != null) {
                purge.close();
            }
            if (repair != null) {
                repair.close();
            }
            closeAll(peers);
            peerLoop.close();
            wal.close();
            store.close();
            String reason = e instanceof BindException ? "port " + config.port() + " is busy or not bindable" : e.toString();
            throw new UsageException("cannot listen on " + bindAddress(config) + ":" + config.port() + ": " + reason);
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
        repair.close();
        detector.close();
        hints.close();
        // Calls still out fail now, and the writes they carried become hints on the follow-up
        // thread; only then does it close, storing them, so no hint is lost to the stop.
        closeAll(peers);
        peerLoop.awaitTasks(SHUTDOWN_STEP_MILLIS);
        followUps.close();
        purge.close();
        peerLoop.close();
        wal.close();
        store.close();
    }

    private static void closeAll(PeerClient[] peers) {
        for (PeerClient peer : peers) {
            if (peer != null) {
                peer.close();
            }
        }
    }
}
