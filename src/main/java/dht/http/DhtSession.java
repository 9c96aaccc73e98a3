package dht.http;

import one.nio.http.HttpException;
import one.nio.http.HttpSession;
import one.nio.net.Socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * one-nio's HTTP session with dht's body limit (larger bodies get 413 before they are read) and
 * support for {@code Expect: 100-continue}, which curl sends for every body over 1 KiB and would
 * otherwise wait a second for.
 */
final class DhtSession extends HttpSession {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final int maxBodyBytes;

    DhtSession(Socket socket, DhtServer server, int maxBodyBytes) {
        super(socket, server);
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    protected int getMaxRequestBodyLength() {
        return maxBodyBytes;
    }

    @Override
    protected int startParsingRequestBody(String contentLengthHeader, byte[] buffer, int offset, int remaining)
            throws IOException, HttpException {
        int consumed = super.startParsingRequestBody(contentLengthHeader, buffer, offset, remaining);
        if (requestBodyOffset < parsing.getBody().length && "100-continue".equalsIgnoreCase(parsing.getHeader("Expect:"))) {
            write(CONTINUE, 0, CONTINUE.length);
        }
        return consumed;
    }
}
