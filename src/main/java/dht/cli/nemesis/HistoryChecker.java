package dht.cli.nemesis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToLongFunction;

/**
 * Checks a history of client operations against what dht promises.
 *
 * <p>Design. Every value written is unique, so a value read names the one PUT that wrote it; a
 * missing key stands for any DELETE of it, or for the key never having been written. A state is
 * legal for a moment L when at least one write that could have produced it is not followed, in
 * real time, by a write acknowledged before L: with last-writer-wins versions stamped between
 * invocation and answer, a write that began after another ended carries the larger version and
 * must win. Writes that failed or timed out may have taken effect, so they count as possible
 * producers, never as acknowledged ones. The final state is checked with L at infinity (no
 * acknowledged write lost, no acknowledged delete undone); a read that needs a quorum of
 * replicas with {@code ack + ack > from} is checked with L at its invocation (no stale read).
 *
 * <p>Cost. For each key the acknowledged writes are sorted by completion with a running maximum
 * of their invocations, and deletes by invocation with a running maximum of when they settled,
 * so each check is two binary searches: a ten-minute run's million operations check in seconds.
 *
 * <p>What it does not check: which of two concurrent writes wins (either may), that failed
 * writes did not take effect (they may), or linearizability beyond the rules above.
 */
final class HistoryChecker {
    /** One broken promise, with the key's whole history for whoever investigates it. */
    record Violation(String check, String key, String detail, List<String> history) {
    }

    /** What the key's replicas held after the run, and what a read through each node returned. */
    record FinalState(String value, boolean replicasAgree, String replicas, List<FinalRead> reads) {
    }

    /** A read through one node after the run: ok with its value (null: not found), or failed. */
    record FinalRead(int node, boolean ok, String value, String detail) {
    }

    private final Map<String, List<Op>> byKey = new LinkedHashMap<>();
    private final boolean strongReads;
    private final long deadline;
    private final List<FaultWindow> windows;

    /**
     * @param strongReads whether reads and writes used {@code ack + ack > from}, so reads must not be stale
     * @param deadline    nanoseconds within which the store must settle a request to a healthy node
     * @param windows     the faults injected: a node's own process faults excuse its lateness, delay adds to its deadline
     */
    HistoryChecker(List<Op> ops, boolean strongReads, long deadline, List<FaultWindow> windows) {
        for (Op op : ops) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        this.strongReads = strongReads;
        this.deadline = deadline;
        this.windows = List.copyOf(windows);
    }

    List<Violation> check(Map<String, FinalState> finals) {
        List<Violation> violations = new ArrayList<>();
        for (Map.Entry<String, FinalState> entry : finals.entrySet()) {
            String key = entry.getKey();
            FinalState state = entry.getValue();
            KeyHistory history = new KeyHistory(byKey.getOrDefault(key, List.of()));
            history.judge("final value", state.value(), Long.MAX_VALUE, Long.MAX_VALUE).ifPresent(detail ->
                    violations.add(new Violation(detail.check, key, "final value " + show(state.value()) + ": " + detail.text,
                            history.lines())));
            if (!state.replicasAgree()) {
                violations.add(new Violation("replicas disagree", key, state.replicas(), history.lines()));
            }
            for (FinalRead read : state.reads()) {
                if (!read.ok() || !Objects.equals(read.value(), state.value())) {
                    violations.add(new Violation("final read", key, "through node " + read.node() + ": "
                            + (read.ok() ? show(read.value()) + ", the replicas hold " + show(state.value()) : read.detail()),
                            history.lines()));
                }
            }
            if (strongReads) {
                for (Op read : history.ops) {
                    if (read.kind() == Op.Kind.GET && read.outcome() == Op.Outcome.ACK) {
                        history.judge("stale read", read.value(), read.complete(), read.invoke()).ifPresent(detail ->
                                violations.add(new Violation(detail.check, key, read.describe().strip() + ": " + detail.text,
                                        history.lines())));
                    }
                }
            }
        }
        for (List<Op> ops : byKey.values()) {
            for (Op op : ops) {
                long allowed = allowed(op);
                if (allowed >= 0 && op.latency() > allowed) {
                    violations.add(new Violation("deadline", op.key(), String.format("%s took %.0f ms, allowed %.0f ms",
                            op.describe().strip(), op.latency() / 1e6, allowed / 1e6), List.of()));
                }
            }
        }
        return violations;
    }

