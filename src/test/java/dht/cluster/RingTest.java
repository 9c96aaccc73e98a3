package dht.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RingTest {
    private static final int KEYS = 1_000_000;
    private static final double MAX_DEVIATION = 0.03;
    private static final long SEED = 20261125L;

    private static List<String> members(int n) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            urls.add("http://localhost:" + (8080 + i));
        }
        return urls;
    }

    private static byte[][] sequentialKeys() {
        byte[][] keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Integer.toString(i).getBytes(StandardCharsets.UTF_8);
        }
        return keys;
    }

    private static byte[][] randomKeys() {
        Random random = new Random(SEED);
        byte[][] keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = Long.toHexString(random.nextLong()).getBytes(StandardCharsets.UTF_8);
        }
        return keys;
    }

    private static double worstDeviation(Ring ring, byte[][] keys) {
        int[] counts = new int[ring.size()];
        for (byte[] key : keys) {
            counts[ring.owner(key)]++;
        }
        double mean = (double) keys.length / ring.size();
        double worst = 0;
        for (int count : counts) {
            worst = Math.max(worst, Math.abs(count - mean) / mean);
        }
        return worst;
    }

    @Test
    void owner_threeToTenMembers_everyShareWithinThreePercentOfMean() {
        byte[][] sequential = sequentialKeys();
        byte[][] random = randomKeys();
        for (int n = 3; n <= 10; n++) {
            Ring ring = new Ring(members(n), Ring.DEFAULT_PARTITIONS);
            double seq = worstDeviation(ring, sequential);
            double rnd = worstDeviation(ring, random);
            assertTrue(seq <= MAX_DEVIATION, n + " members, sequential keys: worst deviation " + seq);
            assertTrue(rnd <= MAX_DEVIATION, n + " members, random keys (seed " + SEED + "): worst deviation " + rnd);
        }
    }

    @Test
    void share_threeMembers_sumsToOneAndEachNearAThird() {
        Ring ring = new Ring(members(3), Ring.DEFAULT_PARTITIONS);
        double total = 0;
        for (int m = 0; m < 3; m++) {
            total += ring.share(m);
            assertEquals(1.0 / 3, ring.share(m), 0.01);
        }
        assertEquals(1.0, total, 1e-9);
    }

    @Test
    void owner_membersInAnyOrder_sameOwnerForEveryKey() {
        List<String> ordered = members(5);
        List<String> shuffled = new ArrayList<>(ordered);
        Collections.shuffle(shuffled, new Random(SEED));
        Collections.reverse(ordered);
        Ring a = new Ring(ordered, Ring.DEFAULT_PARTITIONS);
        Ring b = new Ring(shuffled, Ring.DEFAULT_PARTITIONS);
        assertEquals(a.members(), b.members());
        for (int i = 0; i < 100_000; i++) {
            byte[] key = ("key" + i).getBytes(StandardCharsets.UTF_8);
            assertEquals(a.owner(key), b.owner(key));
            assertArrayEquals(a.preferenceList(key, 3), b.preferenceList(key, 3));
        }
    }

    @Test
    void owner_memberAddedToThree_movesAtMostItsShareAllToTheNewMember() {
        assertJoinMovesOnlyToNewMember(3);
    }

    @Test
    void owner_memberAddedToNine_movesAtMostItsShareAllToTheNewMember() {
        assertJoinMovesOnlyToNewMember(9);
    }

    private static void assertJoinMovesOnlyToNewMember(int n) {
        List<String> before = members(n);
        List<String> after = members(n + 1);
        String joined = after.get(n);
        Ring old = new Ring(before, Ring.DEFAULT_PARTITIONS);
        Ring grown = new Ring(after, Ring.DEFAULT_PARTITIONS);
        int moved = 0;
        for (byte[] key : randomKeys()) {
            String was = old.members().get(old.owner(key));
            String is = grown.members().get(grown.owner(key));
            if (!was.equals(is)) {
                moved++;
                assertEquals(joined, is, "a key moved between old members");
            }
        }
        double limit = 1.1 * KEYS / (n + 1);
        assertTrue(moved <= limit, "moved " + moved + " keys, limit " + limit);
        assertTrue(moved > 0.9 * KEYS / (n + 1), "the new member took only " + moved + " keys");
    }

    @Test
    void preferenceList_isDistinctAndEachPrefixOfTheNext() {
        Ring ring = new Ring(members(5), Ring.DEFAULT_PARTITIONS);
        for (int i = 0; i < 10_000; i++) {
            byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
            int[] full = ring.preferenceList(key, 5);
            Set<Integer> distinct = new HashSet<>();
            for (int member : full) {
                distinct.add(member);
            }
            assertEquals(5, distinct.size());
            assertEquals(ring.owner(key), full[0]);
            for (int n = 1; n < 5; n++) {
                int[] shorter = ring.preferenceList(key, n);
                for (int j = 0; j < n; j++) {
                    assertEquals(full[j], shorter[j]);
                }
            }
        }
    }

    @Test
    void preferenceList_fromAboveMembers_returnsAllMembers() {
        Ring ring = new Ring(members(3), Ring.DEFAULT_PARTITIONS);
        assertEquals(3, ring.preferenceList("x".getBytes(StandardCharsets.UTF_8), 7).length);
    }

    @Test
    void owner_singleMember_ownsEverything() {
        Ring ring = new Ring(List.of("http://localhost:8080"), Ring.DEFAULT_PARTITIONS);
        assertEquals(0, ring.owner("anything".getBytes(StandardCharsets.UTF_8)));
        assertEquals(1.0, ring.share(0), 0.0);
    }
}
