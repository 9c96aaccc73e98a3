package dht.coordinator;

import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeafSetTest {
    @Test
    void aFewLeavesTravelAsAListAndComeBackTheSame() {
        BitSet leaves = new BitSet();
        leaves.set(3);
        leaves.set(4_100);
        leaves.set(65_535);
        LeafSet decoded = LeafSet.decode(LeafSet.of(leaves).encode());
        for (int leaf = 0; leaf < MerkleTree.LEAVES; leaf++) {
            assertEquals(leaves.get(leaf), decoded.contains(leaf), "leaf " + leaf);
        }
        assertEquals(1 | 1 << 1 | 1 << 15, decoded.ranges());
    }

    @Test
    void tooManyLeavesTakeTheirFullestRangesWholeAndStayShort() {
        BitSet leaves = new BitSet();
        leaves.set(0, 3 * MerkleTree.LEAVES_PER_RANGE); // ranges 0-2 entirely
        leaves.set(5 * MerkleTree.LEAVES_PER_RANGE + 9);
        LeafSet set = LeafSet.of(leaves);
        String encoded = set.encode();
        assertTrue(encoded.length() < 6_000, encoded.length() + " characters");
        LeafSet decoded = LeafSet.decode(encoded);
        for (int leaf = leaves.nextSetBit(0); leaf >= 0; leaf = leaves.nextSetBit(leaf + 1)) {
            assertTrue(decoded.contains(leaf), "leaf " + leaf + " is still in the set");
        }
        assertFalse(decoded.contains(4 * MerkleTree.LEAVES_PER_RANGE), "a range with no differing leaf stays out");
    }

    @Test
    void anEmptySetIsEmpty() {
        assertTrue(LeafSet.decode(LeafSet.of(new BitSet()).encode()).isEmpty());
    }

    @Test
    void malformedSetsAreRefused() {
        for (String bad : new String[] {"", "nodot", "-1.", "10000.", "0.AA", "0.!!"}) {
            assertThrows(IllegalArgumentException.class, () -> LeafSet.decode(bad), bad);
        }
    }
}
