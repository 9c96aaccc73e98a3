package dht.coordinator;

import dht.cluster.KeyHash;
import dht.storage.Record;

import java.nio.ByteBuffer;

/**
 * The hash tree one replica keeps of the records it shares with one peer, for anti-entropy.
 *
 * <p>Design. A key's leaf is the top 16 bits of its xxHash64, so the 65,536 leaves split the hash
 * space evenly and every replica puts a key in the same leaf whatever else it holds. A leaf's
 * hash is the sum of its records' hashes (of key, version and tombstone flag): a sum does not
 * depend on the order of a scan, so one pass over RocksDB, whose order is by key bytes, fills
 * every leaf. Each of the 16 ranges above the leaves (4,096 leaves each) hashes its leaves'
 * hashes in order. Two replicas compare the 16 range hashes, then the leaves of the ranges that
 * differ, and exchange only the records of the leaves that differ.
 *
 * <p>The tree is built from a scan at each pass and thrown away after it, not kept up to date on
 * every write: an hourly pass over a scan costs seconds of one background thread, while a tree
 * updated in place would put a hash and a lock on every foreground write and would have to be
 * rebuilt after every restart anyway. Two different leaf contents collide with a chance of
 * 2^-64; a collision hides that leaf's difference until its records change again.
 */
public final class MerkleTree {
    public static final int RANGES = 16;
    public static final int LEAVES_PER_RANGE = 4096;
    public static final int LEAVES = RANGES * LEAVES_PER_RANGE;

    private final long[] leaves = new long[LEAVES];
    private final long[] rangeRecords = new long[RANGES];

    /** The key's leaf, 0 to {@link #LEAVES} - 1. */
    public static int leafOf(byte[] key) {
        return (int) (KeyHash.of(key) >>> 48);
    }

    public static int rangeOf(int leaf) {
        return leaf / LEAVES_PER_RANGE;
    }

    public void add(byte[] key, Record record) {
        long keyHash = KeyHash.of(key);
        long stamp = mix(record.version() * 2 + (record.tombstone() ? 1 : 0));
        int leaf = (int) (keyHash >>> 48);
        leaves[leaf] += mix(keyHash ^ stamp);
        rangeRecords[rangeOf(leaf)]++;
    }

    /** Records added in the range: the keys of the range this replica shares with the peer. */
    public long records(int range) {
        return rangeRecords[range];
    }

    public long leaf(int leaf) {
        return leaves[leaf];
    }

    /** The hash of the range's leaves, in order. */
    public long range(int range) {
        ByteBuffer bytes = ByteBuffer.allocate(LEAVES_PER_RANGE * Long.BYTES);
        for (int i = 0; i < LEAVES_PER_RANGE; i++) {
            bytes.putLong(leaves[range * LEAVES_PER_RANGE + i]);
        }
        return KeyHash.of(bytes.array());
    }

    /** Every range's hash, in order. */
    public long[] ranges() {
        long[] ranges = new long[RANGES];
        for (int r = 0; r < RANGES; r++) {
            ranges[r] = range(r);
        }
        return ranges;
    }

    /** The MurmurHash3 finalizer: spreads every input bit over the whole word. */
    private static long mix(long value) {
        value ^= value >>> 33;
        value *= 0xff51afd7ed558ccdL;
        value ^= value >>> 33;
        value *= 0xc4ceb9fe1a85ec53L;
        value ^= value >>> 33;
        return value;
    }
}
