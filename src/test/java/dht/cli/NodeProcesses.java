package dht.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Nodes as separate processes started from target/dht.jar, the way operators run them, on free
 * loopback ports, each with its own data directory and log (kept across restarts).
 */
final class NodeProcesses implements AutoCloseable {
    private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    private static final String JAR = System.getProperty("dht.jar", "target/dht.jar");

    final List<String> urls = new ArrayList<>();
    private final Path root;
    private final Process[] nodes;
    private final List<Process> launched = new ArrayList<>();
    private final List<String> flags;
    private List<String> cluster;

    /** @param flags more dht flags for every node */
    NodeProcesses(int size, String... flags) throws IOException {
        this.flags = List.of(flags);
        this.root = Files.createTempDirectory("dht-process-test");
        Files.createDirectories(tmp());
        this.nodes = new Process[size];
        for (int port : Ports.free(size)) {
            urls.add("http://127.0.0.1:" + port);
        }
        this.cluster = urls;
    }

    /** The members that {@link #start} names in {@code --cluster}: the first {@code count} URLs. */
    void firstMembers(int count) {
        cluster = urls.subList(0, count);
    }

    /** Runs dht.jar with these arguments, its output in {@code name}.log. */
    Process launch(String name, String heap, List<String> args) {
        List<String> command = new ArrayList<>(List.of(JAVA, heap, "-Djava.io.tmpdir=" + tmp(), "-jar", JAR));
        command.addAll(args);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(root.resolve(name + ".log").toFile()))
                    .start();
            launched.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts node i (again, after a stop) and returns once its {@code /v0/status} answers 200. */
    Process start(int i) throws InterruptedException {
        return start(i, "-Xmx128m");
    }

    Process start(int i, String heap) throws InterruptedException {
        return start(i, heap, "--cluster", String.join(",", cluster));
    }

    /** Starts node i with {@code --join} the given member, as a new node joins a running cluster. */
    Process join(int i, int seed) throws InterruptedException {
        return start(i, "-Xmx128m", "--join", urls.get(seed));
    }

    private Process start(int i, String heap, String membersFlag, String members) throws InterruptedException {
        String self = urls.get(i);
        List<String> args = new ArrayList<>(List.of("--self", self, membersFlag, members,
                "--data", data(i).toString(), "--block-cache-mb", "8", "--memtable-mb", "4"));
        args.addAll(flags);
        nodes[i] = launch("node" + i, heap, args);
        assertTrue(TestCluster.eventually(30_000, () -> isUp(self)), self + " came up");
        return nodes[i];
    }

    /** Starts every node of {@code --cluster}. */
    void startAll() throws InterruptedException {
        for (int i = 0; i < cluster.size(); i++) {
            start(i);
        }
    }

    /** SIGTERM, then waits for the process to end. */
    void stop(int i) throws InterruptedException {
        nodes[i].destroy();
        assertTrue(nodes[i].waitFor(20, TimeUnit.SECONDS), "node " + i + " stopped within 20 s of SIGTERM");
    }

    /** kill -9, then waits for the process to end. */
    void kill(int i) throws InterruptedException {
        nodes[i].destroyForcibly();
        assertTrue(nodes[i].waitFor(10, TimeUnit.SECONDS), "node " + i + " ended after kill -9");
    }

    /** Sends the node a signal by name (STOP freezes it, with its sockets open; CONT thaws it). */
    void signal(int i, String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(nodes[i].pid())).start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + name + " node " + i);
    }

    static boolean isUp(String url) {
        try {
            return Http.get(url + "/v0/status").statusCode() == 200;
        } catch (UncheckedIOException e) {
            return false;
        }
    }

    String output(String name) throws IOException {
        return Files.readString(root.resolve(name + ".log"), StandardCharsets.UTF_8);
    }

    Path root() {
        return root;
    }

    /** The processes' temporary directory: theirs alone, so a test sees what they leave there. */
    Path tmp() {
        return root.resolve("tmp");
    }

    /** Node i's data directory. */
    Path data(int i) {
        return root.resolve("data" + i);
    }

    @Override
    public void close() throws IOException {
        for (Process process : launched) {
            process.destroyForcibly();
        }
        for (Process process : launched) {
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
