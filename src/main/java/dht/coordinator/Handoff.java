package dht.coordinator;

import dht.cluster.HandoffPlan;
import dht.cluster.HandoffProgress;
import dht.cluster.Membership;
import dht.cluster.ReplicaProtocol;
import dht.cluster.Threads;
import dht.cluster.Transition;
import dht.storage.MetaLog;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The receiving side of a membership change: this node pulls, from each member the
 * {@link HandoffPlan} names, the records of the arcs it is about to replicate.
 *
 * <p>Design. Streams run one after another on one thread, from the moment this node adopts the
 * change's {@link Transition.Phase#STREAMING} phase. Each record is stored through the local
 * replica like any replica write, newest-wins, so the writes that reach this node meanwhile
 * (every write goes to both rings) and a record received twice are harmless. Progress (the last
 * key stored and the counts) is saved in the meta log every {@link #SAVE_EVERY} records, after the
 * writes before it are durable; a restarted node resumes each stream after its saved key, so at
 * most the records since the last save travel again. The flow is throttled to
 * {@code --stream-mb-per-s}; back-pressure is TCP's, since the source writes only as fast as this
 * node reads. A stream that fails is resumed the same way a second later, for as long as the
 * change lasts.
 */
public final class Handoff implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Handoff.class.getName());
    static final int SAVE_EVERY = 1000;
    private static final long RETRY_MILLIS = 1000;

    /** Opens a source's stream: the seam between the handoff and the peer transport. */
    public interface Sources {
        /**
         * The records the member sends this node in the change, after {@code after} (null: all),
         * led by an estimate entry.
         */
        RecordCursor open(String source, long transition, byte[] after);
    }

    // fixed after construction
    private final String self;
    private final LocalReplica local;
    private final MetaLog log;
    private final Sources sources;
    private final HybridClock clock;
    private final long bytesPerSecond;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(Threads.daemon("handoff"));

    // any thread; written by the handoff thread but for wanted
    private volatile long pulling = -1;
    /** The change whose streams the newest placement asks for, or -1: a change called off stops its streams. */
    private volatile long wanted = -1;
    private volatile List<Stream> streams = List.of();
    private volatile RecordCursor reading;
    private volatile boolean closed;
    private final LongAdder received = new LongAdder();
    private final LongAdder receivedBytes = new LongAdder();

    /** One stream's progress, as saved and reported. Handoff thread only, but for reads of the reports. */
    private static final class Stream {
        final HandoffPlan.Stream plan;
        volatile long keys;
        volatile long bytes;
        volatile long estimatedKeys = -1;
        volatile String state = "waiting";
        byte[] lastKey;

        Stream(HandoffPlan.Stream plan) {
            this.plan = plan;
        }

        HandoffProgress progress() {
            return new HandoffProgress(plan.source(), plan.target(), plan.arcCount(), keys, bytes, estimatedKeys, state);
        }
    }

    /** @param bytesPerSecond how fast records may arrive, in bytes of keys and records ({@code --stream-mb-per-s}) */
    public Handoff(String self, LocalReplica local, MetaLog log, Sources sources, HybridClock clock, long bytesPerSecond) {
        this.self = self;
        this.local = local;
        this.log = log;
        this.sources = sources;
        this.clock = clock;
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * Starts pulling, on the handoff thread, when the placement is a change's streaming phase and
     * this node is a target of it. The plan is computed there too, off the thread that adopts
     * memberships, which calls wait for.
     */
    public void onPlacement(Placement placement) {
        Transition change = placement.membership().transition();
        wanted = change != null && change.phase() == Transition.Phase.STREAMING ? change.startEpoch() : -1;
        if (change == null) {
            return;
        }
        thread.execute(() -> {
            List<HandoffPlan.Stream> mine = placement.plan().into(self);
            if (change.phase() != Transition.Phase.STREAMING || pulling == change.startEpoch() || mine.isEmpty()) {
                return;
            }
            List<Stream> started = new ArrayList<>();
            for (HandoffPlan.Stream stream : mine) {
                started.add(load(change.startEpoch(), stream));
            }
            streams = List.copyOf(started);
            pulling = change.startEpoch();
            pullAll(change.startEpoch(), started);
        });
    }

    /** Records received from handoff streams since start, and their bytes. */
    public long received() {
        return received.sum();
    }

    public long receivedBytes() {
        return receivedBytes.sum();
    }

    /** How far each stream of the change named by its first epoch got; empty when this node pulls nothing in it. */
    public List<HandoffProgress> progress(long transition) {
        List<HandoffProgress> report = new ArrayList<>();
        if (pulling == transition) {
            for (Stream stream : streams) {
                report.add(stream.progress());
            }
        }
        return report;
    }

    private void pullAll(long transition, List<Stream> all) {
        for (Stream stream : all) {
            while (!stream.state.equals("done") && !closed && wanted == transition) {
                try {
                    pull(transition, stream);
                } catch (RuntimeException e) {
                    stream.state = "retrying";
                    LOG.log(System.Logger.Level.WARNING, "handoff from {0} broke off after {1} records; resuming: {2}",
                            stream.plan.source(), stream.keys, e.getMessage());
                    if (!pause()) {
                        return;
                    }
                }
            }
        }
    }

    private void pull(long transition, Stream stream) {
        try (RecordCursor records = sources.open(stream.plan.source(), transition, stream.lastKey)) {
            reading = records;
            stream.state = "streaming";
            CompletableFuture<Void> lastWrite = CompletableFuture.completedFuture(null);
            Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
            int unsaved = 0;
            while (records.next()) {
                byte[] key = records.key();
                Record record = records.record();
                long estimate = ReplicaProtocol.handoffEstimate(key, record);
                if (estimate >= 0) {
                    if (stream.estimatedKeys < 0) {
                        stream.estimatedKeys = estimate;
                    }
                    continue;
                }
                if (clock.admits(record.version())) {
                    lastWrite = local.write(key, record);
                }
                long size = SharedRecords.sizeOf(key, record);
                stream.keys++;
                stream.bytes += size;
                received.increment();
                receivedBytes.add(size);
                stream.lastKey = key;
                throttle.pace(size);
                if (++unsaved == SAVE_EVERY) {
                    lastWrite.join();
                    save(transition, stream);
                    unsaved = 0;
                }
            }
            lastWrite.join();
            stream.state = "done";
            save(transition, stream);
            LOG.log(System.Logger.Level.INFO, "handoff from {0} done: {1} records, {2} bytes", stream.plan.source(),
                    stream.keys, stream.bytes);
        } finally {
            reading = null;
        }
    }

    /** Sleeps before a retry; false when the node is stopping. */
    private boolean pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(RETRY_MILLIS);
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String key(long transition, String source) {
        return "handoff/" + transition + "/" + source;
    }

    private void save(long transition, Stream stream) {
        String entry = stream.keys + " " + stream.bytes + " " + stream.estimatedKeys + " " + stream.state + " "
                + Base64.getEncoder().encodeToString(stream.lastKey == null ? new byte[0] : stream.lastKey);
        log.putMeta(key(transition, stream.plan.source()), entry.getBytes(StandardCharsets.UTF_8));
    }

    private Stream load(long transition, HandoffPlan.Stream plan) {
        Stream stream = new Stream(plan);
        byte[] saved = log.meta(key(transition, plan.source()));
        if (saved != null) {
            String[] words = new String(saved, StandardCharsets.UTF_8).split(" ", -1);
            stream.keys = Long.parseLong(words[0]);
            stream.bytes = Long.parseLong(words[1]);
            stream.estimatedKeys = Long.parseLong(words[2]);
            stream.state = words[3].equals("done") ? "done" : "waiting";
            byte[] last = Base64.getDecoder().decode(words[4]);
            stream.lastKey = last.length == 0 ? null : last;
        }
        return stream;
    }

    /** Forgets the saved progress of a change that is over. */
    public void forget(Membership before) {
        Transition change = before.transition();
        if (change == null) {
            return;
        }
        for (String source : before.everyone()) {
            log.deleteMeta(key(change.startEpoch(), source));
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
        RecordCursor open = reading;
        if (open != null) {
            open.close();
        }
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
