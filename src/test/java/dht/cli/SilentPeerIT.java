package dht.cli;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A member that accepts connections and never answers: calls to it end at their deadline, never
 * hang; once marked down it is skipped where the others suffice, and called where they do not.
 */
class SilentPeerIT {

    @Test
    void aPeerThatNeverAnswers_costsItsDeadline_isSkippedWhereNotNeeded_andProbed() throws Exception {
        try (FakePeer silent = new FakePeer(socket -> { })) { // reads nothing, answers nothing
            String self = "http://127.0.0.1:" + Ports.free(1).get(0);
            String mute = silent.url();
            Path data = Files.createTempDirectory("dht-silent");
            NodeConfig config = Main.configs(new Flags(List.of("--self", self, "--cluster", self + "," + mute,
                    "--data", data.toString(), "--peer-timeout-ms", "300"))).get(0);
            try (Node node = Node.start(config)) {
                long started = System.nanoTime();
                assertEquals(504, Http.put(self + "/v0/entity?id=k&ack=2&from=2", "v").statusCode());
                long tookMillis = (System.nanoTime() - started) / 1_000_000;
                assertTrue(tookMillis >= 250 && tookMillis < 2000, "the call waited for its deadline: " + tookMillis + " ms");

                started = System.nanoTime();
                assertEquals(504, Http.put(self + "/v0/entity?id=k2&ack=2&from=2", "v").statusCode());
                assertTrue((System.nanoTime() - started) / 1_000_000 >= 250,
                        "marked down, the peer is still called when the request cannot do without it");
                started = System.nanoTime();
                assertEquals(201, Http.put(self + "/v0/entity?id=k3&ack=1&from=2", "v").statusCode());
                assertEquals(200, Http.get(self + "/v0/entity?id=k3&ack=1&from=2").statusCode());
                assertTrue((System.nanoTime() - started) / 1_000_000 < 250, "requests that do not need it go on");
                assertTrue(Http.text(Http.get(self + "/v0/status")).contains("\"state\":\"down\""));
                Pattern failedProbes = Pattern.compile("\"probes\":\\{\"answered\":0,\"failed\":([1-9][0-9]*)\\}");
                assertTrue(TestCluster.eventually(10_000, () ->
                        failedProbes.matcher(Http.text(Http.get(self + "/v0/status"))).find()), "the down peer is probed");
            } finally {
                try (Stream<Path> files = Files.walk(data)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /**
     * A write answered while its call to a replica is still out, then the coordinator stops: the
     * call fails at the stop, and its hint must still be stored, not dropped because the follow-up
     * executor had closed first.
     */
    @Test
    void aCallStillOutWhenTheCoordinatorStops_becomesAStoredHint() throws Exception {
        try (FakePeer halfMute = new FakePeer(SilentPeerIT::answerPingsOnly)) {
            String self = "http://127.0.0.1:" + Ports.free(1).get(0);
            String mute = halfMute.url();
            Path data = Files.createTempDirectory("dht-silent");
            NodeConfig config = Main.configs(new Flags(List.of("--self", self, "--cluster", self + "," + mute,
                    "--data", data.toString(), "--peer-timeout-ms", "30000"))).get(0);
            try {
                try (Node node = Node.start(config)) {
                    assertEquals(201, Http.put(self + "/v0/entity?id=k&ack=1&from=2", "v").statusCode());
                }
                try (Node node = Node.start(config)) {
                    assertTrue(Http.text(Http.get(self + "/v0/status")).matches("(?s).*\"storedBytes\":[1-9].*"),
                            "the hint for the silent replica survived the stop: " + Http.text(Http.get(self + "/v0/status")));
                }
            } finally {
                try (Stream<Path> files = Files.walk(data)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
        }
    }

    /** A peer that is up (it answers pings) but never answers a replica call. */
    private static void answerPingsOnly(Socket socket) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith("GET /v0/internal/ping")) {
                    socket.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        } catch (IOException e) {
            // the connection closed
        }
    }

    /** A member on a loopback port that hands each accepted connection to {@code handler}, on a thread of its own. */
    private static final class FakePeer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>(); // the acceptor adds while the test reads

        FakePeer(Consumer<Socket> handler) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket socket = server.accept();
                        held.add(socket);
                        Thread connection = new Thread(() -> handler.accept(socket));
                        connection.setDaemon(true);
                        connection.start();
                    }
                } catch (IOException e) {
                    // the socket closed: the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket socket : held) {
                socket.close();
            }
        }
    }
}
