package dht.coordinator;

import dht.cluster.Threads;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Anti-entropy: brings this node and each peer to the same records for every key they both
 * replicate, whether or not anyone reads it.
 *
 * <p>Design. A pass with a peer builds this node's {@link MerkleTree} of the records it shares
 * with the peer, asks the peer for its tree of the same keys, compares the 16 range hashes and
 * then the leaves of the ranges that differ, and exchanges only the records of the leaves that
 * differ, in {@link LeafSet#batches}: it pulls the peer's and stores each newest-wins, and pushes
 * its own as replica writes, which the peer stores the same way. A pass therefore leaves both sides holding, for every
 * shared key, a record at least as new as either held when the pass began. The exchange is
 * throttled to {@code --repair-mb-per-s}; the scans that build trees are not, since they read
 * sequentially on one background thread. One pass runs at a time, on one thread: the background
 * schedule, every {@code --repair-interval-ms} with each peer in turn, and passes an operator
 * asks for queue behind each other.
 *
 * <p>A pass with a peer that cannot be reached fails and is tried again at the next interval; a
 * failed pass counts for nothing in the {@link RepairLedger}. No pass runs while the member set
 * changes, since who shares which keys is changing too: the handoff streams bring new replicas
 * their data, and passes resume with the new members, whose ledger starts empty. Records whose versions lie beyond
 * the allowed clock skew are refused, as from any peer.
 */
public final class AntiEntropy implements TombstonePurge.Gate, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AntiEntropy.class.getName());
    /** Replica writes a push keeps in flight: enough to fill the pipe, few enough to bound memory. */
    private static final int PUSH_WINDOW = 64;

    /** A peer as anti-entropy sees it: where to write, and its side of the comparison. */
    public record Peer(String url, Replica replica, RepairSource source) {
    }

    /** What a pass did with one peer; {@code error} is null when it completed. */
    public record PeerResult(String peer, long startedMillis, long durationMillis, long compared, int rangesDiffering,
                             long leavesDiffering, long pulled, long pushed, long refused, long bytes, String error) {
    }

    private final String self;
    private final SharedRecords mine;
    private final Replica local;
    private final Supplier<List<Peer>> peers;
    private final BooleanSupplier changing;
    private final HybridClock clock;
    private final RepairLedger ledger;
    private final long intervalMillis;
    private final long bytesPerSecond;
    private final LongSupplier wallMillis;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("anti-entropy"));

    private final LongAdder compared = new LongAdder();
    private final LongAdder pulled = new LongAdder();
    private final LongAdder pushed = new LongAdder();
    private final LongAdder bytes = new LongAdder();
    private final LongAdder failedPasses = new LongAdder();
    private volatile long lastPassMillis;
    /** The peer's stream a pass reads now, closed by {@link #close} so that a stop does not wait on the peer. */
    private volatile RecordCursor reading;
    private volatile List<PeerResult> lastPass = List.of();

    /**
     * @param peers the other members, as they are now
     * @param changing whether the member set is changing now
     */
    public AntiEntropy(String self, SharedRecords mine, Replica local, Supplier<List<Peer>> peers, BooleanSupplier changing,
                       HybridClock clock, RepairLedger ledger, long intervalMillis, long bytesPerSecond, LongSupplier wallMillis) {
        this.self = self;
        this.mine = mine;
        this.local = local;
        this.peers = peers;
        this.changing = changing;
        this.clock = clock;
        this.ledger = ledger;
        this.intervalMillis = intervalMillis;
        this.bytesPerSecond = bytesPerSecond;
        this.wallMillis = wallMillis;
    }

    /** Starts the background passes; the first comes after half to one interval, so nodes started together spread out. */
    public void start() {
        long first = intervalMillis / 2 + ThreadLocalRandom.current().nextLong(intervalMillis / 2 + 1);
        thread.scheduleWithFixedDelay(this::scheduledPass, first, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** A pass with every peer, after any pass already running; completes when it is done, and fails during a membership change. */
    public CompletableFuture<List<PeerResult>> requestPass() {
        return CompletableFuture.supplyAsync(() -> {
            if (changing.getAsBoolean()) {
                throw new IllegalStateException("the member set is changing; passes resume once the change is done");
            }
            return pass();
        }, thread);
    }

    /** The last pass with every peer. */
    public List<PeerResult> lastPass() {
        return lastPass;
    }

    List<Peer> peers() {
        return peers.get();
    }

    public RepairLedger ledger() {
        return ledger;
    }

    /** Whether a pass over the key's range with each of its other replicas completed that began after {@code millis}. */
    @Override
    public boolean repairedSince(byte[] key, long millis) {
        if (changing.getAsBoolean()) {
            return false;
        }
        for (String replica : mine.otherReplicas(key)) {
            if (!ledger.covers(replica, key, millis)) {
                return false;
            }
        }
        return true;
    }

    private void scheduledPass() {
        if (!changing.getAsBoolean()) {
            pass();
        }
    }

    private List<PeerResult> pass() {
        long started = System.nanoTime();
        List<PeerResult> results = new ArrayList<>();
        for (Peer peer : peers.get()) {
            PeerResult result = pass(peer);
            if (result.error() != null) {
                failedPasses.increment();
                LOG.log(System.Logger.Level.WARNING, "anti-entropy with {0} failed: {1}", peer.url(), result.error());
            }
            results.add(result);
        }
        lastPassMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        lastPass = List.copyOf(results);
        return results;
    }

    /** Compares and exchanges the records shared with one peer. */
    PeerResult pass(Peer peer) {
        long startedMillis = wallMillis.getAsLong();
        long startedNanos = System.nanoTime();
        long[] rangeCompared = new long[MerkleTree.RANGES];
        int[] rangeLeaves = new int[MerkleTree.RANGES];
        int rangesDiffering = 0;
        Exchange exchange = new Exchange(peer);
        String error = null;
        try {
            long[] ours = mine.hashes(peer.url(), -1);
            long[] theirs = peer.source().hashes(self, -1);
            System.arraycopy(mine.lastTreeRecords(peer.url()), 0, rangeCompared, 0, MerkleTree.RANGES);
            BitSet differing = new BitSet(MerkleTree.LEAVES);
            for (int range = 0; range < MerkleTree.RANGES; range++) {
                if (ours[range] == theirs[range]) {
                    continue;
                }
                rangesDiffering++;
                long[] ourLeaves = mine.hashes(peer.url(), range);
                long[] theirLeaves = peer.source().hashes(self, range);
                for (int i = 0; i < MerkleTree.LEAVES_PER_RANGE; i++) {
                    if (ourLeaves[i] != theirLeaves[i]) {
                        differing.set(range * MerkleTree.LEAVES_PER_RANGE + i);
                        rangeLeaves[range]++;
                    }
                }
            }
            for (LeafSet leaves : LeafSet.batches(differing)) {
                exchange.run(leaves);
            }
        } catch (RuntimeException e) {
            error = String.valueOf(e.getMessage());
        }
        PeerResult result = new PeerResult(peer.url(), startedMillis, elapsedMillis(startedNanos), sum(rangeCompared),
                rangesDiffering, sum(rangeLeaves), sum(exchange.pulled), sum(exchange.pushed), exchange.refused,
                sum(exchange.bytes), error);
        if (error != null) {
            return result;
        }
        long ended = wallMillis.getAsLong();
        for (int range = 0; range < MerkleTree.RANGES; range++) {
            ledger.completed(peer.url(), range, new RepairLedger.Pass(startedMillis, ended, rangeCompared[range],
                    rangeLeaves[range], exchange.pulled[range], exchange.pushed[range], exchange.bytes[range]));
        }
        compared.add(result.compared());
        pulled.add(result.pulled());
        pushed.add(result.pushed());
        bytes.add(result.bytes());
        return result;
    }

    /**
     * The records of differing leaves, exchanged with one peer. Both sides send their records of
     * the leaves in key order, so one merge of the two streams finds, key by key, which side is
     * newer: only that side's record is written to the other. A leaf holds some 15 keys per
     * million stored, so most keys of a differing leaf agree; they cross the link once, from the
     * peer, and are written nowhere.
     */
    private final class Exchange {
        final long[] pulled = new long[MerkleTree.RANGES];
        final long[] pushed = new long[MerkleTree.RANGES];
        final long[] bytes = new long[MerkleTree.RANGES];
        long refused;
        private final Peer peer;
        private final Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
        private final Queue<CompletableFuture<Void>> pushing = new ArrayDeque<>();

        Exchange(Peer peer) {
            this.peer = peer;
        }

        void run(LeafSet leaves) {
            try (RecordCursor theirs = peer.source().records(self, leaves);
                 RecordCursor ours = mine.records(peer.url(), leaves)) {
                reading = theirs;
                boolean haveTheirs = theirs.next();
                boolean haveOurs = ours.next();
                while (haveTheirs || haveOurs) {
                    int order = !haveOurs ? -1 : !haveTheirs ? 1 : Arrays.compareUnsigned(theirs.key(), ours.key());
                    if (order == 0) {
                        int newer = theirs.record().compareTo(ours.record());
                        received(theirs.key(), theirs.record(), newer > 0);
                        if (newer < 0) {
                            push(ours.key(), ours.record());
                        }
                        haveTheirs = theirs.next();
                        haveOurs = ours.next();
                    } else if (order < 0) {
                        received(theirs.key(), theirs.record(), true);
                        haveTheirs = theirs.next();
                    } else {
                        push(ours.key(), ours.record());
                        haveOurs = ours.next();
                    }
                }
            } finally {
                reading = null;
            }
            while (!pushing.isEmpty()) {
                pushing.remove().join();
            }
        }

        /** A record the peer sent, stored here when it is newer than ours (and within the clock's bound). */
        private void received(byte[] key, Record record, boolean newer) {
            transferred(key, record);
            if (!newer) {
                return;
            }
            if (!clock.admits(record.version())) {
                refused++;
                return;
            }
            local.write(key, record).join();
            pulled[rangeOf(key)]++;
        }

        private void push(byte[] key, Record record) {
            if (pushing.size() >= PUSH_WINDOW) {
                pushing.remove().join();
            }
            pushing.add(peer.replica().write(key, record));
            pushed[rangeOf(key)]++;
            transferred(key, record);
        }

        /** Counts the record's bytes against the pass and waits while they exceed the throttle's rate. */
        private void transferred(byte[] key, Record record) {
            long size = SharedRecords.sizeOf(key, record);
            bytes[rangeOf(key)] += size;
            throttle.pace(size);
        }
    }

    private static int rangeOf(byte[] key) {
        return MerkleTree.rangeOf(MerkleTree.leafOf(key));
    }

    private static long elapsedMillis(long startedNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private static long sum(long[] values) {
        long sum = 0;
        for (long value : values) {
            sum += value;
        }
        return sum;
    }

    private static long sum(int[] values) {
        long sum = 0;
        for (int value : values) {
            sum += value;
        }
        return sum;
    }

    public long compared() {
        return compared.sum();
    }

    public long pulled() {
        return pulled.sum();
    }

    public long pushed() {
        return pushed.sum();
    }

    public long bytes() {
        return bytes.sum();
    }

    public long failedPasses() {
        return failedPasses.sum();
    }

    /** Seconds since the oldest of the last completed passes over every range with every peer began; -1 before. */
    public double secondsSinceCompletePass() {
        long oldest = ledger.oldestStartMillis(peers.get().stream().map(Peer::url).toList());
        return oldest == 0 ? -1 : (wallMillis.getAsLong() - oldest) / 1e3;
    }

    /** How long the last pass with every peer took. */
    public long lastPassMillis() {
        return lastPassMillis;
    }

    /** Stops the passes, breaking off one in progress, and waits for it, so the store can be closed under none. */
    @Override
    public void close() {
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
