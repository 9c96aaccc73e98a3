package dht.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HandoffPlanTest {
    private static final int PARTITIONS = 1 << 12;
    private static final long SEED = 20261203L;
    private static final String A = "http://127.0.0.1:1";
    private static final String B = "http://127.0.0.1:2";
    private static final String C = "http://127.0.0.1:3";
    private static final String D = "http://127.0.0.1:4";

    @Test
    void join_everyStreamGoesToTheNewMember_fromTheReplicaItDisplaces() {
        Ring old = new Ring(List.of(A, B, C), PARTITIONS);
        Ring next = new Ring(List.of(A, B, C, D), PARTITIONS);
        HandoffPlan plan = HandoffPlan.of(old, next, 3, null);
        BitSet covered = new BitSet();
        for (HandoffPlan.Stream stream : plan.streams()) {
            assertEquals(D, stream.target());
            assertTrue(!covered.intersects(stream.arcs()), "each arc comes from one source");
            covered.or(stream.arcs());
            for (int arc = stream.arcs().nextSetBit(0); arc >= 0; arc = stream.arcs().nextSetBit(arc + 1)) {
                Set<String> after = urls(next, next.preferenceListOfArc(arc, 3));
                assertTrue(!after.contains(stream.source()), "the source is the replica the arc loses");
            }
        }
        for (int arc = 0; arc < PARTITIONS; arc++) {
            assertEquals(urls(next, next.preferenceListOfArc(arc, 3)).contains(D), covered.get(arc), "arc " + arc);
        }
        double share = (double) covered.cardinality() / PARTITIONS;
        assertTrue(Math.abs(share - 0.75) < 0.03, "the new member holds three quarters of the keys: " + share);
        assertEquals(PARTITIONS, plan.heldArcs(A), "with 3 members and 3 copies, each held every arc");
    }

    @Test
    void remove_newReplicasCopyFromEverySurvivor() {
        Ring old = new Ring(List.of(A, B, C, D), PARTITIONS);
        Ring next = new Ring(List.of(A, B, C), PARTITIONS);
        HandoffPlan plan = HandoffPlan.of(old, next, 3, D);
        Map<Integer, Set<String>> sourcesByArc = new HashMap<>();
        for (HandoffPlan.Stream stream : plan.streams()) {
            assertTrue(!stream.source().equals(D), "a removed member sends nothing");
            for (int arc = stream.arcs().nextSetBit(0); arc >= 0; arc = stream.arcs().nextSetBit(arc + 1)) {
                sourcesByArc.computeIfAbsent(arc, a -> new HashSet<>()).add(stream.source());
            }
        }
        for (int arc = 0; arc < PARTITIONS; arc++) {
            Set<String> before = urls(old, old.preferenceListOfArc(arc, 3));
            if (before.contains(D)) {
                before.remove(D);
                assertEquals(before, sourcesByArc.get(arc), "arc " + arc + " copies from both survivors");
            } else {
                assertTrue(!sourcesByArc.containsKey(arc), "an arc D did not hold does not move");
            }
        }
    }

    /**
     * The plan's promise, checked by simulation: writes acknowledged by random quorums of the old
     * replicas, then the plan's copies, leave every write on a quorum of the new replicas.
     */
    @Test
    void everyQuorumWriteOfTheOldRingIsOnAQuorumOfTheNewOne() {
        Random random = new Random(SEED);
        List<List<String>> clusters = List.of(List.of(A, B, C), List.of(A, B, C, D), List.of(A, B, C, D, "http://127.0.0.1:5"));
        for (List<String> before : clusters) {
            for (String changed : List.of(A, D)) {
                List<String> after = new ArrayList<>(before);
                if (!after.remove(changed)) {
                    after.add(changed);
                }
                if (after.size() < 3) {
                    continue;
                }
                Ring old = new Ring(before, PARTITIONS);
                Ring next = new Ring(after, PARTITIONS);
                HandoffPlan plan = HandoffPlan.of(old, next, 3, null);
                for (int arc = 0; arc < PARTITIONS; arc++) {
                    List<String> oldReplicas = List.copyOf(urls(old, old.preferenceListOfArc(arc, 3)));
                    Set<String> holders = new HashSet<>(oldReplicas);
                    holders.remove(oldReplicas.get(random.nextInt(3))); // a quorum of 2 took the write
                    Set<String> copied = new HashSet<>(holders);
                    for (HandoffPlan.Stream stream : plan.streams()) {
                        if (stream.arcs().get(arc) && holders.contains(stream.source())) {
                            copied.add(stream.target());
                        }
                    }
                    Set<String> newReplicas = urls(next, next.preferenceListOfArc(arc, 3));
                    newReplicas.retainAll(copied);
                    assertTrue(newReplicas.size() >= 2, before + " -> " + after + ", arc " + arc + ": " + newReplicas);
                }
            }
        }
    }

    private static Set<String> urls(Ring ring, int[] members) {
        Set<String> urls = new java.util.LinkedHashSet<>();
        for (int member : members) {
            urls.add(ring.members().get(member));
        }
        return urls;
    }
}
