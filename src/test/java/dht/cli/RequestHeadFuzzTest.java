package dht.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever bytes a client sends, through a real node's request parsing: every answer is a
 * well-formed status line and none is a 500, and the node goes on serving. Inputs under
 * {@code src/test/resources/dht/cli/RequestHeadFuzzTestInputs}; {@code mvn -Pfuzz test} fuzzes.
 */
class RequestHeadFuzzTest {
    private static TestCluster node;

    private static synchronized URI node() throws Exception {
        if (node == null) {
            node = new TestCluster(1, "--body-timeout-ms", "1000");
        }
        return URI.create(node.urls.get(0));
    }

    @AfterAll
    static void stop() throws Exception {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @FuzzTest(maxDuration = "60s")
    void anyBytes_areAnsweredOrRefused_andTheNodeGoesOn(byte[] request) throws Exception {
        URI uri = node();
        String answers = exchange(uri, request);
        for (int at = answers.indexOf("HTTP/1.1 "); at >= 0; at = answers.indexOf("HTTP/1.1 ", at + 1)) {
            String status = answers.substring(at + 9, Math.min(answers.length(), at + 12));
            assertTrue(status.matches("[1-5][0-9][0-9]") || answers.length() < at + 12, answers);
            assertFalse(status.equals("500"), answers);
        }
        assertEquals(200, Http.get(uri + "/v0/status").statusCode(), "the node still serves");
    }

    /** Sends the bytes, ends the request stream, and returns what came back until the node closed or went quiet. */
    private static String exchange(URI uri, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 2000);
            socket.setSoTimeout(2000);
            try {
                socket.getOutputStream().write(request);
                socket.shutdownOutput();
            } catch (IOException closedEarly) {
                return "";
            }
            StringBuilder received = new StringBuilder();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                }
            } catch (SocketTimeoutException | java.net.SocketException quietOrReset) {
                // what came before counts
            }
            return received.toString();
        }
    }
}
