package dht.http;

import one.nio.http.HttpException;
import one.nio.http.HttpSession;
import one.nio.http.Request;
import one.nio.http.Response;
import one.nio.net.Socket;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * one-nio's HTTP session with dht's limits on request bodies: larger than the value limit gets
 * 413 before the body is read, and more than the {@link BodyBudget} allows at once gets 503. It
 * also answers {@code Expect: 100-continue}, which curl sends for every body over 1 KiB and would
 * otherwise wait a second for. And it streams: a range answer goes out as chunks, paced by how
 * fast the client's socket drains.
 *
 * <p>Responses the selector makes while it reads a session (replica calls, status) are corked:
 * a peer's pipelined calls arrive many per read, and their answers then leave in one write
 * instead of one system call each.
 */
final class DhtSession extends HttpSession {
    private static final System.Logger LOG = System.getLogger(DhtSession.class.getName());
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CORKED_BYTES = 64 * 1024;

    // fixed after construction
    private final int maxBodyBytes;
    private final BodyBudget budget;
    private final RequestMetrics metrics;

    // guarded by this (one-nio holds the session's monitor while it parses, sends and closes)
    private final Set<Request> reserved = Collections.newSetFromMap(new IdentityHashMap<>());
    private Runnable resumeStream;
    private Operation operation = Operation.OTHER;
    private long startNanos;
    private boolean reading;
    private byte[] corked; // responses made during this read, not yet written
    private int corkedLength;

    // selector thread only: hand-offs made while reading, run once the monitor is released
    private final ArrayDeque<Runnable> handOffs = new ArrayDeque<>();

    DhtSession(Socket socket, DhtServer server, int maxBodyBytes, BodyBudget budget, RequestMetrics metrics) {
        super(socket, server);
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** Starts the clock of the request being handled; its response will be counted under the operation. */
    void begin(Operation operation) {
        this.operation = operation;
        this.startNanos = System.nanoTime();
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
            uncork(); // the answers to earlier requests go first
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

    /**
     * Runs a hand-off to another thread, such as a worker or the peer loop: now, or, when the
     * selector is reading this session, right after it releases the session's monitor. A thread
     * woken under the monitor may take the selector's core and then block on that monitor to
     * send its response, waiting for the very thread it preempted.
     */
    synchronized void handOff(Runnable task) {
        if (reading) {
            handOffs.add(task);
        } else {
            task.run();
        }
    }

    @Override
    public void process(byte[] buffer) throws Exception {
        try {
            super.process(buffer);
        } finally {
            for (Runnable task = handOffs.poll(); task != null; task = handOffs.poll()) {
                task.run();
            }
        }
    }

    @Override
    protected void processRead(byte[] buffer) throws IOException {
        reading = true;
        try {
            super.processRead(buffer);
        } catch (OverBudget e) {
            // The request is half parsed: refuse it and close, as one-nio does for a 413.
            reading = false;
            uncork();
            Response response = Responses.overloaded("too many large request bodies in flight");
            response.addHeader("Connection: close");
            writeResponse(response, true);
            scheduleClose();
        } finally {
            reading = false;
        }
        uncork();
    }

    private void cork(byte[] response) throws IOException {
        if (corked != null && corkedLength + response.length > MAX_CORKED_BYTES) {
            uncork();
        }
        if (corked == null) {
            corked = response; // a lone response is written as it is, without a copy
            corkedLength = response.length;
            return;
        }
        if (corked.length < corkedLength + response.length) {
            corked = Arrays.copyOf(corked, Math.max(2 * corked.length, corkedLength + response.length));
        }
        System.arraycopy(response, 0, corked, corkedLength, response.length);
        corkedLength += response.length;
    }

    /** Writes the corked responses; the array is not reused, since the session may queue it. */
    private void uncork() throws IOException {
        if (corked != null) {
            byte[] bytes = corked;
            corked = null;
            write(bytes, 0, corkedLength);
        }
    }

    @Override
    public synchronized void scheduleClose() {
        try {
            uncork(); // a closing response may still be corked
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} closed: {1}", getRemoteHost(), e.toString());
            close();
            return;
        }
        super.scheduleClose();
    }

    /**
     * Starts a streamed answer to the request being handled: the head goes out now, the body in
     * chunks through {@link #writeStreamed}, and {@link #endStream} completes the request.
     */
    synchronized void startStream(Response head) throws IOException {
        head.addHeader("Transfer-Encoding: chunked");
        if ("close".equalsIgnoreCase(handling.getHeader("Connection:"))) {
            head.addHeader("Connection: close"); // endStream then closes, as sendResponse does
        }
        writeResponse(head, false);
    }

    /**
     * Writes part of a streamed body. True when the socket took all of it; otherwise the data
     * waits in the session's queue and {@code resume} runs once the queue has drained or the
     * session has closed, so a stream never has more than one batch waiting for a slow client.
     */
    synchronized boolean writeStreamed(byte[] data, int length, Runnable resume) throws IOException {
        write(data, 0, length);
        if (queueHead == null) {
            return true;
        }
        resumeStream = resume;
        return false;
    }

    /** Ends the streamed body and moves on to the next pipelined request, as a response would. */
    synchronized void endStream() throws IOException {
        sendResponse(new StreamEnd());
    }

    @Override
    protected void writeResponse(Response response, boolean includeBody) throws IOException {
        if (response instanceof StreamEnd) {
            write(LAST_CHUNK, 0, LAST_CHUNK.length);
        } else if (reading) {
            cork(response.toBytes(includeBody));
        } else {
            super.writeResponse(response, includeBody);
        }
    }

    @Override
    protected void processWrite() throws Exception {
        super.processWrite();
        if (queueHead == null) {
            resumeStream();
        }
    }

    private void resumeStream() {
        Runnable resume = resumeStream;
        if (resume != null) {
            resumeStream = null;
            resume.run();
        }
    }

    @Override
    public void handleException(Throwable e) {
        if (e instanceof IOException) {
            // A client that went away, often in the middle of a stream: routine, not an error.
            LOG.log(System.Logger.Level.DEBUG, "connection from {0} closed: {1}", getRemoteHost(), e.toString());
            close();
        } else {
            super.handleException(e);
        }
    }

    @Override
    public synchronized void sendResponse(Response response) throws IOException {
        Request done = handling;
        if (done != null) {
            metrics.record(operation, response.getStatus(), startNanos);
        }
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
        resumeStream(); // a paused stream learns of the close and releases its cursors
    }

    private void release(Request request) {
        if (request != null && reserved.remove(request)) {
            budget.release(request.getBody().length);
        }
    }

    /** The end of a streamed body: only the last chunk goes out, no status line. */
    private static final class StreamEnd extends Response {
        StreamEnd() {
            super(Response.OK);
        }
    }

    /** Thrown from the parser to abandon a request whose body does not fit the budget. */
    private static final class OverBudget extends RuntimeException {
        OverBudget() {
            super(null, null, false, false);
        }
    }
}
