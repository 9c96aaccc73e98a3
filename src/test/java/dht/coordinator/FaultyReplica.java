package dht.coordinator;

import dht.cluster.PeerException;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A replica in front of a real one that fails, drops or holds calls, and can be marked down: the
 * network's faults for socket-free tests. It stands for a peer unless built with {@link #local}.
 */
final class FaultyReplica implements Replica {
    enum Mode {
        /** Calls reach the real replica. */
        HEALTHY,
        /** Calls fail at once, as with a refused connection. */
        FAIL,
        /** Calls are lost and fail as their deadline would: not applied. */
        DROP,
        /** Calls wait, unanswered, until {@link #release()} hands them to the real replica. */
        HANG
    }

    private final Replica real;
    private final boolean local;
    private final List<String> callLog;
    private final Queue<Runnable> held = new ConcurrentLinkedQueue<>();
    private volatile Mode mode = Mode.HEALTHY;
    private volatile boolean down;
    private final AtomicInteger calls = new AtomicInteger();

    private FaultyReplica(Replica real, boolean local, List<String> callLog) {
        this.real = real;
        this.local = local;
        this.callLog = callLog;
    }

    /** A peer; every call's replica URL is appended to {@code callLog}, in call order. */
    static FaultyReplica peer(Replica real, List<String> callLog) {
        return new FaultyReplica(real, false, callLog);
    }

    static FaultyReplica local(Replica real, List<String> callLog) {
        return new FaultyReplica(real, true, callLog);
    }

    void set(Mode mode) {
        this.mode = mode;
    }

    void markDown(boolean down) {
        this.down = down;
    }

    int calls() {
        return calls.get();
    }

    /** Answers every held call now, late, from the real replica. */
    void release() {
        for (Runnable call = held.poll(); call != null; call = held.poll()) {
            call.run();
        }
    }

    @Override
    public String url() {
        return real.url();
    }

    @Override
    public CompletableFuture<Record> read(byte[] key) {
        return call(() -> real.read(key));
    }

    @Override
    public CompletableFuture<Void> write(byte[] key, Record record) {
        return call(() -> real.write(key, record));
    }

    @Override
    public CompletableFuture<RecordCursor> range(byte[] start, byte[] end) {
        return call(() -> real.range(start, end));
    }

    private <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> operation) {
        calls.incrementAndGet();
        synchronized (callLog) {
            callLog.add(url());
        }
        return switch (mode) {
            case HEALTHY -> operation.get();
            case FAIL -> CompletableFuture.failedFuture(
                    new PeerException(PeerException.Kind.UNAVAILABLE, url() + " refused the connection", null));
            case DROP -> CompletableFuture.failedFuture(
                    new PeerException(PeerException.Kind.TIMEOUT, url() + " gave no answer in time", null));
            case HANG -> {
                CompletableFuture<T> later = new CompletableFuture<>();
                held.add(() -> operation.get().whenComplete((value, failure) -> {
                    if (failure != null) {
                        later.completeExceptionally(failure);
                    } else {
                        later.complete(value);
                    }
                }));
                yield later;
            }
        };
    }

    @Override
    public boolean isLocal() {
        return local;
    }

    @Override
    public boolean isDown() {
        return down;
    }
}
