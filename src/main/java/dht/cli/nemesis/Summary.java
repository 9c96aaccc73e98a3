package dht.cli.nemesis;

import dht.cli.nemesis.HistoryChecker.Violation;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The report of a run: what was done, what the store acknowledged, how fast, and every broken promise. */
final class Summary {
    private static final int HISTORY_LINES_SHOWN = 40;

    private Summary() {
    }

    /**
     * @param header   the run's settings, schedule and skipped faults, already written as lines
     * @param complete whether each violation's history is written in full (the file) or cut (the console)
     */
    static String render(String header, List<Op> ops, List<FaultWindow> windows, List<Violation> violations,
                         String convergence, boolean complete) {
        StringBuilder out = new StringBuilder(header);
        Map<Op.Kind, Map<Op.Outcome, Integer>> counts = new EnumMap<>(Op.Kind.class);
        for (Op op : ops) {
            counts.computeIfAbsent(op.kind(), k -> new EnumMap<>(Op.Outcome.class)).merge(op.outcome(), 1, Integer::sum);
        }
        out.append(String.format("operations: %d%n", ops.size()));
        counts.forEach((kind, byOutcome) -> out.append(String.format("  %-6s %s%n", kind, byOutcome)));
        out.append("acknowledged share, by what held when the operation began:\n");
        Map<String, int[]> shares = new LinkedHashMap<>();
        shares.put("all nodes up", new int[2]);
        for (FaultWindow window : windows) {
            shares.putIfAbsent(window.fault().flagName(), new int[2]);
        }
        for (Op op : ops) {
            String during = "all nodes up";
            for (FaultWindow window : windows) {
                if (window.holds(op.invoke())) {
                    during = window.fault().flagName();
                }
            }
            int[] share = shares.get(during);
            share[0] += op.outcome() == Op.Outcome.ACK ? 1 : 0;
            share[1]++;
        }
        shares.forEach((during, share) -> out.append(String.format("  %-14s %6.2f%% of %d%n", during,
                share[1] == 0 ? 0.0 : 100.0 * share[0] / share[1], share[1])));
        long[] acked = ops.stream().filter(op -> op.outcome() == Op.Outcome.ACK).mapToLong(Op::latency).sorted().toArray();
        out.append(String.format("latency of acknowledged operations: p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                percentile(acked, 0.5) / 1e6, percentile(acked, 0.99) / 1e6, percentile(acked, 1.0) / 1e6));
        out.append(convergence).append('\n');
        Map<String, Integer> byCheck = new TreeMap<>();
        for (String check : List.of("lost write", "undone delete", "stale read", "replicas disagree", "final read",
                "deadline", "unknown value", "future read")) {
            byCheck.put(check, 0);
        }
        violations.forEach(v -> byCheck.merge(v.check(), 1, Integer::sum));
        out.append("checks:");
        byCheck.forEach((check, count) -> out.append(' ').append(check).append(' ').append(count).append(';'));
        out.setLength(out.length() - 1);
        out.append('\n');
        for (Violation violation : violations) {
            out.append("\nVIOLATION ").append(violation.check()).append(", key ").append(violation.key()).append(": ")
                    .append(violation.detail()).append('\n');
            List<String> lines = new ArrayList<>(violation.history());
            int shown = complete ? lines.size() : Math.min(lines.size(), HISTORY_LINES_SHOWN);
            if (!lines.isEmpty()) {
                out.append("  history of ").append(violation.key()).append(" (").append(lines.size()).append(" operations):\n");
            }
            for (String line : lines.subList(lines.size() - shown, lines.size())) {
                out.append("    ").append(line).append('\n');
            }
            if (shown < lines.size()) {
                out.append("    (the ").append(lines.size() - shown).append(" earlier ones are in summary.txt)\n");
            }
        }
        out.append(violations.isEmpty() ? "\nresult: PASS, no violation\n"
                : "\nresult: FAIL, " + violations.size() + " violation(s)\n");
        return out.toString();
    }

    /** The value at the quantile (0 to 1) of sorted values, 0 when there are none. */
    static long percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
