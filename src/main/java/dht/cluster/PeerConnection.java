package dht.cluster;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One keep-alive HTTP/1.1 connection to a peer, pipelined: requests go out as soon as they are
 * submitted, many per write, and replies come back in the same order, which is how each is
 * matched to its call. Driven by the {@link PeerLoop}; {@link #submit} and {@link #reset} are the
 * only methods other threads call. A broken connection, or one whose oldest call is past its
 * deadline, fails every call on it and reconnects on the next submission.
 *
 * <p>Who writes. While the loop sleeps, a caller writes its request itself: one system call,
 * where handing it over would cost a wake-up of the loop and a thread switch. While the loop is
 * awake, or another thread is writing, the call joins the queue that the loop writes out, many
 * requests per write. The write side (channel, what is being written) is guarded by a lock that
 * is only ever held for a non-blocking write; the read side belongs to the loop. The loop never
 * waits for a caller's write to flush the queue: it leaves the queue to that caller, who looks at
 * it again as it lets go of the lock.
 *
 * <p>Replies are parsed by a {@link ReplyReader}, for what dht's nodes send.
 */
public final class PeerConnection {
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    /**
     * A request on its way: its head and its body (null: none), the future its reply completes,
     * and its deadline. The body goes out from the caller's own bytes, so a large value is not
     * copied once more for every replica it is sent to.
     */
    public record Call(ByteBuffer head, ByteBuffer body, CompletableFuture<Reply> reply, long deadlineNanos) {
        /** A request whose bytes are all in one buffer. */
        public Call(ByteBuffer request, CompletableFuture<Reply> reply, long deadlineNanos) {
            this(request, null, reply, deadlineNanos);
        }

        private boolean written() {
            return !head.hasRemaining() && (body == null || !body.hasRemaining());
        }
    }

    /**
     * A peer's answer: the status code, the body, the seconds a {@code 503} asks to wait before a
     * retry ({@code Retry-After}; -1 when it says nothing), and the node's membership epoch on a
     * client's connection (-1 when not read or not sent).
     */
    public record Reply(int status, byte[] body, int retryAfterSeconds, long epoch) {
    }

    // fixed after construction
    private final InetSocketAddress address;
    private final PeerLoop loop;
    private final Runnable flush = this::flush;

    // any thread
    private final Queue<Call> submitted = new ConcurrentLinkedQueue<>();
    // calls given to the channel, in the order of their bytes: a reply belongs to the head
    private final Queue<Call> sent = new ConcurrentLinkedQueue<>();
    private final ReentrantLock writeLock = new ReentrantLock();

    // guarded by writeLock (changed only by the loop, so the loop reads them without it)
    private final ArrayDeque<Call> writing = new ArrayDeque<>(); // sent, not yet all written
    private final ByteBuffer[] gather = new ByteBuffer[64];
    private SocketChannel channel;
    private SelectionKey key;

    // loop thread only
    private final ByteBuffer in = ByteBuffer.allocateDirect(READ_BUFFER_BYTES);
    private final ReplyReader replies;

    /** A node's connection to a peer. @param maxReplyBytes the largest reply body the peer may send */
    public PeerConnection(InetSocketAddress address, PeerLoop loop, int maxReplyBytes) {
        this(address, loop, maxReplyBytes, false);
    }

    /** @param epochs whether replies carry the node's membership epoch: a client's connection to a node */
    public PeerConnection(InetSocketAddress address, PeerLoop loop, int maxReplyBytes, boolean epochs) {
        this.address = address;
        this.loop = loop;
        this.replies = new ReplyReader(address.toString(), maxReplyBytes, loop.replyBudget(), epochs);
        loop.add(this);
    }

    public void submit(Call call) {
        if (loop.sleeping() && writeLock.tryLock()) {
            SocketChannel written = null;
            try {
                if (channel != null && channel.isConnected() && writing.isEmpty()) {
                    written = channel;
                    send(call);
                    write();
                    if (writing.isEmpty()) {
                        return; // the reply's arrival wakes the loop
                    }
                }
            } catch (IOException e) {
                SocketChannel broken = written;
                loop.execute(() -> {
                    if (channel == broken) {
                        fail(e);
                    }
                });
                return; // the call was sent: it fails with the connection
            } finally {
                writeLock.unlock();
                if (!submitted.isEmpty()) {
                    loop.execute(flush); // a flush may have found the lock taken and left its calls to us
                }
            }
            if (written != null) {
                loop.execute(flush); // the socket was full: the loop writes the rest when it drains
                return;
            }
        }
        submitted.add(call);
        loop.execute(flush);
    }

    /** Drops the connection and fails its calls, those still queued included. */
    public void reset(String reason) {
        loop.execute(() -> {
            IOException cause = new IOException(reason);
            fail(cause);
            failAll(submitted, cause);
        });
    }

    private void flush() {
        IOException failure;
        if (!writeLock.tryLock()) {
            return; // a caller is writing its own request: it schedules the flush again as it lets go
        }
        try {
            for (Call call = submitted.poll(); call != null; call = submitted.poll()) {
                if (!call.reply().isDone()) { // a call whose deadline passed in the queue is not sent
                    send(call);
                }
            }
            if (writing.isEmpty()) {
                return;
            }
            if (channel == null) {
                connect();
            }
            if (channel.isConnected()) {
                write();
            }
            return;
        } catch (IOException e) {
            failure = e;
        } finally {
            writeLock.unlock();
        }
        fail(failure);
    }

    /** Gives the call to the channel: its bytes go out after those of every call before it. */
    private void send(Call call) {
        sent.add(call);
        writing.add(call);
    }

    private void connect() throws IOException {
        channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        boolean connected = channel.connect(address);
        key = loop.register(channel, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
    }

    /** Called by the loop when the channel is ready. */
    void ready(SelectionKey ready) {
        try {
            if (!ready.isValid()) {
                return;
            }
            if (ready.isConnectable() || ready.isWritable()) {
                writeLock.lock();
                try {
                    if (ready.isConnectable()) {
                        channel.finishConnect();
                    }
                    write();
                } finally {
                    writeLock.unlock();
                }
            }
            if (ready.isReadable()) {
                read();
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
        }
    }

    /** Writes as many queued requests as the socket takes, many per gathering write; holds writeLock. */
    private void write() throws IOException {
        while (!writing.isEmpty()) {
            int count = 0;
            for (Call call : writing) {
                if (count > gather.length - 2) {
                    break;
                }
                gather[count++] = call.head();
                if (call.body() != null) {
                    gather[count++] = call.body();
                }
            }
            channel.write(gather, 0, count);
            boolean full = gather[count - 1].hasRemaining();
            Arrays.fill(gather, 0, count, null);
            while (!writing.isEmpty() && writing.peek().written()) {
                writing.poll();
            }
            if (full) {
                break; // wait for OP_WRITE instead of spinning
            }
        }
        key.interestOps(writing.isEmpty() ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /**
     * Called by the loop every few milliseconds. Calls on a connection complete in order, so when
     * the oldest is overdue, whatever the connection waits for will not come in time: it starts
     * afresh, and every call on it fails. A timer per call would cost more than this check.
     */
    void expire(long now) {
        Call oldest = sent.peek();
        if (oldest == null) {
            oldest = submitted.peek();
        }
        if (oldest == null || now - oldest.deadlineNanos() <= 0) {
            return;
        }
        Exception cause = channel != null && channel.isConnected()
                ? new TimeoutException("peer " + address + " gave no answer in time")
                : new ConnectException("no connection to peer " + address + " in time");
        fail(cause);
        for (Call call = submitted.peek(); call != null && now - call.deadlineNanos() > 0; call = submitted.peek()) {
            submitted.poll().reply().completeExceptionally(cause);
        }
    }

    private void read() throws IOException {
        while (true) {
            int n = channel.read(in);
            if (n < 0) {
                throw new EOFException("peer " + address + " closed the connection");
            }
            // A read that left room emptied the socket: asking again would only return 0.
            boolean drained = in.hasRemaining();
            if (n > 0) {
                in.flip();
                parse();
                in.compact();
            }
            if (drained) {
                return;
            }
        }
    }

    private void parse() throws IOException {
        for (Reply reply = replies.next(in); reply != null; reply = replies.next(in)) {
            Call call = sent.poll();
            if (call == null) {
                throw new IOException("peer " + address + " sent a reply nobody asked for");
            }
            call.reply().complete(reply);
        }
    }

    /**
     * Closes the connection and fails every call written or being written to it. Calls still
     * queued were never on it: the flush each one scheduled sends them on a new connection.
     * Called on the loop thread.
     */
    private void fail(Exception cause) {
        ArrayDeque<Call> failed = new ArrayDeque<>();
        writeLock.lock();
        try {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    cause.addSuppressed(e);
                }
                channel = null;
                key = null;
            }
            writing.clear();
            for (Call call = sent.poll(); call != null; call = sent.poll()) {
                failed.add(call);
            }
        } finally {
            writeLock.unlock();
        }
        in.clear();
        replies.reset();
        failAll(failed, cause); // callbacks may send responses: not under the lock
    }

    private static void failAll(Queue<Call> calls, Exception cause) {
        for (Call call = calls.poll(); call != null; call = calls.poll()) {
            call.reply().completeExceptionally(cause);
        }
    }
}
