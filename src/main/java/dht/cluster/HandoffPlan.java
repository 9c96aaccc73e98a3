package dht.cluster;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which records move where when the member set changes: for each arc, the new replicas that the
 * old ring did not have, and the members they copy the arc from.
 *
 * <p>Design. Per arc, the new replicas are paired with the old replicas they displace, in
 * preference-list order, and each copies from its partner. The new ring's replicas of the arc are
 * then the old ones with each displaced replica replaced by a member holding what it held, plus
 * every write since the change began (those went to both rings): any write that {@code ack} old
 * replicas acknowledged is on {@code ack} new ones, so quorums of the new ring meet quorums of
 * the old. This is why a new replica does not copy from just any old one: an old replica
 * outside the write's quorum could lack it. A removed member is gone and cannot send; a new
 * replica of one of its arcs copies from every surviving old replica instead and merges them
 * newest-wins, which holds every write that a quorum including a survivor acknowledged.
 *
 * <p>One stream per source and target carries all the arcs between them. Pure: the same rings
 * give the same plan on every node, which is how a source knows what a target asks for.
 */
public final class HandoffPlan {
    /** The arcs one member sends another. */
    public record Stream(String source, String target, BitSet arcs) {
        public int arcCount() {
            return arcs.cardinality();
        }
    }

    private final List<Stream> streams;
    private final Map<String, Integer> heldArcs;

    private HandoffPlan(List<Stream> streams, Map<String, Integer> heldArcs) {
        this.streams = streams;
        this.heldArcs = heldArcs;
    }

    /**
     * @param replicas copies of each key
     * @param removed the member that is gone for good, or null
     */
    public static HandoffPlan of(Ring old, Ring next, int replicas, String removed) {
        if (old.partitions() != next.partitions()) {
            throw new IllegalArgumentException("both rings need the same arcs");
        }
        List<String> oldMembers = old.members();
        int[] inNext = new int[oldMembers.size()];
        for (int i = 0; i < inNext.length; i++) {
            inNext[i] = next.members().indexOf(oldMembers.get(i));
        }
        int removedIndex = removed == null ? -1 : oldMembers.indexOf(removed);
        Map<String, Map<String, BitSet>> bySource = new LinkedHashMap<>();
        int[] held = new int[oldMembers.size()];
        for (int arc = 0; arc < old.partitions(); arc++) {
            int[] before = old.preferenceListOfArc(arc, replicas);
            int[] after = next.preferenceListOfArc(arc, replicas);
            for (int member : before) {
                held[member]++;
            }
            int[] pending = missing(after, before, inNext, true);
            if (pending.length == 0) {
                continue;
            }
            int[] displaced = missing(before, after, inNext, false);
            boolean lostAMember = removedIndex >= 0 && contains(before, removedIndex);
            for (int i = 0; i < pending.length; i++) {
                String target = next.members().get(pending[i]);
                if (lostAMember) {
                    for (int source : before) {
                        if (source != removedIndex) {
                            add(bySource, oldMembers.get(source), target, arc);
                        }
                    }
                } else if (i < displaced.length) {
                    add(bySource, oldMembers.get(displaced[i]), target, arc);
                }
            }
        }
        List<Stream> streams = new ArrayList<>();
        bySource.forEach((source, targets) -> targets.forEach((target, arcs) -> streams.add(new Stream(source, target, arcs))));
        Map<String, Integer> heldArcs = new LinkedHashMap<>();
        for (int i = 0; i < held.length; i++) {
            heldArcs.put(oldMembers.get(i), held[i]);
        }
        return new HandoffPlan(List.copyOf(streams), heldArcs);
    }

    /**
     * The entries of {@code list} that {@code other} lacks, in order. With {@code listIsNext} the
     * list holds indices of the next ring and {@code other} of the old one; otherwise the reverse.
     */
    private static int[] missing(int[] list, int[] other, int[] inNext, boolean listIsNext) {
        int[] result = new int[list.length];
        int found = 0;
        for (int entry : list) {
            boolean present = false;
            for (int o : other) {
                present |= listIsNext ? inNext[o] == entry : inNext[entry] == o;
            }
            if (!present) {
                result[found++] = entry;
            }
        }
        return Arrays.copyOf(result, found);
    }

    private static boolean contains(int[] list, int value) {
        for (int entry : list) {
            if (entry == value) {
                return true;
            }
        }
        return false;
    }

    private static void add(Map<String, Map<String, BitSet>> bySource, String source, String target, int arc) {
        bySource.computeIfAbsent(source, s -> new LinkedHashMap<>()).computeIfAbsent(target, t -> new BitSet()).set(arc);
    }

    public List<Stream> streams() {
        return streams;
    }

    /** The streams the member pulls. */
    public List<Stream> into(String target) {
        return streams.stream().filter(stream -> stream.target().equals(target)).toList();
    }

    /** The stream from one member to another, or null when it sends it nothing. */
    public Stream between(String source, String target) {
        for (Stream stream : streams) {
            if (stream.source().equals(source) && stream.target().equals(target)) {
                return stream;
            }
        }
        return null;
    }

    /** How many arcs the member replicates in the old ring: with its key count, what a stream's share is estimated from. */
    public int heldArcs(String member) {
        return heldArcs.getOrDefault(member, 0);
    }
}
