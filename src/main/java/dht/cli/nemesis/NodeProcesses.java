package dht.cli.nemesis;

import dht.cli.Shell;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's nodes as separate processes that the nemesis kills, stops and restarts: each
 * with its own data directory, kept across restarts, and its own log, appended to.
 */
final class NodeProcesses implements AutoCloseable {
    private static final long UP_TIMEOUT_MILLIS = 60_000;

    private final List<String> urls;
    private final List<List<String>> commands = new ArrayList<>();
    private final Path logs;
    private final Process[] processes;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build();

    /**
     * @param prefixes the command each node's JVM is started under (its namespace), empty on loopback
     * @param flags    the dht flags every node gets beside --self, --cluster and --data
     */
    NodeProcesses(List<String> urls, List<List<String>> prefixes, Path data, Path logs, String heap, List<String> flags) {
        this.urls = List.copyOf(urls);
        this.logs = logs;
        this.processes = new Process[urls.size()];
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < urls.size(); i++) {
            List<String> command = new ArrayList<>(prefixes.get(i));
            command.addAll(List.of(java, "-Xmx" + heap, "-jar", Shell.ownJar(), "--self", urls.get(i),
                    "--cluster", String.join(",", urls), "--data", data.resolve("node" + i).toString()));
            command.addAll(flags);
            commands.add(command);
        }
    }

    List<String> command(int node) {
        return commands.get(node);
    }

    /** Starts the node and returns once it serves. */
    void start(int node) throws IOException, InterruptedException {
        processes[node] = new ProcessBuilder(commands.get(node)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logs.resolve("node" + node + ".log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(UP_TIMEOUT_MILLIS);
        while (!serves(node)) {
            if (!processes[node].isAlive()) {
                throw new IOException("node " + node + " exited with status " + processes[node].exitValue()
                        + "; see " + logs.resolve("node" + node + ".log"));
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("node " + node + " did not serve within " + UP_TIMEOUT_MILLIS / 1000 + " s");
            }
            Thread.sleep(100);
        }
    }

    boolean serves(int node) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(urls.get(node) + "/v0/status"))
                    .timeout(Duration.ofSeconds(2)).build();
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** kill -9, and waits until the process is gone. */
    void kill(int node) throws InterruptedException, IOException {
        processes[node].destroyForcibly();
        awaitExit(node, 10);
    }

    /** SIGTERM, and waits until the node has drained and exited. */
    void term(int node) throws InterruptedException, IOException {
        processes[node].destroy();
        awaitExit(node, 30);
    }

    /** SIGSTOP: the process stays, its sockets open, and answers nothing. */
    void pause(int node) throws IOException {
        Shell.run("kill", "-STOP", Long.toString(processes[node].pid()));
    }

    void resume(int node) throws IOException {
        Shell.run("kill", "-CONT", Long.toString(processes[node].pid()));
    }

    boolean alive(int node) {
        return processes[node] != null && processes[node].isAlive();
    }

    private void awaitExit(int node, int seconds) throws InterruptedException, IOException {
        if (!processes[node].waitFor(seconds, TimeUnit.SECONDS)) {
            throw new IOException("node " + node + " did not exit within " + seconds + " s");
        }
    }

    /** SIGCONT and SIGTERM to every node, then kill -9 to any that has not exited within 30 s. */
    @Override
    public void close() {
        for (int i = 0; i < processes.length; i++) {
            if (alive(i)) {
                Shell.runQuietly("kill", "-CONT", Long.toString(processes[i].pid()));
                processes[i].destroy();
            }
        }
        for (Process process : processes) {
            if (process == null) {
                continue;
            }
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
