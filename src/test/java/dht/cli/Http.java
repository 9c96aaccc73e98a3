package dht.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain HTTP/1.1 client for tests: what curl would do, with ids percent-encoded by the caller. */
final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();

    private Http() {
    }

    static HttpResponse<byte[]> send(String method, String url, byte[] body) {
        return send(method, url, body, new String[0]);
    }

    /** @param headers names and values, alternating */
    static HttpResponse<byte[]> send(String method, String url, byte[] body, String... headers) {
        HttpRequest.BodyPublisher publisher = body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .method(method, publisher);
        if (headers.length > 0) {
            builder.headers(headers);
        }
        HttpRequest request = builder.build();
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> get(String url) {
        return send("GET", url, null);
    }

    static HttpResponse<byte[]> put(String url, byte[] body) {
        return send("PUT", url, body);
    }

    static HttpResponse<byte[]> put(String url, String body) {
        return put(url, body.getBytes(StandardCharsets.UTF_8));
    }

    static HttpResponse<byte[]> delete(String url) {
        return send("DELETE", url, null);
    }

    static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** Sends raw bytes and returns everything that came back until the server closed. */
    static String rawUntilClosed(URI node, String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 2000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Sends raw bytes and returns what came back once it holds {@code count} answers (see {@link #answers}). */
    static String rawAnswers(URI node, String request, int count) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 2000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[8192];
            while (answers(received.toString()).size() < count) {
                int n = in.read(buffer);
                if (n < 0) {
                    break;
                }
                received.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
            }
            return received.toString();
        }
    }

    /** One answer of a raw exchange: its status code and body, as ISO-8859-1 text. */
    record Answer(String status, String body) {
    }

    /** Splits what a server sent back into its complete answers, each with a Content-Length. */
    static List<Answer> answers(String raw) {
        List<Answer> answers = new ArrayList<>();
        for (int at = raw.indexOf("HTTP/1.1 "); at >= 0; at = raw.indexOf("HTTP/1.1 ", at)) {
            int headEnd = raw.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                break;
            }
            int bodyStart = headEnd + 4;
            String headers = raw.substring(at, bodyStart);
            int length = Integer.parseInt(headers.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
            if (bodyStart + length > raw.length()) {
                break;
            }
            answers.add(new Answer(headers.substring(9, 12), raw.substring(bodyStart, bodyStart + length)));
            at = bodyStart + length;
        }
        return answers;
    }

    /** Sends raw bytes and returns what came back before the server closed or went quiet. */
    static String raw(URI node, String request) throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.getHost(), node.getPort()), 2000);
            socket.setSoTimeout(2000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (java.io.IOException e) {
                return ""; // closed on us mid-request: also a refusal
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[512];
            try {
                int n = in.read(buffer);
                return n < 0 ? "" : new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
            } catch (java.io.IOException e) {
                return "";
            }
        }
    }
}
