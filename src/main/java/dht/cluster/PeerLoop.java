package dht.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;

/**
 * The one thread that does all of a node's peer I/O: an epoll selector over every
 * {@link PeerConnection}. Callers never block on a peer; they hand work to this loop, which
 * batches it: under load, one wake-up writes many queued requests and reads many replies. Every
 * few milliseconds it also fails the calls past their deadline, and runs the ticks it was given,
 * so no call needs a timer. While
 * it sleeps, a caller may write its own request (see {@link PeerConnection}) rather than wake it.
 */
public final class PeerLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PeerLoop.class.getName());
    private static final long TICK_MILLIS = 5;

    // fixed after construction
    private final Selector selector;
    private final Thread thread;
    private final ByteBudget replyBudget;
    private final ByteBudget requestBudget;

    // any thread
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final List<PeerConnection> connections = new CopyOnWriteArrayList<>();
    private final List<LongConsumer> ticks = new CopyOnWriteArrayList<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    private volatile boolean closed;

    /**
     * @param budgetBytes bytes of replies all connections may be reading at once, and likewise
     *     bytes of request bodies that calls hold until their replies come
     */
    public PeerLoop(long budgetBytes) {
        this.replyBudget = new ByteBudget(budgetBytes);
        this.requestBudget = new ByteBudget(budgetBytes);
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.thread = Threads.daemon("peer io").newThread(this::run);
        thread.start();
    }

    /**
     * Runs the task on the loop thread, soon. Wakes the loop only when it sleeps in select and no
     * one has woken it yet: a busy loop finds the task on its next turn, so under load a call
     * costs no wake-up, which is a system call and a lock that the loop's select also takes.
     */
    void execute(Runnable task) {
        tasks.add(task);
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    /**
     * Whether the loop is in (or about to enter) select with nothing to do: a caller may then do
     * its own small write instead of waking the loop for it; the loop will see the reply.
     */
    boolean sleeping() {
        return sleeping.get();
    }

    /** Waits, at most the timeout, until every task handed to the loop before this call has run. */
    public void awaitTasks(long timeoutMillis) {
        CountDownLatch done = new CountDownLatch(1);
        execute(done::countDown);
        try {
            done.await(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What every connection's replies being read are held against. */
    ByteBudget replyBudget() {
        return replyBudget;
    }

    /**
     * What the bodies of calls awaiting their replies are held against: a write answered by a
     * quorum leaves its other replicas' calls holding the value, past the client's own budget.
     */
    ByteBudget requestBudget() {
        return requestBudget;
    }

    /** Watches the connection's deadlines from now on. */
    void add(PeerConnection connection) {
        connections.add(connection);
    }

    /**
     * Runs {@code tick} with {@link System#nanoTime} on the loop thread every few milliseconds
     * from now on. It must be quick and must not block or touch the disk.
     */
    public void onTick(LongConsumer tick) {
        ticks.add(tick);
    }

    /** Registers a channel; call on the loop thread. */
    SelectionKey register(SelectableChannel channel, int ops, PeerConnection connection)
            throws IOException {
        return channel.register(selector, ops, connection);
    }

    private void run() {
        long lastSweep = System.nanoTime();
        while (!closed) {
            try {
                // Announce the sleep before the last look at the tasks: a task added after that
                // look sees the announcement and wakes the loop.
                sleeping.set(true);
                if (tasks.isEmpty()) {
                    selector.select(TICK_MILLIS);
                } else {
                    selector.selectNow();
                }
                sleeping.set(false);
                for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                    task.run();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((PeerConnection) key.attachment()).ready(key);
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                if (now - lastSweep >= TICK_MILLIS * 1_000_000) {
                    lastSweep = now;
                    for (PeerConnection connection : connections) {
                        connection.expire(now);
                    }
                    for (LongConsumer tick : ticks) {
                        tick.accept(now);
                    }
                }
            } catch (IOException | RuntimeException e) {
                // One connection's trouble must not stop the loop that serves every peer.
                LOG.log(System.Logger.Level.WARNING, "peer I/O loop: {0}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(5000);
            selector.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the peer selector: {0}", e.toString());
        }
    }
}
