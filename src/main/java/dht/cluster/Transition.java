package dht.cluster;

import java.util.List;
import java.util.Locale;

/**
 * A change of the member set under way: who joins, leaves or is removed, the members it leads
 * to, and how far it got. The phases go in order, each one epoch, and every member holds a phase
 * before the driver moves on to the next:
 * <ol>
 *   <li>{@link Phase#DUAL_WRITES}: writes go to the replicas of both rings; reads use the old one.</li>
 *   <li>{@link Phase#STREAMING}: the same, and the new replicas pull the records they lack.</li>
 *   <li>{@link Phase#READ_NEW}: every stream is done; reads use the new ring, writes still both.</li>
 * </ol>
 * The epoch after the last phase holds the new member set alone.
 *
 * @param kind what the change is
 * @param subject the member joining, leaving or being removed
 * @param phase how far the change got
 * @param next the members once it is done, sorted
 * @param driver the member that moves the change from phase to phase
 * @param startedMillis when it began, wall clock
 * @param startEpoch the epoch of its first phase: the change's name, the same in every phase
 */
public record Transition(Kind kind, String subject, Phase phase, List<String> next, String driver, long startedMillis,
                         long startEpoch) {

    public enum Kind {
        JOIN, LEAVE, REMOVE;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** @throws IllegalArgumentException for no kind's label */
        public static Kind of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT));
        }
    }

    public enum Phase {
        DUAL_WRITES, STREAMING, READ_NEW;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** @throws IllegalArgumentException for no phase's label */
        public static Phase of(String label) {
            return valueOf(label.toUpperCase(Locale.ROOT).replace('-', '_'));
        }
    }

    public Transition {
        next = List.copyOf(next);
    }

    /** The member that is gone for good and can neither send nor take part: the subject of a remove. */
    public String removed() {
        return kind == Kind.REMOVE ? subject : null;
    }

    Transition in(Phase later) {
        return new Transition(kind, subject, later, next, driver, startedMillis, startEpoch);
    }
}
