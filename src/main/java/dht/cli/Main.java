package dht.cli;

import dht.cli.nemesis.Nemesis;
import dht.cluster.ClusterSecret;
import dht.cluster.PeerSettings;
import dht.cluster.Ring;
import dht.cluster.Threads;
import dht.http.AdminAccess;
import dht.http.ClientAccess;
import dht.http.Tokens;
import dht.storage.EntryCodec;
import dht.storage.Keys;
import dht.storage.StorageException;
import dht.storage.StoreSettings;
import dht.storage.WalSync;

import sun.misc.Signal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Starts dht: a local 3-node cluster by default, or one node of a multi-host cluster. */
public final class Main {
    private static final int LOCAL_NODES = 3;
    private static final int MIB = 1 << 20;
    /** Leaves room for a key and a header beside the largest value in one array. */
    private static final int MAX_VALUE_BYTES = Integer.MAX_VALUE - 2 * Keys.MAX_BYTES;

    private Main() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "%1$tF %1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
        Sockets.quietFallback();
        Sockets.placeNativeLibrary(Path.of(System.getProperty("java.io.tmpdir")));
        Threads.exitOnOutOfMemoryAnywhere();
        if (args.length > 0 && args[0].equals("fill")) {
            System.exit(Fill.run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("nemesis")) {
            System.exit(Nemesis.run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("admin")) {
            System.exit(Admin.run(Arrays.asList(args).subList(1, args.length)));
        }
        if (args.length > 0 && args[0].equals("bench")) {
            System.exit(Bench.run(Arrays.asList(args).subList(1, args.length)));
        }
        List<Node> nodes = new ArrayList<>();
        try {
            Flags flags = new Flags(Arrays.asList(args));
            if (flags.has("help")) {
                System.out.print(Flags.help());
                return;
            }
            for (NodeConfig config : configs(flags)) {
                nodes.add(Node.start(config));
            }
        } catch (UsageException | StorageException | IllegalArgumentException e) {
            System.err.println("dht: " + e.getMessage());
            stopAll(nodes);
            System.exit(2);
        }
        reloadTokensOnHangup(nodes);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopAll(nodes);
            stopped.countDown();
        }, "dht shutdown"));
        printWelcome(nodes);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGHUP reads the tokens file again, as daemons reread their configuration (instead of the JVM's default: exit). */
    private static void reloadTokensOnHangup(List<Node> nodes) {
        Tokens tokens = nodes.get(0).tokens();
        if (tokens != null) {
            Signal.handle(new Signal("HUP"), signal -> tokens.reload());
        }
    }

    /** One config per node to run in this JVM. */
    static List<NodeConfig> configs(Flags flags) throws UsageException {
        boolean single = flags.has("self") || flags.has("cluster") || flags.has("join");
        if (single && !(flags.has("self") && flags.has("cluster") != flags.has("join"))) {
            throw new UsageException("--self goes with one of --cluster and --join (see --help)");
        }
        Path data = Path.of(flags.string("data", "data"));
        List<NodeConfig> configs = new ArrayList<>();
        if (single) {
            String self = normalize(flags.string("self", ""));
            List<String> cluster = urls(flags.string("cluster", ""));
            List<String> join = urls(flags.string("join", ""));
            if (flags.has("join") && (join.isEmpty() || join.contains(self))) {
                throw new UsageException("--join takes the URLs of members of the cluster to join, not this node's own");
            }
            List<String> known = new ArrayList<>(cluster);
            known.addAll(join);
            known.add(self);
            int port = flags.integer("port", URI.create(self).getPort(), 1, 65535);
            configs.add(config(flags, port, self, cluster, join, data, secret(flags, known), tokens(flags)));
        } else {
            int base = flags.integer("port", 8080, 1, 65535 - LOCAL_NODES);
            List<String> cluster = new ArrayList<>();
            for (int i = 0; i < LOCAL_NODES; i++) {
                cluster.add("http://localhost:" + (base + i));
            }
            // The nodes of one JVM share a secret no one else has, unless one is given.
            ClusterSecret secret = flags.has("cluster-secret-file") ? secret(flags, cluster)
                    : ClusterSecret.random(maxClockSkewMillis(flags));
            Tokens tokens = tokens(flags);
            for (int i = 0; i < LOCAL_NODES; i++) {
                configs.add(config(flags, base + i, cluster.get(i), cluster, List.of(), data.resolve(Integer.toString(base + i)),
                        secret, tokens));
            }
        }
        return configs;
    }

    private static List<String> urls(String list) throws UsageException {
        List<String> urls = new ArrayList<>();
        for (String url : list.split(",")) {
            if (!url.isBlank()) {
                urls.add(normalize(url.strip()));
            }
        }
        return urls;
    }

    /** The clients' tokens from {@code --tokens-file}, or null when clients are not authenticated. */
    private static Tokens tokens(Flags flags) throws UsageException {
        String file = flags.string("tokens-file", null);
        if (file == null) {
            return null;
        }
        try {
            return Tokens.load(Path.of(file));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static int maxClockSkewMillis(Flags flags) throws UsageException {
        return flags.integer("max-clock-skew-ms", 60_000, 1, 24 * 3600 * 1000);
    }

    /**
     * The secret internal calls are signed with: from {@code --cluster-secret-file}, or none. A
     * cluster whose members are not all on loopback cannot go without one unless the operator
     * says {@code --insecure}: anyone who reaches a port could otherwise write any record.
     */
    static ClusterSecret secret(Flags flags, List<String> cluster) throws UsageException {
        String file = flags.string("cluster-secret-file", null);
        if (file == null) {
            if (!flags.bool("insecure") && !cluster.stream().allMatch(Main::onLoopback)) {
                throw new UsageException("members beyond loopback need a shared secret: make one with "
                        + "'head -c 32 /dev/urandom | base64 > dht.secret', copy it to every node and give "
                        + "--cluster-secret-file dht.secret (or --insecure to go without)");
            }
            return ClusterSecret.NONE;
        }
        byte[] secret;
        try {
            secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip().getBytes(StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot read --cluster-secret-file " + file + ": " + e.getMessage());
        }
        try {
            return ClusterSecret.of(secret, maxClockSkewMillis(flags));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cluster-secret-file " + file + ": " + e.getMessage());
        }
    }

    /** Whether the URL's host is a loopback address, decided without a name lookup. */
    static boolean onLoopback(String url) {
        String host = URI.create(url).getHost();
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(literal).isLoopbackAddress(); // a literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static NodeConfig config(Flags flags, int port, String self, List<String> cluster, List<String> join, Path dir,
                                     ClusterSecret secret, Tokens tokens) throws UsageException {
        int cores = Runtime.getRuntime().availableProcessors();
        // A request crosses a selector, a worker and the peer loop; with more threads than that
        // per pair of cores, they mostly wait for each other to be scheduled. Measured on two
        // cores, 1 selector and 2 workers held higher rates and throughput than 2 and 4
        // (profiling/REPORT.md, change 9).
        int selectors = Math.max(1, cores / 2);
        if (flags.bool("fsync") && flags.has("fsync-interval-ms")) {
            throw new UsageException("--fsync and --fsync-interval-ms are two modes: give one of them");
        }
        WalSync.Mode sync = flags.bool("fsync") ? WalSync.Mode.GROUP
                : flags.has("fsync-interval-ms") ? WalSync.Mode.PERIODIC : WalSync.Mode.NONE;
        StoreSettings store = new StoreSettings(dir,
                (long) flags.integer("block-cache-mb", 32, 1, 1 << 20) * MIB,
                (long) flags.integer("memtable-mb", 16, 1, 1 << 16) * MIB,
                sync, flags.integer("fsync-interval-ms", 1000, 1, 3_600_000));
        int maxValueBytes = flags.integer("max-value-bytes", 16 * MIB, 0, MAX_VALUE_BYTES);
        PeerSettings peers = new PeerSettings(
                flags.integer("peer-connections", 8, 1, 1024),
                flags.integer("connect-timeout-ms", 250, 1, 60_000),
                flags.integer("peer-timeout-ms", 1000, 1, 600_000),
                EntryCodec.maxLength(maxValueBytes),
                secret);
        NodeConfig.Tuning tuning = new NodeConfig.Tuning(
                flags.integer("workers", cores, 1, 4096),
                flags.integer("queue", 1024, 1, 1 << 20),
                flags.integer("queue-ms", 500, 1, 600_000),
                flags.integer("selectors", selectors, 1, 1024),
                flags.integer("partitions", Ring.DEFAULT_PARTITIONS, 1, 1 << 24),
                maxValueBytes,
                flags.integer("drain-ms", 5000, 0, 600_000),
                flags.integer("replicas", Math.max(1, Math.min(cluster.size(), 3)), 1, Math.max(1, cluster.size())),
                flags.integer("hint-window-ms", 3 * 3600 * 1000, 0, Integer.MAX_VALUE),
                (long) flags.integer("hint-max-mb", 256, 0, 1 << 20) * MIB,
                flags.integer("tombstone-grace-ms", 24 * 3600 * 1000, 1, Integer.MAX_VALUE),
                (long) flags.integer("body-memory-mb", (int) (Runtime.getRuntime().maxMemory() / 8 / MIB), 1, 1 << 20) * MIB,
                flags.integer("streams", 8, 1, 1024),
                flags.integer("max-connections", 4096, 1, 1 << 20),
                flags.integer("body-timeout-ms", 10_000, 1, 3_600_000),
                flags.integer("write-timeout-ms", 10_000, 1, 3_600_000),
                flags.integer("stream-idle-ms", 30_000, 1, 3_600_000),
                flags.integer("repair-interval-ms", 3_600_000, 100, Integer.MAX_VALUE),
                (long) flags.integer("repair-mb-per-s", 16, 1, 1 << 20) * MIB,
                (long) flags.integer("stream-mb-per-s", 32, 1, 1 << 20) * MIB,
                flags.integer("speculative-read-ms", 10, 0, 600_000));
        if (tuning.tombstoneGraceMillis() <= tuning.hintWindowMillis()) {
            throw new UsageException("--tombstone-grace-ms must exceed --hint-window-ms, or a late hint could revive a purged delete");
        }
        String token = flags.string("admin-token", null);
        AdminAccess admin = new AdminAccess(flags.bool("admin") || token != null, token);
        return new NodeConfig(port, self, cluster, join, store, peers, tuning, new ClientAccess(admin, tokens),
                maxClockSkewMillis(flags));
    }

    /** A member URL in the one form every node compares: scheme://host:port, no trailing slash. */
    private static String normalize(String url) throws UsageException {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new UsageException("'" + url + "' is not a URL");
        }
        if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 1
                || !(uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw new UsageException("'" + url + "' is not of the form http://host:port");
        }
        return "http://" + uri.getHost() + ":" + uri.getPort();
    }

    private static void stopAll(List<Node> nodes) {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).close();
            // Not through the logger: the JDK resets logging in its own shutdown hook.
            System.err.println("dht: node " + nodes.get(i).url() + " stopped");
        }
    }

    private static void printWelcome(List<Node> nodes) {
        StringBuilder out = new StringBuilder("dht is serving on " + Sockets.describe() + ":\n");
        for (Node node : nodes) {
            out.append("  ").append(node.url()).append('\n');
        }
        String first = nodes.get(0).url();
        out.append("try:\n")
                .append("  curl -X PUT --data-binary 'hello' '").append(first).append("/v0/entity?id=k1'\n")
                .append("  curl '").append(nodes.get(nodes.size() - 1).url()).append("/v0/entity?id=k1'\n")
                .append("  curl '").append(first).append("/v0/status'\n")
                .append("stop with Ctrl-C (SIGTERM drains requests in flight and closes RocksDB)\n");
        System.out.print(out);
    }
}
