package dht.coordinator;

import dht.cluster.Ring;
import dht.storage.FilteredCursor;
import dht.storage.Record;
import dht.storage.RecordCodec;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What this replica holds in common with another member, as anti-entropy compares it: the keys
 * whose preference list names both. Builds hash trees from a scan of the store, and walks the
 * records of chosen leaves. A tree is kept for a minute after it is built, for the calls of the
 * same pass that ask for its ranges' leaves. Each scan reads at most {@code bytesPerSecond} of
 * records, so that a pass over a large store costs the foreground a bounded share of the disk
 * and the cores rather than a core for as long as the scan takes.
 */
public final class SharedRecords implements RepairSource {
    private static final byte[] FIRST_KEY = new byte[0];
    private static final long REUSE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Built(MerkleTree tree, long builtNanos) {
    }

    private final Store store;
    private final Supplier<Placement> placement;
    private final String self;
    private final long bytesPerSecond;
    private final Map<String, Built> trees = new ConcurrentHashMap<>();

    /**
     * @param placement the members' ring as it is now, which says who replicates a key
     * @param bytesPerSecond how fast a scan may read records ({@code --repair-mb-per-s})
     */
    public SharedRecords(Store store, Supplier<Placement> placement, String selfUrl, long bytesPerSecond) {
        this.store = store;
        this.placement = placement;
        this.self = selfUrl;
        this.bytesPerSecond = bytesPerSecond;
    }

    /** Who replicates which key, as one scan or one question sees it. */
    private record Holders(Ring ring, int self, int replicas) {
        boolean shares(byte[] key, int member) {
            boolean mine = false;
            boolean theirs = false;
            for (int holder : ring.preferenceList(key, replicas)) {
                mine |= holder == self;
                theirs |= holder == member;
            }
            return mine && theirs;
        }
    }

    private Holders holders() {
        Placement now = placement.get();
        return new Holders(now.ring(), now.ring().members().indexOf(self), now.replicationFactor());
    }

    /** The bytes a record counts for against a throttle: its key and its stored encoding. */
    static long sizeOf(byte[] key, Record record) {
        return key.length + (long) RecordCodec.encodedLength(record);
    }

    /**
     * With {@code range < 0} the hashes of all ranges, from a tree built now; otherwise the leaf
     * hashes of one range, from the tree built last for the member (or now, if that one is old).
     *
     * @throws IllegalArgumentException when the URL is no member, or the range no range
     */
    @Override
    public long[] hashes(String memberUrl, int range) {
        member(memberUrl);
        if (range >= MerkleTree.RANGES) {
            throw new IllegalArgumentException("range must be below " + MerkleTree.RANGES);
        }
        Built built = trees.get(memberUrl);
        if (range < 0 || built == null || System.nanoTime() - built.builtNanos() > REUSE_NANOS) {
            built = new Built(build(memberUrl), System.nanoTime());
            trees.put(memberUrl, built);
        }
        if (range < 0) {
            return built.tree().ranges();
        }
        long[] leaves = new long[MerkleTree.LEAVES_PER_RANGE];
        for (int i = 0; i < leaves.length; i++) {
            leaves[i] = built.tree().leaf(range * MerkleTree.LEAVES_PER_RANGE + i);
        }
        return leaves;
    }

    /** How many records each range of the last tree built for the member held. */
    public long[] lastTreeRecords(String memberUrl) {
        member(memberUrl);
        Built built = trees.get(memberUrl);
        long[] records = new long[MerkleTree.RANGES];
        for (int range = 0; built != null && range < records.length; range++) {
            records[range] = built.tree().records(range);
        }
        return records;
    }

    /** @throws IllegalArgumentException when the URL is no other member */
    @Override
    public RecordCursor records(String memberUrl, LeafSet leaves) {
        member(memberUrl);
        Holders holders = holders();
        int member = holders.ring().members().indexOf(memberUrl);
        Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
        return new FilteredCursor(store.range(FIRST_KEY, null), (key, record) -> {
            throttle.pace(sizeOf(key, record));
            return leaves.contains(MerkleTree.leafOf(key)) && holders.shares(key, member);
        });
    }

    private MerkleTree build(String memberUrl) {
        member(memberUrl);
        Holders holders = holders();
        int member = holders.ring().members().indexOf(memberUrl);
        MerkleTree tree = new MerkleTree();
        Throttle throttle = new Throttle(bytesPerSecond, System.nanoTime());
        try (RecordCursor cursor = store.range(FIRST_KEY, null)) {
            while (cursor.next()) {
                throttle.pace(sizeOf(cursor.key(), cursor.record()));
                if (holders.shares(cursor.key(), member)) {
                    tree.add(cursor.key(), cursor.record());
                }
            }
        }
        return tree;
    }

    /** The URLs of the key's replicas other than this node. */
    public List<String> otherReplicas(byte[] key) {
        Holders holders = holders();
        List<String> others = new ArrayList<>();
        for (int holder : holders.ring().preferenceList(key, holders.replicas())) {
            if (holder != holders.self()) {
                others.add(holders.ring().members().get(holder));
            }
        }
        return others;
    }

    /** @throws IllegalArgumentException when the URL is no other member of the cluster */
    public int member(String url) {
        int member = placement.get().ring().members().indexOf(url);
        if (member < 0 || url.equals(self)) {
            throw new IllegalArgumentException(url + " is not another member of this cluster");
        }
        return member;
    }
}
