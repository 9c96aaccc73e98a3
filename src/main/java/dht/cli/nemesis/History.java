package dht.cli.nemesis;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Every operation of a run, appended by the clients as they complete, and written as a table. */
final class History {
    private final List<Op> ops = new ArrayList<>();
    private volatile long origin = System.nanoTime();

    /** Nanoseconds since the run began: the clock of every operation. */
    long now() {
        return System.nanoTime() - origin;
    }

    /** Counts time from now on: the run begins when the load does, not when the nodes started. */
    void restart() {
        origin = System.nanoTime();
    }

    synchronized void add(Op op) {
        ops.add(op);
    }

    synchronized List<Op> ops() {
        return List.copyOf(ops);
    }

    /** One line per operation in invocation order: times in milliseconds since the run began. */
    void write(Path file) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write("invoke_ms\tcomplete_ms\tclient\tnode\tkind\tkey\tvalue\toutcome\tdetail\n");
            List<Op> sorted = new ArrayList<>(ops());
            sorted.sort(Comparator.comparingLong(Op::invoke));
            for (Op op : sorted) {
                out.write(String.format("%.3f\t%.3f\t%d\t%d\t%s\t%s\t%s\t%s\t%s%n", op.invoke() / 1e6, op.complete() / 1e6,
                        op.client(), op.node(), op.kind(), op.key(), op.value() == null ? "-" : op.value(), op.outcome(),
                        op.detail()));
            }
        }
    }
}
