package dht.coordinator;

import dht.cluster.Threads;
import dht.storage.Record;
import dht.storage.RecordCursor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Anti-entropy: brings this node and each peer to the same records for every key they both
 * replicate, whether or not anyone reads it.
 *
 * <p>Design. A pass with a peer builds this node's {@link MerkleTree} of the records it shares
 * with the peer, asks the peer for its tree of the same keys, compares the 16 range hashes and
 * then the leaves of the ranges that differ, and exchanges only the records of the leaves that
 * differ: it pulls the peer's and stores each newest-wins, and pushes its own as replica writes,
 * which the peer stores the same way. A pass therefore leaves both sides holding, for every
 * shared key, a record at least as new as either held when the pass began. The exchange is
 * throttled to {@code --repair-mb-per-s}; the scans that build trees are not, since they read
 * sequentially on one background thread. One pass runs at a time, on one thread: the background
 * schedule, every {@code --repair-interval-ms} with each peer in turn, and passes an operator
 * asks for queue behind each other.
 *
 * <p>A pass with a peer that cannot be reached fails and is tried again at the next interval; a
 * failed pass counts for nothing in the {@link RepairLedger}. Records whose versions lie beyond
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
    private final List<Peer> peers;
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

    public AntiEntropy(String self, SharedRecords mine, Replica local, List<Peer> peers, HybridClock clock, RepairLedger ledger,
                       long intervalMillis, long bytesPerSecond, LongSupplier wallMillis) {
        this.self = self;
        this.mine = mine;
        this.local = local;
        this.peers = List.copyOf(peers);
        this.clock = clock;
        this.ledger = ledger;
        this.intervalMillis = intervalMillis;
        this.bytesPerSecond = bytesPerSecond;
        this.wallMillis = wallMillis;
    }

    /** Starts the background passes; the first comes after half to one interval, so nodes started together spread out. */
    public void start() {
        long first = intervalMillis / 2 + ThreadLocalRandom.current().nextLong(intervalMillis / 2 + 1);
        thread.scheduleWithFixedDelay(this::pass, first, intervalMillis, TimeUnit.MILLISECONDS);
    }

    /** A pass with every peer, after any pass already running; completes when it is done. */
    public CompletableFuture<List<PeerResult>> requestPass() {
        return CompletableFuture.supplyAsync(this::pass, thread);
    }

    /** The last pass with every peer. */
    public List<PeerResult> lastPass() {
        return lastPass;
    }

    List<Peer> peers() {
        return peers;
    }

    public RepairLedger ledger() {
        return ledger;
    }

    /** Whether a pass over the key's range with each of its other replicas completed that began after {@code millis}. */
    @Override
    public boolean repairedSince(byte[] key, long millis) {
        for (String replica : mine.otherReplicas(key)) {
            if (!ledger.covers(replica, key, millis)) {
                return false;
            }
        }
        return true;
    }

    private List<PeerResult> pass() {
        long started = System.nanoTime();
        List<PeerResult> results = new ArrayList<>();
        for (Peer peer : peers) {
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
        long[] rangePulled = new long[MerkleTree.RANGES];
        long[] rangePushed = new long[MerkleTree.RANGES];
        long[] rangeBytes = new long[MerkleTree.RANGES];
        long refused = 0;
        int rangesDiffering = 0;
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
            if (!differing.isEmpty()) {
                LeafSet leaves = LeafSet.of(differing);
                Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
                try (RecordCursor records = peer.source().records(self, leaves)) {
                    reading = records;
                    while (records.next()) {
                        Record record = records.record();
                        if (!clock.admits(record.version())) {
                            refused++;
                            continue;
                        }
                        int range = rangeOf(records.key());
                        local.write(records.key(), record).join();
                        rangePulled[range]++;
                        rangeBytes[range] += size(records.key(), record);
                        pace(throttle, size(records.key(), record));
                    }
                } finally {
                    reading = null;
                }
                Queue<CompletableFuture<Void>> inFlight = new ArrayDeque<>();
                try (RecordCursor records = mine.records(peer.url(), leaves)) {
                    while (records.next()) {
                        if (inFlight.size() >= PUSH_WINDOW) {
                            inFlight.remove().join();
                        }
                        inFlight.add(peer.replica().write(records.key(), records.record()));
                        int range = rangeOf(records.key());
                        rangePushed[range]++;
                        rangeBytes[range] += size(records.key(), records.record());
                        pace(throttle, size(records.key(), records.record()));
                    }
                }
                while (!inFlight.isEmpty()) {
                    inFlight.remove().join();
                }
            }
        } catch (RuntimeException e) {
            return new PeerResult(peer.url(), startedMillis, elapsedMillis(startedNanos), sum(rangeCompared), rangesDiffering,
                    sum(rangeLeaves), sum(rangePulled), sum(rangePushed), refused, sum(rangeBytes), String.valueOf(e.getMessage()));
        }
        long ended = wallMillis.getAsLong();
        for (int range = 0; range < MerkleTree.RANGES; range++) {
            ledger.completed(peer.url(), range, new RepairLedger.Pass(startedMillis, ended, rangeCompared[range],
                    rangeLeaves[range], rangePulled[range], rangePushed[range], rangeBytes[range]));
        }
        compared.add(sum(rangeCompared));
        pulled.add(sum(rangePulled));
        pushed.add(sum(rangePushed));
        bytes.add(sum(rangeBytes));
        return new PeerResult(peer.url(), startedMillis, elapsedMillis(startedNanos), sum(rangeCompared), rangesDiffering,
                sum(rangeLeaves), sum(rangePulled), sum(rangePushed), refused, sum(rangeBytes), null);
    }

    private static int rangeOf(byte[] key) {
        return MerkleTree.rangeOf(MerkleTree.leafOf(key));
    }

    private static long size(byte[] key, Record record) {
        return key.length + record.valueLength() + 9L;
    }

    private static void pace(Throttle throttle, long bytes) {
        long wait = throttle.take(bytes, System.nanoTime());
        if (wait > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the node is stopping");
            }
        }
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
        long oldest = ledger.oldestStartMillis(peers.stream().map(Peer::url).toList());
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
