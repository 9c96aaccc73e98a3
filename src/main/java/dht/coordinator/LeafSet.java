package dht.coordinator;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.BitSet;

/**
 * The leaves whose records two replicas exchange, in a form short enough for a request line:
 * whole ranges as a 16-bit mask, and single leaves as a list. When the list would grow past
 * {@link #MAX_LISTED} leaves, the ranges with the most listed leaves are taken whole instead:
 * that exchanges records of some leaves that agree, which merging newest-wins makes harmless.
 */
public final class LeafSet {
    /** 2,048 listed leaves encode to under 6 KB, within the 8 KiB request line a node accepts. */
    static final int MAX_LISTED = 2048;

    private final int wholeRanges;
    private final BitSet listed;

    private LeafSet(int wholeRanges, BitSet listed) {
        this.wholeRanges = wholeRanges;
        this.listed = listed;
    }

    /** The given leaves, with whole ranges where listing them all would be too long. */
    public static LeafSet of(BitSet leaves) {
        int whole = 0;
        BitSet listed = (BitSet) leaves.clone();
        while (listed.cardinality() > MAX_LISTED) {
            int fullest = -1;
            int most = -1;
            for (int range = 0; range < MerkleTree.RANGES; range++) {
                int count = listed.get(range * MerkleTree.LEAVES_PER_RANGE, (range + 1) * MerkleTree.LEAVES_PER_RANGE).cardinality();
                if (count > most) {
                    most = count;
                    fullest = range;
                }
            }
            whole |= 1 << fullest;
            listed.clear(fullest * MerkleTree.LEAVES_PER_RANGE, (fullest + 1) * MerkleTree.LEAVES_PER_RANGE);
        }
        return new LeafSet(whole, listed);
    }

    public boolean contains(int leaf) {
        return (wholeRanges & 1 << MerkleTree.rangeOf(leaf)) != 0 || listed.get(leaf);
    }

    public boolean isEmpty() {
        return wholeRanges == 0 && listed.isEmpty();
    }

    /** The ranges with at least one leaf in the set, as a mask. */
    public int ranges() {
        int ranges = wholeRanges;
        for (int leaf = listed.nextSetBit(0); leaf >= 0; leaf = listed.nextSetBit(leaf + 1)) {
            ranges |= 1 << MerkleTree.rangeOf(leaf);
        }
        return ranges;
    }

    /** {@code MASK.LEAVES}: the whole ranges' mask in hex, then the listed leaves as 2-byte numbers in base64url. */
    public String encode() {
        ByteBuffer bytes = ByteBuffer.allocate(listed.cardinality() * 2);
        for (int leaf = listed.nextSetBit(0); leaf >= 0; leaf = listed.nextSetBit(leaf + 1)) {
            bytes.putShort((short) leaf);
        }
        return Integer.toHexString(wholeRanges) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** @throws IllegalArgumentException when the text is no encoded set */
    public static LeafSet decode(String text) {
        int dot = text.indexOf('.');
        if (dot < 1 || dot > 4) {
            throw new IllegalArgumentException("a leaf set is MASK.LEAVES");
        }
        int whole = Integer.parseInt(text.substring(0, dot), 16);
        if (whole < 0 || whole >= 1 << MerkleTree.RANGES) {
            throw new IllegalArgumentException("a leaf set's mask has one bit per range");
        }
        byte[] bytes = Base64.getUrlDecoder().decode(text.substring(dot + 1));
        if (bytes.length % 2 != 0 || bytes.length / 2 > MAX_LISTED) {
            throw new IllegalArgumentException("a leaf set lists at most " + MAX_LISTED + " leaves of 2 bytes");
        }
        BitSet listed = new BitSet(MerkleTree.LEAVES);
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
            listed.set(Short.toUnsignedInt(buffer.getShort()));
        }
        return new LeafSet(whole, listed);
    }
}
