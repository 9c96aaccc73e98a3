package dht.cli;

import dht.cluster.PeerClient;
import dht.cluster.PeerLoop;
import dht.cluster.Ring;
import dht.coordinator.Coordinator;
import dht.coordinator.Hints;
import dht.coordinator.HybridClock;
import dht.coordinator.LocalReplica;
import dht.coordinator.TombstonePurge;
import dht.http.BodyBudget;
import dht.http.DhtServer;
import dht.http.Observability;
import dht.http.RangeStreams;
import dht.http.WorkerPool;
import dht.storage.RocksStore;
import dht.storage.Store;
import one.nio.http.HttpServerConfig;
import one.nio.server.AcceptorConfig;

import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.util.function.UnaryOperator;

/** One running node: its store, ring, peer clients, hints, coordinator and HTTP server, started and stopped together. */
final class Node implements AutoCloseable {
    private final NodeConfig config;
    private final RocksStore store;
    private final PeerClient[] peers;
    private final PeerLoop peerLoop;
    private final Hints hints;
    private final TombstonePurge purge;
    private final DhtServer server;

    private Node(NodeConfig config, RocksStore store, PeerClient[] peers, PeerLoop peerLoop, Hints hints,
                 TombstonePurge purge, DhtServer server) {
        this.config = config;
        this.store = store;
        this.peers = peers;
        this.peerLoop = peerLoop;
        this.hints = hints;
        this.purge = purge;
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
        PeerClient[] peers = new PeerClient[ring.size()];
        PeerLoop peerLoop = new PeerLoop();
        Hints hints = null;
        TombstonePurge purge = null;
        try {
            for (int i = 0; i < peers.length; i++) {
                if (i != self) {
                    peers[i] = new PeerClient(ring.members().get(i), config.peers(), peerLoop);
                }
            }
            HybridClock clock = new HybridClock(System::currentTimeMillis);
            LocalReplica local = new LocalReplica(storeWrapper.apply(store), clock);
            hints = new Hints(store, ring.members(), peers, tuning.hintWindowMillis(), tuning.hintMaxBytes(),
                    System::currentTimeMillis);
            Coordinator coordinator = new Coordinator(ring, self, local, peers, clock, hints, tuning.replicas());
            purge = new TombstonePurge(store, local, tuning.tombstoneGraceMillis(), System::currentTimeMillis);
            WorkerPool workers = new WorkerPool(tuning.workers(), tuning.queue(), tuning.queueMillis());
            BodyBudget bodies = new BodyBudget(tuning.bodyMemoryBytes());
            RangeStreams streams = new RangeStreams(tuning.streams());
            StatusReport status = new StatusReport(config.self(), ring, peers, store, workers, hints, bodies, streams);
            NodeMetrics metrics = new NodeMetrics(ring, peers, store, workers, hints, bodies, streams);
            Observability observability = new Observability(status::json, metrics::scrape, metrics.contentType(),
                    metrics.requests(), config.admin());
            DhtServer server = new DhtServer(serverConfig(config), coordinator, local, workers,
                    tuning.maxValueBytes(), bodies, streams, observability);
            server.start();
            hints.start();
            purge.start();
            return new Node(config, store, peers, peerLoop, hints, purge, server);
        } catch (IOException e) {
            if (hints != null) {
                hints.close();
            }
            if (purge != null) {
                purge.close();
            }
            closeAll(peers);
            peerLoop.close();
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

    @Override
    public void close() {
        try {
            server.drainAndStop(config.tuning().drainMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        hints.close();
        purge.close();
        closeAll(peers);
        peerLoop.close();
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