    /** How long the store may take for this operation, or -1 when its own node was down or hung meanwhile. */
    private long allowed(Op op) {
        long allowed = deadline;
        for (FaultWindow window : windows) {
            if (window.node() == op.node() && window.overlaps(op.invoke(), op.complete())) {
                if (window.fault().process) {
                    return -1;
                }
                allowed += 2_000_000L * window.delayMillis(); // the request and its answer each cross the link
            }
        }
        return allowed;
    }

    private static String show(String value) {
        return value == null ? "(absent)" : value;
    }

    private record Finding(String check, String text) {
    }

    /** One key's operations, indexed for the legality rule. */
    private static final class KeyHistory {
        final List<Op> ops;
        final Map<String, Op> putsByValue = new LinkedHashMap<>();
        /** Acknowledged writes by completion, with the latest invocation among each prefix. */
        final Op[] acked;
        final long[] ackedComplete;
        final int[] latestInvokedUpTo;
        /** Deletes by invocation, with the latest-settling among each prefix. */
        final Op[] deletes;
        final long[] deleteInvoke;
        final int[] latestSettledUpTo;

        KeyHistory(List<Op> ops) {
            this.ops = ops;
            List<Op> ackedWrites = new ArrayList<>();
            List<Op> deleteOps = new ArrayList<>();
            for (Op op : ops) {
                if (op.kind() == Op.Kind.PUT) {
                    putsByValue.put(op.value(), op);
                } else if (op.kind() == Op.Kind.DELETE) {
                    deleteOps.add(op);
                }
                if (op.write() && op.outcome() == Op.Outcome.ACK) {
                    ackedWrites.add(op);
                }
            }
            acked = ackedWrites.stream().sorted(Comparator.comparingLong(Op::complete)).toArray(Op[]::new);
            ackedComplete = Arrays.stream(acked).mapToLong(Op::complete).toArray();
            latestInvokedUpTo = runningBest(acked, Op::invoke);
            deletes = deleteOps.stream().sorted(Comparator.comparingLong(Op::invoke)).toArray(Op[]::new);
            deleteInvoke = Arrays.stream(deletes).mapToLong(Op::invoke).toArray();
            latestSettledUpTo = runningBest(deletes, Op::settled);
        }

        /**
         * Whether the state (a value, or null: absent) may be observed at a moment when every
         * write acknowledged before {@code ackedBefore} must be visible, by an observer that
         * ended at {@code observedBy} (no write invoked after that can be what it saw).
         */
        Optional<Finding> judge(String staleCheck, String value, long observedBy, long ackedBefore) {
            Op producer;
            if (value != null) {
                producer = putsByValue.get(value);
                if (producer == null) {
                    return Optional.of(new Finding("unknown value", "no client wrote it"));
                }
                if (producer.invoke() > observedBy) {
                    return Optional.of(new Finding("future read", "written only after the read ended: "
                            + producer.describe().strip()));
                }
            } else {
                int last = lastBelow(deleteInvoke, observedBy);
                producer = last < 0 ? null : deletes[latestSettledUpTo[last]];
            }
            long producerSettled = producer == null ? Long.MIN_VALUE : producer.settled();
            int upTo = lastBelow(ackedComplete, ackedBefore);
            if (upTo < 0) {
                return Optional.empty();
            }
            Op newest = acked[latestInvokedUpTo[upTo]];
            if (producerSettled >= newest.invoke()) {
                return Optional.empty();
            }
            String check = !staleCheck.equals("final value") ? staleCheck
                    : newest.kind() == Op.Kind.DELETE ? "undone delete" : "lost write";
            String origin = producer == null ? (value == null ? "no DELETE of the key began before it was seen" : "")
                    : "written by " + producer.describe().strip();
            return Optional.of(new Finding(check, origin + "; yet this acknowledged write began after that ended: "
                    + newest.describe().strip()));
        }

        List<String> lines() {
            return ops.stream().sorted(Comparator.comparingLong(Op::invoke)).map(Op::describe).toList();
        }

        private static int[] runningBest(Op[] ops, ToLongFunction<Op> measure) {
            int[] best = new int[ops.length];
            for (int i = 0; i < ops.length; i++) {
                best[i] = i > 0 && measure.applyAsLong(ops[best[i - 1]]) >= measure.applyAsLong(ops[i]) ? best[i - 1] : i;
            }
            return best;
        }

        /** The index of the last element strictly below the bound, or -1. */
        private static int lastBelow(long[] sorted, long bound) {
            int low = 0;
            int high = sorted.length;
            while (low < high) {
                int middle = (low + high) >>> 1;
                if (sorted[middle] < bound) {
                    low = middle + 1;
                } else {
                    high = middle;
                }
            }
            return low - 1;
        }
    }
}
