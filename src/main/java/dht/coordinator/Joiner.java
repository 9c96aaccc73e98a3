package dht.coordinator;

import dht.cluster.PeerConnection;
import dht.cluster.Threads;
import dht.cluster.Transition;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A node started with {@code --join} asks the coordinator of changes to add it, and asks again
 * each second while the answer is that it cannot be now (another change is under way, a member is
 * out of reach), until the membership names it. A refusal that asking again cannot mend (400)
 * ends the asking, with the reason logged.
 */
public final class Joiner implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Joiner.class.getName());
    private static final long RETRY_MILLIS = 1000;

    private final String self;
    private final ClusterView view;
    private final BiFunction<String, String, CompletableFuture<PeerConnection.Reply>> ask;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("join"));

    /** @param ask sends a join of the URL (second) to the member (first) */
    public Joiner(String self, ClusterView view, BiFunction<String, String, CompletableFuture<PeerConnection.Reply>> ask) {
        this.self = self;
        this.view = view;
        this.ask = ask;
    }

    public void start() {
        thread.execute(this::attempt);
    }

    private void attempt() {
        if (view.membership().contains(self)) {
            return;
        }
        String coordinator = TransitionDriver.coordinator(view.membership(), Transition.Kind.JOIN, self);
        PeerConnection.Reply reply;
        try {
            reply = ask.apply(coordinator, self).join();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot ask {0} to add this node yet: {1}", coordinator, e.getMessage());
            retry();
            return;
        }
        String reason = new String(reply.body(), StandardCharsets.UTF_8).strip();
        switch (reply.status()) {
            case 202 -> LOG.log(System.Logger.Level.INFO, "{0} began adding this node: {1}", coordinator, reason);
            case 400 -> LOG.log(System.Logger.Level.ERROR, "{0} will not add this node: {1}", coordinator, reason);
            default -> {
                LOG.log(System.Logger.Level.INFO, "{0} cannot add this node now ({1}); asking again", coordinator, reason);
                retry();
            }
        }
    }

    private void retry() {
        thread.schedule(this::attempt, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        Threads.stopAndWait(thread);
    }
}
