package dht.cli;

import dht.cluster.Ring;
import dht.storage.Store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Real nodes in this JVM on free loopback ports, each with its own data directory. */
final class TestCluster implements AutoCloseable {
    final List<String> urls = new ArrayList<>();
    private final List<NodeConfig> configs = new ArrayList<>();
    private final Node[] nodes;
    private final Path root;
    private final UnaryOperator<Store> storeWrapper;

    TestCluster(int size, List<String> extraFlags, UnaryOperator<Store> storeWrapper) throws Exception {
        this.root = Files.createTempDirectory("dht-test");
        this.storeWrapper = storeWrapper;
        this.nodes = new Node[size];
        for (int port : Ports.free(size)) {
            urls.add("http://127.0.0.1:" + port);
        }
        for (int i = 0; i < size; i++) {
            List<String> args = new ArrayList<>(List.of("--self", urls.get(i), "--cluster", String.join(",", urls),
                    "--data", root.resolve("node" + i).toString(), "--block-cache-mb", "8", "--memtable-mb", "4"));
            args.addAll(extraFlags);
            configs.add(Main.configs(new Flags(args)).get(0));
            start(i);
        }
    }

    TestCluster(int size, String... extraFlags) throws Exception {
        this(size, List.of(extraFlags), UnaryOperator.identity());
    }

    /** Starts node i, again after a stop: it returns once the node has announced itself, so every peer uses it at once. */
    void start(int i) throws UsageException {
        nodes[i] = Node.start(configs.get(i), storeWrapper);
    }

    void stop(int i) {
        nodes[i].close();
        nodes[i] = null;
    }

    /** The index of the node that owns the id, computed the way the nodes do. */
    int ownerOf(String id) {
        Ring ring = new Ring(urls, Ring.DEFAULT_PARTITIONS);
        return urls.indexOf(ring.members().get(ring.owner(id.getBytes(StandardCharsets.UTF_8))));
    }

    /** One series' value in node i's {@code /metrics}, or NaN when it has none. */
    double metric(int node, String series) {
        return metric(urls.get(node), series);
    }

    /** One series' value in the {@code /metrics} of the node at the URL, or NaN when it has none. */
    static double metric(String url, String series) {
        String text = Http.text(Http.get(url + "/metrics"));
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(text);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    String entity(int node, String encodedId) {
        return urls.get(node) + "/v0/entity?id=" + encodedId;
    }

    @Override
    public void close() throws IOException {
        for (int i = 0; i < nodes.length; i++) {
            if (nodes[i] != null) {
                stop(i);
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    /** Polls the condition every 20 ms until it holds or the timeout passes. */
    static boolean eventually(long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
