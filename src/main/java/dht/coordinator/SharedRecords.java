package dht.coordinator;

import dht.cluster.Ring;
import dht.storage.Record;
import dht.storage.RecordCursor;
import dht.storage.Store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * What this replica holds in common with another member, as anti-entropy compares it: the keys
 * whose preference list names both. Builds hash trees from a scan of the store, and walks the
 * records of chosen leaves. A tree is kept for a minute after it is built, for the calls of the
 * same pass that ask for its ranges' leaves.
 */
public final class SharedRecords implements RepairSource {
    private static final byte[] FIRST_KEY = new byte[0];
    private static final long REUSE_NANOS = TimeUnit.MINUTES.toNanos(1);

    private record Built(MerkleTree tree, long builtNanos) {
    }

    private final Store store;
    private final Ring ring;
    private final int self;
    private final int replicas;
    private final Map<Integer, Built> trees = new ConcurrentHashMap<>();

    public SharedRecords(Store store, Ring ring, String selfUrl, int replicas) {
        this.store = store;
        this.ring = ring;
        this.self = ring.members().indexOf(selfUrl);
        this.replicas = replicas;
    }

    /**
     * With {@code range < 0} the hashes of all ranges, from a tree built now; otherwise the leaf
     * hashes of one range, from the tree built last for the member (or now, if that one is old).
     *
     * @throws IllegalArgumentException when the URL is no member, or the range no range
     */
    @Override
    public long[] hashes(String memberUrl, int range) {
        int member = member(memberUrl);
        if (range >= MerkleTree.RANGES) {
            throw new IllegalArgumentException("range must be below " + MerkleTree.RANGES);
        }
        Built built = trees.get(member);
        if (range < 0 || built == null || System.nanoTime() - built.builtNanos() > REUSE_NANOS) {
            built = new Built(build(member), System.nanoTime());
            trees.put(member, built);
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
        Built built = trees.get(member(memberUrl));
        long[] records = new long[MerkleTree.RANGES];
        for (int range = 0; built != null && range < records.length; range++) {
            records[range] = built.tree().records(range);
        }
        return records;
    }

    /** @throws IllegalArgumentException when the URL is no other member */
    @Override
    public RecordCursor records(String memberUrl, LeafSet leaves) {
        int member = member(memberUrl);
        RecordCursor all = store.range(FIRST_KEY, null);
        return new RecordCursor() {
            @Override
            public boolean next() {
                while (all.next()) {
                    byte[] key = all.key();
                    if (leaves.contains(MerkleTree.leafOf(key)) && shares(key, member)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public byte[] key() {
                return all.key();
            }

            @Override
            public Record record() {
                return all.record();
            }

            @Override
            public void close() {
                all.close();
            }
        };
    }

    private MerkleTree build(int member) {
        MerkleTree tree = new MerkleTree();
        try (RecordCursor cursor = store.range(FIRST_KEY, null)) {
            while (cursor.next()) {
                if (shares(cursor.key(), member)) {
                    tree.add(cursor.key(), cursor.record());
                }
            }
        }
        return tree;
    }

    /** The URLs of the key's replicas other than this node. */
    public List<String> otherReplicas(byte[] key) {
        List<String> others = new ArrayList<>();
        for (int holder : ring.preferenceList(key, replicas)) {
            if (holder != self) {
                others.add(ring.members().get(holder));
            }
        }
        return others;
    }

    private boolean shares(byte[] key, int member) {
        boolean mine = false;
        boolean theirs = false;
        for (int holder : ring.preferenceList(key, replicas)) {
            mine |= holder == self;
            theirs |= holder == member;
        }
        return mine && theirs;
    }

    /** @throws IllegalArgumentException when the URL is no other member of the cluster */
    public int member(String url) {
        int member = ring.members().indexOf(url);
        if (member < 0 || member == self) {
            throw new IllegalArgumentException(url + " is not another member of this cluster");
        }
        return member;
    }
}
