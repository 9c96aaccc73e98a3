package dht.http;

import dht.cluster.Threads;
import one.nio.http.HttpException;
import one.nio.http.HttpSession;
import one.nio.http.Request;
import one.nio.http.Response;
import one.nio.net.Socket;
import one.nio.util.Utf8;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * one-nio's HTTP session with dht's limits. A request head is read strictly (every line ends in
 * CRLF, at most {@link #MAX_HEADERS} headers in {@link #MAX_HEAD_BYTES}, one Content-Length, no
 * Transfer-Encoding), since a head that two parsers could read differently lets a body smuggle
 * a second request in; whatever breaks a rule is answered and the connection closed. A body is
 * counted against the {@link BodyBudget} from the moment its head arrives, and larger than the
 * value limit gets 413 before it is read. Heads, bodies and unsent answers each have a deadline
 * ({@link #checkStatus}), so no client holds a node's memory by being slow. It also answers
 * {@code Expect: 100-continue}, which curl sends for every body over 1 KiB and would otherwise
 * wait a second for. And it streams: a range answer goes out as chunks, paced by how fast the
 * client's socket drains.
 *
 * <p>Responses the selector makes while it reads a session (replica calls, status) are corked:
 * a peer's pipelined calls arrive many per read, and their answers then leave in one write
 * instead of one system call each.
 *
 * <p>A request may also be answered later than the session moves on ({@link #defer}): a replica
 * write waiting for its WAL sync must not keep the writes pipelined behind it from reaching the
 * WAL, or each connection would carry one write per sync. Answers still leave in request order:
 * one made while earlier ones are owed waits behind them. Pipelined requests are not started
 * while more than {@link #MAX_UNSENT_BYTES} of answers wait for the client to read them.
 */
final class DhtSession extends HttpSession {
    private static final System.Logger LOG = System.getLogger(DhtSession.class.getName());
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_CORKED_BYTES = 64 * 1024;
    private static final String HEADERS_TOO_LARGE = "431 Request Header Fields Too Large";
    /** Answers owed at once on one connection; past it the session waits for each, as one-nio does. */
    static final int MAX_OWED = 256;
    /** Headers of one request; one-nio would drop the rest silently, Content-Length among them. */
    static final int MAX_HEADERS = 100;
    static final int MAX_HEAD_BYTES = 16 * 1024;
    static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
    /** The longest line one-nio carries from one read to the next. */
    private static final int MAX_CARRIED_BYTES = 2048;
    /** Unsent answer bytes past which a connection's further pipelined requests wait. */
    static final int MAX_UNSENT_BYTES = 64 * 1024;

    // fixed after construction
    private final int maxBodyBytes;
    private final BodyBudget budget;
    private final Connections connections;
    private final RequestMetrics metrics;
    private final long[] queueStats = new long[2];

    // guarded by this (one-nio holds the session's monitor while it parses, sends and closes)
    private final Set<Request> reserved = Collections.newSetFromMap(new IdentityHashMap<>());
    private Runnable resumeStream;
    private Operation operation = Operation.OTHER;
    private long startNanos;
    private boolean reading;
    private byte[] corked; // responses made during this read, not yet written
    private int corkedLength;
    private final ArrayDeque<Owed> owed = new ArrayDeque<>(); // answers not yet sent, in request order
    private Request held; // a pipelined request waiting for the client to read earlier answers
    private int headBytes;
    private long headStartMillis; // 0: no request being read
    private long bodyStartMillis; // 0: no body being read
    private long unsentSinceMillis; // when the unsent answers last moved
    private long chargedUnsentBytes; // what this session counts in the node's unsent bytes
    private boolean slotReleased;

    // selector thread only: hand-offs made while reading, run once the monitor is released
    private final ArrayDeque<Runnable> handOffs = new ArrayDeque<>();

    DhtSession(Socket socket, DhtServer server, int maxBodyBytes, BodyBudget budget, Connections connections,
               RequestMetrics metrics) {
        super(socket, server);
        this.maxBodyBytes = maxBodyBytes;
        this.budget = budget;
        this.connections = connections;
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

    /**
     * one-nio's loop over request lines, with dht's rules for heads (see the class comment). A
     * broken rule throws a {@link Refusal}, which {@link #processRead} answers before it closes.
     */
    @Override
    protected int processHttpBuffer(byte[] buffer, int length) throws IOException, HttpException {
        int at = 0;
        if (parsing != null && parsing.getBody() != null) {
            byte[] body = parsing.getBody();
            int take = Math.min(length, body.length - requestBodyOffset);
            System.arraycopy(buffer, 0, body, requestBodyOffset, take);
            requestBodyOffset += take;
            if (requestBodyOffset < body.length) {
                return length;
            }
            if (closing) {
                return take;
            }
            handleParsedRequest();
            at = take;
        }
        while (at < length) {
            if (headStartMillis == 0) {
                headStartMillis = System.currentTimeMillis();
            }
            int lf = indexOf(buffer, at, length, (byte) '\n');
            if (lf < 0) {
                if (length - at > MAX_CARRIED_BYTES) {
                    throw parsing == null ? Refusal.of(Response.REQUEST_URI_TOO_LONG, "request line too long")
                            : Refusal.of(HEADERS_TOO_LARGE, "header line too long");
                }
                return at;
            }
            if (lf == at || buffer[lf - 1] != '\r') {
                throw Refusal.of(Response.BAD_REQUEST, "request and header lines must end with CRLF");
            }
            int lineLength = lf - 1 - at;
            int next = lf + 1;
            if (parsing == null) {
                if (lineLength > 0) { // empty lines before a request line are allowed (RFC 9112 2.2)
                    if (lineLength > MAX_REQUEST_LINE_BYTES) {
                        throw Refusal.of(Response.REQUEST_URI_TOO_LONG, "request line too long");
                    }
                    parsing = parseRequest(buffer, at, lineLength);
                    headBytes = lineLength;
                }
            } else if (lineLength > 0) {
                headBytes += lineLength + 2;
                if (parsing.getHeaderCount() >= MAX_HEADERS || headBytes > MAX_HEAD_BYTES) {
                    throw Refusal.of(HEADERS_TOO_LARGE, "more than " + MAX_HEADERS + " headers or "
                            + MAX_HEAD_BYTES + " bytes of head");
                }
                if (buffer[at] == ' ' || buffer[at] == '\t') {
                    throw Refusal.of(Response.BAD_REQUEST, "obsolete line folding in a header");
                }
                parsing.addHeader(Utf8.read(buffer, at, lineLength));
            } else {
                next += startBody(buffer, next, length - next);
                if (parsing.getBody() != null && requestBodyOffset < parsing.getBody().length) {
                    bodyStartMillis = System.currentTimeMillis();
                    return next;
                }
                if (closing) {
                    return next;
                }
                handleParsedRequest();
            }
            at = next;
        }
        return at;
    }

    /** The head is complete: checks how its body is framed and starts reading it; returns the bytes taken. */
    private int startBody(byte[] buffer, int offset, int remaining) throws IOException, HttpException {
        String contentLength = null;
        for (int i = 0; i < parsing.getHeaderCount(); i++) {
            String header = parsing.getHeaders()[i];
            if (header.regionMatches(true, 0, "Transfer-Encoding:", 0, 18)) {
                throw Refusal.of(Response.LENGTH_REQUIRED, "chunked request bodies are not supported; send Content-Length");
            }
            if (header.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                if (contentLength != null) {
                    throw Refusal.of(Response.BAD_REQUEST, "more than one Content-Length");
                }
                contentLength = header.substring(15).trim();
            }
        }
        return contentLength == null ? 0 : startParsingRequestBody(contentLength, buffer, offset, remaining);
    }

    private static int indexOf(byte[] buffer, int from, int to, byte value) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == value) {
                return i;
            }
        }
        return -1;
    }

    @Override
    protected int startParsingRequestBody(String contentLengthHeader, byte[] buffer, int offset, int remaining)
            throws IOException, HttpException {
        long length = declaredLength(contentLengthHeader);
        boolean counted = length > 0 && length <= maxBodyBytes;
        if (counted && !budget.tryReserve(length)) {
            throw Refusal.overloaded("too many request bodies in flight");
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
            emit(CONTINUE); // after the answers to earlier requests, at the end of this read
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
    protected void handleParsedRequest() throws IOException {
        headStartMillis = 0;
        bodyStartMillis = 0;
        super.handleParsedRequest();
    }

    /**
     * Whether the request must wait before it is handled: true when the client has not read
     * enough of the earlier answers; the session then handles it once they drain.
     */
    synchronized boolean holdWhileBacklogged(Request request) {
        if (chargedUnsentBytes <= MAX_UNSENT_BYTES) {
            return false;
        }
        held = request;
        return true;
    }

    /**
     * The node's deadlines, checked every second by one-nio's cleanup thread: a request's head
     * (from its first byte) and then its body must each arrive within the body timeout, and
     * unsent answers must move within the write timeout (a paused range stream's, the stream idle time). Idle keep-alive connections
     * are kept: {@link Connections} caps how many there are.
     */
    @Override
    public synchronized int checkStatus(long nowMillis, long interval) {
        Connections.Closed reason = null;
        if (bodyStartMillis != 0 && nowMillis - bodyStartMillis > connections.bodyTimeoutMillis()) {
            reason = Connections.Closed.BODY_TIMEOUT;
        } else if (bodyStartMillis == 0 && headStartMillis != 0
                && nowMillis - headStartMillis > connections.bodyTimeoutMillis()) {
            reason = Connections.Closed.HEAD_TIMEOUT;
        } else if (queueHead != null) {
            boolean streaming = resumeStream != null;
            long limit = streaming ? connections.streamIdleMillis() : connections.writeTimeoutMillis();
            if (nowMillis - unsentSinceMillis > limit) {
                reason = streaming ? Connections.Closed.STREAM_IDLE : Connections.Closed.WRITE_TIMEOUT;
            }
        }
        if (reason == null) {
            return ACTIVE;
        }
        connections.closedBecause(reason);
        LOG.log(System.Logger.Level.DEBUG, "closing the connection from {0}: {1}", getRemoteHost(), reason);
        return STALE;
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
        } catch (Refusal e) {
            // The request is half read: answer it and close, as one-nio does for a 413.
            reading = false;
            uncork();
            e.response.addHeader("Connection: close");
            writeResponse(e.response, true);
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
            send(bytes, corkedLength);
        }
    }

    /**
     * Writes to the socket; what it does not take waits in the session's queue and counts towards
     * the node's unsent bytes. Past their bound, this connection is the one closed.
     */
    private void send(byte[] bytes, int length) throws IOException {
        boolean wasEmpty = queueHead == null;
        write(bytes, 0, length);
        if (queueHead != null && wasEmpty) {
            unsentSinceMillis = System.currentTimeMillis();
        }
        recountUnsent();
    }

    /** Brings this session's share of the node's unsent bytes up to date; closes it when they are over their bound. */
    private void recountUnsent() {
        long unsent = 0;
        if (queueHead != null) {
            getQueueStats(queueStats);
            unsent = queueStats[1];
        }
        long delta = unsent - chargedUnsentBytes;
        chargedUnsentBytes = unsent;
        if (delta != 0 && !connections.holdUnsent(delta) && delta > 0) {
            connections.closedBecause(Connections.Closed.UNSENT_LIMIT);
            LOG.log(System.Logger.Level.DEBUG, "closing the connection from {0}: unsent answers over the node's bound",
                    getRemoteHost());
            close();
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
        send(data, length);
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
        if (response instanceof Deferral) {
            return; // its bytes come later, through the Owed slot
        }
        emit(response instanceof StreamEnd ? LAST_CHUNK : response.toBytes(includeBody));
    }

    /** Sends bytes of an answer: behind the answers still owed, corked while reading, else now. */
    private void emit(byte[] bytes) throws IOException {
        if (!owed.isEmpty()) {
            owed.add(new Owed(bytes));
        } else if (reading) {
            cork(bytes);
        } else {
            send(bytes, bytes.length);
        }
    }

    /**
     * Moves on to the next pipelined request before this one is answered; the answer, given to the
     * returned slot from any thread, still goes out in request order. Null when the request's
     * connection closes after its answer, or too many answers are owed already: then the caller
     * answers through {@link #sendResponse} as usual.
     */
    synchronized Owed defer() throws IOException {
        Request request = handling;
        if (request == null || !request.isHttp11() || "close".equalsIgnoreCase(request.getHeader("Connection:"))
                || owed.size() >= MAX_OWED) {
            return null;
        }
        Owed slot = new Owed(operation, startNanos);
        owed.add(slot);
        sendResponse(new Deferral());
        return slot;
    }

    /** Whether answers to earlier requests are still owed; a streamed answer cannot wait behind them. */
    synchronized boolean owesAnswers() {
        return !owed.isEmpty();
    }

    /** Sends the owed answers that are ready, up to the first that is not. */
    private void sendOwed() throws IOException {
        for (Owed head = owed.peek(); head != null && head.bytes != null; head = owed.peek()) {
            owed.poll();
            if (reading) {
                cork(head.bytes);
            } else {
                send(head.bytes, head.bytes.length);
            }
        }
    }

    @Override
    protected void processWrite() throws Exception {
        super.processWrite();
        unsentSinceMillis = System.currentTimeMillis(); // the client took bytes
        recountUnsent();
        if (queueHead == null) {
            resumeStream();
            Request waiting = held;
            if (waiting != null && !closing) {
                held = null;
                server.handleRequest(waiting, this);
            }
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
        Threads.exitOnOutOfMemory(e);
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
        if (done != null && !(response instanceof Deferral)) {
            metrics.record(operation, response.getStatus(), startNanos);
        }
        // Returned before the answer leaves: a client that sends its next body as soon as it reads
        // this answer must find the room this one held (OverloadIT once failed on that race).
        release(done);
        super.sendResponse(response);
    }

    @Override
    public synchronized void close() {
        owed.clear();
        held = null;
        release(parsing);
        for (Request waiting : pipeline) {
            release(waiting);
        }
        super.close();
        recountUnsent();
        if (!slotReleased) {
            slotReleased = true;
            connections.closed();
        }
        resumeStream(); // a paused stream learns of the close and releases its cursors
    }

    private void release(Request request) {
        if (request != null && reserved.remove(request)) {
            budget.release(request.getBody().length);
        }
    }

    /**
     * An answer owed to a request the session has moved past: filled in once, from any thread,
     * and sent when every answer before it has been.
     */
    final class Owed {
        private final Operation operation;
        private final long startNanos;
        // guarded by the session: null until answered
        private byte[] bytes;

        private Owed(Operation operation, long startNanos) {
            this.operation = operation;
            this.startNanos = startNanos;
        }

        /** An answer made while others were owed: ready, but waiting its turn. */
        private Owed(byte[] bytes) {
            this(Operation.OTHER, 0);
            this.bytes = bytes;
        }

        /** Gives the answer; it leaves once those before it have. */
        void answer(Response response) {
            synchronized (DhtSession.this) {
                if (bytes != null) {
                    return;
                }
                metrics.record(operation, response.getStatus(), startNanos);
                response.addHeader("Connection: Keep-Alive");
                bytes = response.toBytes(true);
                try {
                    sendOwed();
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "connection from {0} closed: {1}", getRemoteHost(), e.toString());
                    close();
                }
            }
        }
    }

    /** Stands for an owed answer where one-nio sends a response: nothing is written for it. */
    private static final class Deferral extends Response {
        Deferral() {
            super(Response.OK);
        }
    }

    /** The end of a streamed body: only the last chunk goes out, no status line. */
    private static final class StreamEnd extends Response {
        StreamEnd() {
            super(Response.OK);
        }
    }

    /** Thrown from the parser to refuse a request whose head or body breaks a rule; the connection then closes. */
    private static final class Refusal extends RuntimeException {
        final Response response;

        private Refusal(Response response) {
            super(null, null, false, false);
            this.response = response;
        }

        static Refusal of(String status, String reason) {
            return new Refusal(Responses.text(status, reason));
        }

        static Refusal overloaded(String reason) {
            return new Refusal(Responses.overloaded(reason));
        }
    }
}
