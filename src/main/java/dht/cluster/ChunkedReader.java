package dht.cluster;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * One HTTP/1.1 GET whose 200 answer has a chunked body, read one chunk at a time as the caller
 * asks. Reading only on demand is the back-pressure: while the caller is busy, the socket fills
 * and the server stops sending. Blocking and not thread-safe; it owns its connection.
 */
public final class ChunkedReader implements Closeable {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final int MAX_LINE_BYTES = 8 * 1024;

    // fixed after construction
    private final Closeable connection;
    private final InputStream in;
    private final int maxChunkBytes;

    private boolean ended;

    /** Reads an answer from {@code in}, its head included; {@code connection} is closed with the reader. */
    ChunkedReader(Closeable connection, InputStream in, int maxChunkBytes) {
        this.connection = connection;
        this.in = new BufferedInputStream(in, BUFFER_BYTES);
        this.maxChunkBytes = maxChunkBytes;
    }

    /**
     * Sends the request and reads the answer's head.
     *
     * @param headers more header lines, each ending in CRLF
     * @param readTimeoutMillis the longest wait for any read, the head's included
     * @throws Refused when the server answers with another status
     * @throws IOException when the server cannot be reached or sends no chunked body
     */
    public static ChunkedReader open(InetSocketAddress address, String uri, String headers, int connectTimeoutMillis,
                                     int readTimeoutMillis, int maxChunkBytes) throws IOException {
        Socket socket = new Socket();
        try {
            socket.connect(address, connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\n" + headers + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            ChunkedReader reader = new ChunkedReader(socket, socket.getInputStream(), maxChunkBytes);
            reader.readHead();
            return reader;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Reads the answer's head: a 200 with a chunked body, or {@link Refused}. */
    void readHead() throws IOException {
        String status = readLine();
        if (!status.startsWith("HTTP/1.1 200 ")) {
            throw new Refused("answered " + status);
        }
        boolean chunked = false;
        for (String header = readLine(); !header.isEmpty(); header = readLine()) {
            chunked |= header.equalsIgnoreCase("Transfer-Encoding: chunked");
        }
        if (!chunked) {
            throw new IOException("answered 200 without a chunked body");
        }
    }

    /**
     * The next chunk's bytes, or null after the last chunk.
     *
     * @throws EOFException when the body broke off before its last chunk: the answer is incomplete
     */
    public byte[] next() throws IOException {
        if (ended) {
            return null;
        }
        int length = chunkLength(readLine());
        if (length == 0) {
            while (!readLine().isEmpty()) {
                // trailers: none are sent, and none matter
            }
            ended = true;
            return null;
        }
        byte[] chunk = in.readNBytes(length);
        if (chunk.length < length || in.read() != '\r' || in.read() != '\n') {
            throw new EOFException("the body broke off inside a chunk");
        }
        return chunk;
    }

    private int chunkLength(String line) throws IOException {
        int extension = line.indexOf(';');
        String hex = (extension < 0 ? line : line.substring(0, extension)).strip();
        try {
            int length = Integer.parseInt(hex, 16);
            if (length < 0 || length > maxChunkBytes) {
                throw new IOException("chunk of " + length + " bytes is larger than " + maxChunkBytes);
            }
            return length;
        } catch (NumberFormatException e) {
            throw new IOException("bad chunk size line '" + line + "'");
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder(32);
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new EOFException("the body broke off before its last chunk");
            }
            if (line.length() == MAX_LINE_BYTES) {
                throw new IOException("line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.append((char) b);
        }
        int end = line.length();
        return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }

    /** The server answered, but not with 200: it is up, and refused this request. */
    public static final class Refused extends IOException {
        Refused(String message) {
            super(message);
        }
    }
}
