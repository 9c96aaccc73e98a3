package dht.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The cluster's members at one epoch, and the change under way if any: what every node routes
 * requests by. Each node keeps the newest one it has seen in its store and adopts another only
 * if its epoch is higher, so epochs order every change the same way on every node. Immutable.
 *
 * <p>The encoding is a few lines of text, for the store and for the calls that pass it between
 * nodes:
 * <pre>
 * dht-membership 1
 * epoch 7
 * replicas 3
 * member http://10.0.0.1:8080           one line per member, sorted
 * transition join http://10.0.0.4:8080 streaming http://10.0.0.1:8080 1764700000000 6
 *                                       kind, subject, phase, driver, started (ms), first epoch
 * next http://10.0.0.1:8080             one line per member once the change is done, sorted
 * </pre>
 *
 * @param epoch how many changes, phases included, led here; 1 for the first member set
 * @param replicas the replication factor: copies of each key, the default {@code from}
 * @param members the members whose ring serves now, sorted
 * @param transition the change under way, or null
 */
public record Membership(long epoch, int replicas, List<String> members, Transition transition) {
    private static final String MAGIC = "dht-membership 1";

    public Membership {
        if (epoch < 1 || replicas < 1 || members.isEmpty()) {
            throw new IllegalArgumentException("a membership needs an epoch, a replication factor and members");
        }
        members = List.copyOf(new TreeSet<>(members));
    }

    /** The membership a cluster starts with. */
    public static Membership initial(Collection<String> members, int replicas) {
        return new Membership(1, replicas, List.copyOf(members), null);
    }

    /** The members once the change under way is done; the members themselves when none is. */
    public List<String> next() {
        return transition == null ? members : transition.next();
    }

    /** Every member of either ring: who holds data or will. */
    public Set<String> everyone() {
        Set<String> all = new LinkedHashSet<>(members);
        all.addAll(next());
        return all;
    }

    /** Who must hold each phase before the next one: everyone but the member being removed. */
    public Set<String> participants() {
        Set<String> all = everyone();
        if (transition != null && transition.removed() != null) {
            all.remove(transition.removed());
        }
        return all;
    }

    public boolean contains(String url) {
        return members.contains(url) || next().contains(url);
    }

    /** The member's state: {@code joining}, {@code leaving}, {@code normal}, or null for no member. */
    public String state(String url) {
        boolean now = members.contains(url);
        boolean later = next().contains(url);
        return now && later ? "normal" : now ? "leaving" : later ? "joining" : null;
    }

    /** The first phase of a change: one epoch later. */
    public Membership begin(Transition.Kind kind, String subject, String driver, long nowMillis) {
        if (transition != null) {
            throw new IllegalStateException("a change is already under way");
        }
        Set<String> next = new TreeSet<>(members);
        if (kind == Transition.Kind.JOIN) {
            next.add(subject);
        } else {
            next.remove(subject);
        }
        Transition change = new Transition(kind, subject, Transition.Phase.DUAL_WRITES, new ArrayList<>(next), driver,
                nowMillis, epoch + 1);
        return new Membership(epoch + 1, replicas, members, change);
    }

    /** The change's next phase, or the new member set alone after its last: one epoch later. */
    public Membership advance() {
        if (transition == null) {
            throw new IllegalStateException("no change is under way");
        }
        Transition.Phase[] phases = Transition.Phase.values();
        int phase = transition.phase().ordinal();
        return phase + 1 < phases.length
                ? new Membership(epoch + 1, replicas, members, transition.in(phases[phase + 1]))
                : new Membership(epoch + 1, replicas, transition.next(), null);
    }

    /**
     * The change under way called off: the members as they were, one epoch later. Safe in every
     * phase, since every write of the change went to the old ring's replicas too, and no member
     * deletes anything before a change is done.
     */
    public Membership abort() {
        if (transition == null) {
            throw new IllegalStateException("no change is under way");
        }
        return new Membership(epoch + 1, replicas, members, null);
    }

    public byte[] encode() {
        StringBuilder out = new StringBuilder(MAGIC).append('\n')
                .append("epoch ").append(epoch).append('\n')
                .append("replicas ").append(replicas).append('\n');
        for (String member : members) {
            out.append("member ").append(member).append('\n');
        }
        if (transition != null) {
            out.append("transition ").append(transition.kind().label()).append(' ').append(transition.subject())
                    .append(' ').append(transition.phase().label()).append(' ').append(transition.driver())
                    .append(' ').append(transition.startedMillis()).append(' ').append(transition.startEpoch()).append('\n');
            for (String member : transition.next()) {
                out.append("next ").append(member).append('\n');
            }
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** @throws IllegalArgumentException when the bytes are no membership */
    public static Membership decode(byte[] bytes) {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 4 || !lines[0].equals(MAGIC)) {
            throw new IllegalArgumentException("not a membership record");
        }
        long epoch = -1;
        int replicas = -1;
        List<String> members = new ArrayList<>();
        List<String> next = new ArrayList<>();
        String[] change = null;
        try {
            for (int i = 1; i < lines.length; i++) {
                String[] words = lines[i].split(" ");
                switch (words[0]) {
                    case "epoch" -> epoch = Long.parseLong(words[1]);
                    case "replicas" -> replicas = Integer.parseInt(words[1]);
                    case "member" -> members.add(words[1]);
                    case "next" -> next.add(words[1]);
                    case "transition" -> change = words;
                    default -> throw new IllegalArgumentException("unknown line '" + lines[i] + "'");
                }
            }
            Transition transition = change == null ? null : new Transition(Transition.Kind.of(change[1]), change[2],
                    Transition.Phase.of(change[3]), next, change[4], Long.parseLong(change[5]), Long.parseLong(change[6]));
            if (transition != null && next.isEmpty()) {
                throw new IllegalArgumentException("a change that leaves no members");
            }
            return new Membership(epoch, replicas, members, transition);
        } catch (ArrayIndexOutOfBoundsException | NumberFormatException e) {
            throw new IllegalArgumentException("a bad membership record: " + e.getMessage(), e);
        }
    }
}
