package dht.http;

import one.nio.http.HttpException;
import one.nio.http.HttpSession;
import one.nio.http.Request;
import one.nio.http.Response;
import one.nio.net.Socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * one-nio's HTTP session with dht's limits on request bodies: larger than the value limit gets
 * 413 before the body is read, and more than the {@link BodyBudget} allows at once gets 503. It
 * also answers {@code Expect: 100-continue}, which curl sends for every body over 1 KiB and would
 * otherwise wait a second for.
 */
final class DhtSession extends HttpSession {
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    // fixed after construction
    private final int maxBodyBytes;
    private final BodyBudget budget;

    // guarded by this (one-nio holds the session's monitor while it parses, sends and closes)
    private final Set<Request> reserved = Collections.newSetFromMap(new IdentityHashMap<>());

    DhtSession(Socket socket, DhtServer server, int maxBodyBytes, BodyBudget budget) {
        super(socket, server);
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
    }

    @Override
    protected int getMaxRequestBodyLength() {
        return maxBodyBytes;
    }

    @Override
    protected int startParsingRequestBody(String contentLengthHeader, byte[] buffer, int offset, int remaining)
            throws IOException, HttpException {
        long length = declaredLength(contentLengthHeader);
        boolean counted = BodyBudget.counts(length) && length <= maxBodyBytes;
        if (counted && !budget.tryReserve(length)) {
            throw new OverBudget();
        }
        int consumed;
        try {
            consumed = super.startParsingRequestBody(contentLengthHeader, buffer, offset, remaining);
        } catch (IOException | HttpException | RuntimeException e) {
            if (counted) {
                budget.release(length);
            }
            throw e;
        }
        if (counted) {
            reserved.add(parsing);
        }
        if (requestBodyOffset < parsing.getBody().length && "100-continue".equalsIgnoreCase(parsing.getHeader("Expect:"))) {
            write(CONTINUE, 0, CONTINUE.length);
        }
        return consumed;
    }

    private static long declaredLength(String header) {
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1; // one-nio refuses it with 400
        }
    }

    @Override
    protected void processRead(byte[] buffer) throws IOException {
        try {
            super.processRead(buffer);
        } catch (OverBudget e) {
            // The request is half parsed: refuse it and close, as one-nio does for a 413.
            Response response = Responses.overloaded("too many large request bodies in flight");
            response.addHeader("Connection: close");
            writeResponse(response, true);
            scheduleClose();
        }
    }

    @Override
    public synchronized void sendResponse(Response response) throws IOException {
        Request done = handling;
        try {
            super.sendResponse(response);
        } finally {
            release(done);
        }
    }

    @Override
    public synchronized void close() {
        release(parsing);
        for (Request waiting : pipeline) {
            release(waiting);
        }
        super.close();
    }

    private void release(Request request) {
        if (request != null && reserved.remove(request)) {
            budget.release(request.getBody().length);
        }
    }

    /** Thrown from the parser to abandon a request whose body does not fit the budget. */
    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }
}
