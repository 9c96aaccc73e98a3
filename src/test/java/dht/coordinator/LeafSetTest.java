package dht.coordinator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LeafSetTest {
    @Test
    void aFewLeavesTravelAsAListAndComeBackTheSame() {
        BitSet leaves = new BitSet();
        leaves.set(3);
        leaves.set(4_100);
        leaves.set(65_535);
        List<LeafSet> batches = LeafSet.batches(leaves);
        assertEquals(1, batches.size());
        LeafSet decoded = LeafSet.decode(batches.get(0).encode());
        for (int leaf = 0; leaf < MerkleTree.LEAVES; leaf++) {
            assertEquals(leaves.get(leaf), decoded.contains(leaf), "leaf " + leaf);
        }
        assertEquals(1 | 1 << 1 | 1 << 15, decoded.ranges());
    }

    @Test
    void rangesMostlyDifferingGoWhole_theRestIsListedInShortBatches() {
        BitSet leaves = new BitSet();
        leaves.set(0, 3 * MerkleTree.LEAVES_PER_RANGE); // ranges 0-2 entirely
        for (int leaf = 4 * MerkleTree.LEAVES_PER_RANGE; leaf < MerkleTree.LEAVES; leaf += 7) {
            leaves.set(leaf); // a seventh of ranges 4-15: 7,022 leaves
        }
        List<LeafSet> batches = LeafSet.batches(leaves);
        assertEquals(4, batches.size(), "7,022 listed leaves need 4 batches of at most 2,048");
        List<LeafSet> decoded = new ArrayList<>();
        for (LeafSet batch : batches) {
            String encoded = batch.encode();
            assertTrue(encoded.length() < 6_000, encoded.length() + " characters");
            decoded.add(LeafSet.decode(encoded));
        }
        assertEquals(0b111, decoded.get(0).ranges() & 0b1111, "ranges 0-2 whole, in the first batch only");
        for (int leaf = 0; leaf < MerkleTree.LEAVES; leaf++) {
            int holding = 0;
            for (LeafSet batch : decoded) {
                holding += batch.contains(leaf) ? 1 : 0;
            }
            assertEquals(leaves.get(leaf) ? 1 : 0, holding, "leaf " + leaf + " is in one batch if it differs, else in none");
        }
    }

    @Test
    void noLeavesAreNoBatches() {
        assertEquals(List.of(), LeafSet.batches(new BitSet()));
        assertTrue(LeafSet.decode("0.").isEmpty());
    }

    @Test
    void malformedSetsAreRefused() {
        for (String bad : new String[] {"", "nodot", "-1.", "10000.", "0.AA", "0.!!"}) {
            assertThrows(IllegalArgumentException.class, () -> LeafSet.decode(bad), bad);
        }
    }
}
