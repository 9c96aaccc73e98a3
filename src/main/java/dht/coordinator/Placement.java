package dht.coordinator;

import dht.cluster.HandoffPlan;
import dht.cluster.Membership;
import dht.cluster.ReplicaProtocol;
import dht.cluster.Ring;
import dht.cluster.Transition;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Which replicas serve a key under one membership: its preference list in the members' ring and,
 * while a change is under way, in the ring the change leads to.
 *
 * <p>Design. During a change, a write goes to the union of both lists and needs {@code ack}
 * answers plus one more for each member by which the lists differ (Cassandra's rule for pending
 * ranges): with P new replicas that are not old ones and D old ones that are not new, it waits
 * for {@code ack + max(P, D)} of the union. However those answers fall, at least {@code ack} come
 * from each list, so a quorum of either ring holds the write, and the union answers even with
 * one replica of it down. Reads use the old list until every new replica holds its data
 * ({@link Transition.Phase#READ_NEW}), then the new one. Immutable but for the count of writes
 * in flight, which lets a node wait, before it takes part in a change, for the writes it began
 * without knowing of it.
 */
public final class Placement {
    // fixed after construction
    private final Membership membership;
    private final Ring current;
    private final Ring next;
    private final Replica[] currentReplicas;
    private final Replica[] nextReplicas;
    private final boolean readsNext;
    private final int replicas;
    private final String epochHeader;

    /** Writes begun under this placement that have not settled. */
    final LongAdder writes = new LongAdder();

    // computed on first use, then fixed
    private volatile HandoffPlan plan;
    private volatile double[] shares;
    private volatile double[] nextShares;

    private Placement(Membership membership, Ring current, Ring next, Function<String, Replica> replicaOf) {
        this.membership = membership;
        this.current = current;
        this.next = next;
        this.currentReplicas = replicas(current, replicaOf);
        this.nextReplicas = next == null ? null : replicas(next, replicaOf);
        this.readsNext = next != null && membership.transition().phase() == Transition.Phase.READ_NEW;
        this.replicas = membership.replicas();
        this.epochHeader = ReplicaProtocol.EPOCH_HEADER + ": " + membership.epoch();
    }

    /**
     * @param previous the placement before, whose rings are reused when their members are the same
     * @param replicaOf the replica of each member URL
     */
    public static Placement of(Membership membership, int partitions, Placement previous, Function<String, Replica> replicaOf) {
        Ring current = ring(membership.members(), partitions, previous);
        Ring next = membership.transition() == null ? null : ring(membership.next(), partitions, previous);
        return new Placement(membership, current, next, replicaOf);
    }

    private static Ring ring(List<String> members, int partitions, Placement previous) {
        if (previous != null) {
            for (Ring ring : new Ring[] {previous.current, previous.next}) {
                if (ring != null && ring.members().equals(members) && ring.partitions() == partitions) {
                    return ring;
                }
            }
        }
        return new Ring(members, partitions);
    }

    private static Replica[] replicas(Ring ring, Function<String, Replica> replicaOf) {
        Replica[] replicas = new Replica[ring.size()];
        for (int i = 0; i < replicas.length; i++) {
            replicas[i] = replicaOf.apply(ring.members().get(i));
        }
        return replicas;
    }

    public Membership membership() {
        return membership;
    }

    public long epoch() {
        return membership.epoch();
    }

    /** The header that tells a client the epoch, so that it reads the members again when it changed. */
    public String epochHeader() {
        return epochHeader;
    }

    /** The ring of the members. */
    public Ring ring() {
        return current;
    }

    /** The ring the change under way leads to, or null. */
    public Ring nextRing() {
        return next;
    }

    public boolean changing() {
        return next != null;
    }

    /** The default {@code from}: the replication factor, or every member of the smaller ring if it has fewer. */
    public int replicationFactor() {
        return Math.min(replicas, members());
    }

    /** The most replicas a request can name: the size of the smaller ring. */
    public int members() {
        return next == null ? current.size() : Math.min(current.size(), next.size());
    }

    public Replica[] readReplicas(byte[] key, int from) {
        return readsNext ? pick(next, nextReplicas, key, from) : pick(current, currentReplicas, key, from);
    }

    /** The key's replicas in the members' ring, then those of the next ring that are not among them. */
    public Replica[] writeReplicas(byte[] key, int from) {
        Replica[] now = pick(current, currentReplicas, key, from);
        if (next == null) {
            return now;
        }
        Replica[] later = pick(next, nextReplicas, key, from);
        Replica[] union = new Replica[now.length + later.length];
        System.arraycopy(now, 0, union, 0, now.length);
        int size = now.length;
        for (Replica replica : later) {
            if (!contains(now, replica)) {
                union[size++] = replica;
            }
        }
        return size == union.length ? union : Arrays.copyOf(union, size);
    }

    /** The answers a write to {@link #writeReplicas} of this length needs. */
    public int writeAck(int ack, int from, int replicaCount) {
        if (next == null) {
            return ack;
        }
        int before = Math.min(from, current.size());
        int after = Math.min(from, next.size());
        int pending = replicaCount - before;
        int displaced = before - (after - pending);
        return ack + Math.max(pending, displaced);
    }

    /** Every member of either ring: whose records a range read merges. */
    public List<Replica> everyone() {
        Set<Replica> all = new LinkedHashSet<>(List.of(currentReplicas));
        if (nextReplicas != null) {
            all.addAll(List.of(nextReplicas));
        }
        return new ArrayList<>(all);
    }

    /** Every member of either ring but this node. */
    public List<Replica> peers() {
        List<Replica> peers = everyone();
        peers.removeIf(Replica::isLocal);
        return peers;
    }

    /** The plan if it was computed already, else null: for reports on threads that must not compute it. */
    public HandoffPlan computedPlan() {
        return plan;
    }

    /** What moves where in the change under way; computed on first use, which takes a scan of every arc. */
    public HandoffPlan plan() {
        HandoffPlan computed = plan;
        if (computed == null && next != null) {
            computed = HandoffPlan.of(current, next, replicas, membership.transition().removed());
            plan = computed;
        }
        return computed;
    }

    /** The member's share of the members' ring, 0 to 1; 0 for no member. */
    public double share(String url) {
        double[] computed = shares;
        if (computed == null) {
            computed = shares(current);
            shares = computed;
        }
        int member = current.members().indexOf(url);
        return member < 0 ? 0 : computed[member];
    }

    /** The member's share of the ring the change under way leads to; its share now without a change. */
    public double nextShare(String url) {
        if (next == null) {
            return share(url);
        }
        double[] computed = nextShares;
        if (computed == null) {
            computed = shares(next);
            nextShares = computed;
        }
        int member = next.members().indexOf(url);
        return member < 0 ? 0 : computed[member];
    }

    private static double[] shares(Ring ring) {
        double[] shares = new double[ring.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = ring.share(i);
        }
        return shares;
    }

    private static Replica[] pick(Ring ring, Replica[] replicas, byte[] key, int from) {
        int[] indices = ring.preferenceList(key, from);
        Replica[] picked = new Replica[indices.length];
        for (int i = 0; i < indices.length; i++) {
            picked[i] = replicas[indices[i]];
        }
        return picked;
    }

    private static boolean contains(Replica[] replicas, Replica replica) {
        for (Replica r : replicas) {
            if (r == replica) {
                return true;
            }
        }
        return false;
    }
}
