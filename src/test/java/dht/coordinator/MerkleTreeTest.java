package dht.coordinator;

import dht.storage.Record;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class MerkleTreeTest {
    private static byte[] key(int i) {
        return ("key" + i).getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theSameRecordsInAnyOrderHashTheSame() {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            order.add(i);
        }
        MerkleTree sorted = new MerkleTree();
        order.forEach(i -> sorted.add(key(i), Record.live(i, new byte[] {1})));
        Collections.shuffle(order, new Random(1));
        MerkleTree shuffled = new MerkleTree();
        order.forEach(i -> shuffled.add(key(i), Record.live(i, new byte[] {1})));
        assertArrayEquals(sorted.ranges(), shuffled.ranges());
    }

    @Test
    void aNewerVersionOrATombstoneChangesOnlyItsLeafAndItsRange() {
        MerkleTree base = tree(Record.live(7, new byte[] {1}));
        for (Record other : List.of(Record.live(8, new byte[] {1}), Record.tombstone(7))) {
            MerkleTree changed = tree(other);
            int leaf = MerkleTree.leafOf(key(42));
            int range = MerkleTree.rangeOf(leaf);
            for (int r = 0; r < MerkleTree.RANGES; r++) {
                if (r == range) {
                    assertNotEquals(base.range(r), changed.range(r));
                } else {
                    assertEquals(base.range(r), changed.range(r));
                }
            }
            for (int l = range * MerkleTree.LEAVES_PER_RANGE; l < (range + 1) * MerkleTree.LEAVES_PER_RANGE; l++) {
                assertEquals(l != leaf, base.leaf(l) == changed.leaf(l), "leaf " + l);
            }
        }
    }

    @Test
    void recordsAreCountedPerRange() {
        MerkleTree tree = tree(Record.live(7, new byte[] {1}));
        long total = 0;
        for (int r = 0; r < MerkleTree.RANGES; r++) {
            total += tree.records(r);
        }
        assertEquals(100, total);
    }

    private static MerkleTree tree(Record forKey42) {
        MerkleTree tree = new MerkleTree();
        for (int i = 0; i < 100; i++) {
            tree.add(key(i), i == 42 ? forKey42 : Record.live(1, new byte[] {2}));
        }
        return tree;
    }
}
