package dht.cli;

import dht.cluster.ChunkedReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads range answers chunk by chunk, as a client that cares where one entry ends must. */
final class Ranges {
    private static final int MAX_CHUNK_BYTES = 64 << 20;

    private Ranges() {
    }

    static ChunkedReader open(String url) throws IOException {
        URI uri = URI.create(url);
        return ChunkedReader.open(new InetSocketAddress(uri.getHost(), uri.getPort()), uri.getRawPath() + "?" + uri.getRawQuery(), "",
                2000, 10_000, MAX_CHUNK_BYTES);
    }

    /** Every entry of a complete 200 answer, each as its chunk's text: the key, a newline, the value. */
    static List<String> entries(String url) {
        List<String> entries = new ArrayList<>();
        try (ChunkedReader reader = open(url)) {
            for (byte[] chunk = reader.next(); chunk != null; chunk = reader.next()) {
                entries.add(new String(chunk, StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }
}
