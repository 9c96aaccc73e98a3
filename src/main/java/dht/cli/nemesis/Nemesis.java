package dht.cli.nemesis;

import dht.cli.Flags;
import dht.cli.Ports;
import dht.cli.UsageException;
import dht.cli.nemesis.HistoryChecker.FinalRead;
import dht.cli.nemesis.HistoryChecker.FinalState;
import dht.cli.nemesis.HistoryChecker.Violation;
import dht.cli.nemesis.ReplicaSnapshot.KeyReplicas;
import dht.cluster.ClusterSecret;
import dht.coordinator.HybridClock;
import dht.storage.Record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code dht.jar nemesis}: a fresh cluster of node processes under concurrent clients, one fault
 * at a time from a seeded schedule, then a heal, a wait for the replicas to converge, a read of
 * every key through every node, and a check of the whole history against what dht promises.
 * Exits 0 when every check holds, 1 when one does not (or the run could not be carried out).
 */
public final class Nemesis {
    private static final Map<String, String[]> FLAGS = new LinkedHashMap<>();
    /** Slack beyond the nodes' own deadlines for a loaded two-core host to schedule the answer. */
    private static final long GRACE_MILLIS = 500;
    private static final long CONVERGENCE_MILLIS = 60_000;
    private static final int NAMESPACE_PORT = 8080;

    static {
        FLAGS.put("nodes", new String[] {"N", "node processes (default 3)"});
        FLAGS.put("duration", new String[] {"S", "seconds of load and faults (default 120)"});
        FLAGS.put("faults", new String[] {"LIST", "some of kill,stop,term,partition,delay,loss (default all)"});
        FLAGS.put("keys", new String[] {"N", "key space (default 200)"});
        FLAGS.put("clients", new String[] {"N", "concurrent clients (default 8)"});
        FLAGS.put("seed", new String[] {"N", "seed of the schedule and the clients (default: the time)"});
        FLAGS.put("out", new String[] {"DIR", "where the history, summary and chart go (default nemesis/<date-time>)"});
        FLAGS.put("ack", new String[] {"N", "ack of every request (default: the nodes' default)"});
        FLAGS.put("from", new String[] {"N", "from of every request (default: the nodes' default)"});
        FLAGS.put("peer-timeout-ms", new String[] {"MS", "the nodes' --peer-timeout-ms (default 1000)"});
        FLAGS.put("queue-ms", new String[] {"MS", "the nodes' --queue-ms (default 500)"});
        FLAGS.put("heap", new String[] {"SIZE", "each node's -Xmx (default 128m)"});
        FLAGS.put("self-test", new String[] {"", "plant a lost write and an undone delete after the load: the run must report both"});
        FLAGS.put("help", new String[] {"", "print this help and exit"});
    }

    private final int nodes;
    private final long durationMillis;
    private final int keys;
    private final int clients;
    private final long seed;
    private final Path out;
    private final String quorum;
    private final boolean strongReads;
    private final int peerTimeoutMillis;
    private final int queueMillis;
    private final String heap;
    private final boolean selfTest;
    private final List<Fault> faults = new ArrayList<>();
    private final StringBuilder header = new StringBuilder();
    private final History history = new History();
    private final List<FaultWindow> windows = new ArrayList<>();

    private Namespaces namespaces;
    private NodeProcesses cluster;
    private Path scratch;

    private Nemesis(Flags flags) throws UsageException {
        this.nodes = flags.integer("nodes", 3, 1, 9);
        this.durationMillis = flags.integer("duration", 120, 10, 86_400) * 1000L;
        this.keys = flags.integer("keys", 200, 1, 1_000_000);
        this.clients = flags.integer("clients", 8, 1, 256);
        this.seed = flags.has("seed") ? Long.parseLong(flags.string("seed", "0")) : System.currentTimeMillis();
        this.out = Path.of(flags.string("out", "nemesis/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss"))));
        int replicas = Math.min(nodes, 3);
        int ack = flags.integer("ack", replicas / 2 + 1, 1, replicas);
        int from = flags.integer("from", replicas, 1, nodes);
        if (ack > from) {
            throw new UsageException("--ack must not exceed --from");
        }
        this.quorum = flags.has("ack") || flags.has("from") ? "&ack=" + ack + "&from=" + from : "";
        this.strongReads = ack + ack > from;
        this.peerTimeoutMillis = flags.integer("peer-timeout-ms", 1000, 1, 600_000);
        this.queueMillis = flags.integer("queue-ms", 500, 1, 600_000);
        this.heap = flags.string("heap", "128m");
        this.selfTest = flags.bool("self-test");
        try {
            for (String name : flags.string("faults", "kill,stop,term,partition,delay,loss").split(",")) {
                if (!name.isBlank() && !faults.contains(Fault.parse(name.strip()))) {
                    faults.add(Fault.parse(name.strip()));
                }
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException("--faults: " + e.getMessage());
        }
        header.append(String.format("dht nemesis: %d nodes, %d s, %d keys, %d clients, seed %d, requests %s%n", nodes,
                durationMillis / 1000, keys, clients, seed, quorum.isEmpty() ? "with the default quorum" : quorum.substring(1)));
    }

    /** Returns the process exit status: 0 when the run completed and every check held. */
    public static int run(List<String> args) {
        Nemesis nemesis = null;
        try {
            Flags flags = new Flags(FLAGS, args);
            if (flags.has("help")) {
                System.out.print(Flags.help("usage: java -jar dht.jar nemesis [flags]\n", FLAGS));
                return 0;
            }
            nemesis = new Nemesis(flags);
            return nemesis.execute();
        } catch (UsageException | NumberFormatException e) {
            System.err.println("dht nemesis: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("dht nemesis: the run failed: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (nemesis != null) {
                nemesis.tearDown();
            }
        }
    }

    private int execute() throws IOException, InterruptedException {
        Files.createDirectories(out);
        scratch = Files.createTempDirectory("dht-nemesis");
        List<String> urls = network();
        List<Schedule.Planned> plan = Schedule.plan(faults, nodes, durationMillis, seed);
        header.append("schedule (start, length, fault):\n");
        plan.forEach(p -> header.append("  ").append(p.describe()).append('\n'));
        System.out.print(header);

        byte[] secretBytes = new byte[32];
        new SecureRandom().nextBytes(secretBytes);
        String secretText = Base64.getEncoder().encodeToString(secretBytes);
        Path secretFile = scratch.resolve("cluster.secret");
        Files.writeString(secretFile, secretText);
        ClusterSecret secret = ClusterSecret.of(secretText.getBytes(StandardCharsets.UTF_8), 60_000);
        List<List<String>> prefixes = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            prefixes.add(namespaces == null ? List.of() : namespaces.enter(i));
        }
        cluster = new NodeProcesses(urls, prefixes, scratch, out, heap, List.of("--cluster-secret-file", secretFile.toString(),
                "--peer-timeout-ms", Integer.toString(peerTimeoutMillis), "--queue-ms", Integer.toString(queueMillis),
                "--block-cache-mb", "8", "--memtable-mb", "4"));
        for (int i = 0; i < nodes; i++) {
            cluster.start(i);
        }
        log(nodes + " nodes up: " + String.join(" ", urls));

        long deadline = (queueMillis + peerTimeoutMillis + GRACE_MILLIS) * 1_000_000L;
        Workload workload = new Workload(urls, keys, quorum, Duration.ofNanos(deadline).plusSeconds(5), history, seed);
        history.restart();
        long loadStart = history.now();
        workload.start(clients);
        long free = loadStart;
        for (Schedule.Planned fault : plan) {
            // A restart may take longer than planned: the cluster still gets its quiet spell after it.
            sleepUntil(Math.max(loadStart + fault.startMillis() * 1_000_000L, free));
            inject(fault);
            free = history.now() + fault.recoveryMillis() * 1_000_000L;
        }
        sleepUntil(loadStart + durationMillis * 1_000_000L);
        workload.stop();
        long loadEnd = history.now();
        log("load done: " + history.ops().size() + " operations");

        if (selfTest) {
            plant(workload, new ReplicaSnapshot(urls, Math.min(nodes, 3), secret));
        }
        ReplicaSnapshot replicas = new ReplicaSnapshot(urls, Math.min(nodes, 3), secret);
        List<String> keyList = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            keyList.add("k" + i);
        }
        String convergence = converge(replicas, keyList);
        log(convergence);
        Map<String, List<FinalRead>> reads = finalReads(workload, keyList);
        Map<String, KeyReplicas> snapshot = replicas.read(keyList);
        Map<String, FinalState> finals = new LinkedHashMap<>();
        for (String key : keyList) {
            KeyReplicas held = snapshot.get(key);
            finals.put(key, new FinalState(held.newestValue(), held.agree(), held.describe(), reads.get(key)));
        }

        List<Op> ops = history.ops();
        List<Violation> violations = new HistoryChecker(ops, strongReads, deadline, windows).check(finals);
        header.append(String.format("deadline per request: queue-ms %d + peer-timeout-ms %d + %d ms of grace"
                + " (plus twice any delay on its node's link; none for a node that was down or stopped)%n",
                queueMillis, peerTimeoutMillis, GRACE_MILLIS));
        history.write(out.resolve("history.tsv"));
        Files.writeString(out.resolve("summary.txt"), Summary.render(header.toString(), ops, windows, violations, convergence, true));
        Chart.write(out.resolve("chart.png"), ops, windows, loadEnd);
        System.out.print(Summary.render("", ops, windows, violations, convergence, false));
        log("history, summary and chart in " + out);
        return violations.isEmpty() ? 0 : 1;
    }

    /** The nodes' URLs: each in its own namespace when a network fault is asked for and the machine allows it. */
    private List<String> network() throws IOException {
        List<String> urls = new ArrayList<>();
        if (faults.stream().anyMatch(f -> f.network)) {
            try {
                namespaces = Namespaces.create(nodes);
            } catch (IOException e) {
                skip(f -> f.network, "they need a network namespace per node, and root: " + e.getMessage());
            }
        }
        if (namespaces != null && faults.contains(Fault.DELAY)) {
            String reason = namespaces.delayUnavailable();
            if (reason != null) {
                skip(f -> f == Fault.DELAY, reason);
            }
        }
        if (namespaces != null) {
            for (int i = 0; i < nodes; i++) {
                urls.add("http://" + namespaces.address(i) + ":" + NAMESPACE_PORT);
            }
        } else {
            for (int port : Ports.free(nodes)) {
                urls.add("http://127.0.0.1:" + port);
            }
        }
        header.append("faults: ").append(faults.stream().map(Fault::flagName).toList()).append('\n');
        return urls;
    }

    private void skip(java.util.function.Predicate<Fault> which, String reason) {
        List<Fault> skipped = faults.stream().filter(which).toList();
        if (!skipped.isEmpty()) {
            faults.removeAll(skipped);
            header.append("skipped ").append(skipped.stream().map(Fault::flagName).toList()).append(": ").append(reason).append('\n');
        }
    }

    private void inject(Schedule.Planned fault) throws IOException, InterruptedException {
        int node = fault.node();
        long start = history.now();
        log("inject: " + fault.describe().strip());
        switch (fault.fault()) {
            case KILL -> cluster.kill(node);
            case TERM -> cluster.term(node);
            case STOP -> cluster.pause(node);
            case PARTITION -> namespaces.cut(node, fault.oneWay());
            case DELAY -> namespaces.delay(node, fault.amount());
            case LOSS -> namespaces.loss(node, fault.amount());
        }
        sleepUntil(start + fault.lengthMillis() * 1_000_000L);
        switch (fault.fault()) {
            case KILL, TERM -> cluster.start(node);
            case STOP -> cluster.resume(node);
            default -> namespaces.heal(node);
        }
        long end = history.now();
        windows.add(new FaultWindow(fault.fault(), node, start, end, fault.fault() == Fault.DELAY ? fault.amount() : 0));
        log(String.format("healed after %.1f s", (end - start) / 1e9));
    }

    /**
     * The self-test's seam: behind the clients' backs, replica writes that a correct store never
     * makes. One key gets an older value back over a newer acknowledged one, another a value back
     * over an acknowledged delete; the checker must report a lost write and an undone delete.
     */
    private void plant(Workload workload, ReplicaSnapshot replicas) throws IOException, InterruptedException {
        List<Op> puts = history.ops().stream()
                .filter(op -> op.kind() == Op.Kind.PUT && op.outcome() == Op.Outcome.ACK).toList();
        if (puts.size() < 2) {
            throw new IOException("the self-test needs two acknowledged writes to plant its faults");
        }
        Op lost = puts.get(0);
        Op undone = puts.stream().filter(op -> !op.key().equals(lost.key())).findFirst()
                .orElseThrow(() -> new IOException("the self-test needs writes to two keys"));
        acknowledged(workload, Op.Kind.PUT, lost.key(), "self-test-newer");
        acknowledged(workload, Op.Kind.DELETE, undone.key(), null);
        long future = HybridClock.versionAt(System.currentTimeMillis() + 2_000);
        replicas.write(lost.key(), Record.live(future, lost.value().getBytes(StandardCharsets.UTF_8)));
        replicas.write(undone.key(), Record.live(future, undone.value().getBytes(StandardCharsets.UTF_8)));
        log("self-test: planted " + lost.value() + " back over an acknowledged write to " + lost.key()
                + ", and " + undone.value() + " back over an acknowledged delete of " + undone.key());
    }

    private void acknowledged(Workload workload, Op.Kind kind, String key, String value) throws IOException {
        for (int attempt = 0; attempt < 10; attempt++) {
            Op op = workload.call(clients, attempt % nodes, kind, key, value);
            history.add(op);
            if (op.outcome() == Op.Outcome.ACK) {
                return;
            }
        }
        throw new IOException("the self-test could not get a " + kind + " of " + key + " acknowledged");
    }

    /** Polls every replica of every key until they all agree, within a bound. */
    private String converge(ReplicaSnapshot replicas, List<String> keyList) throws InterruptedException {
        long start = System.nanoTime();
        long disagreeing;
        do {
            disagreeing = replicas.read(keyList).values().stream().filter(k -> !k.agree()).count();
            if (disagreeing == 0) {
                return String.format("convergence: every replica of every key agreed %.1f s after the load, before any final read",
                        (System.nanoTime() - start) / 1e9);
            }
            Thread.sleep(500);
        } while (System.nanoTime() - start < CONVERGENCE_MILLIS * 1_000_000L);
        return "convergence: " + disagreeing + " keys' replicas still disagreed " + CONVERGENCE_MILLIS / 1000
                + " s after the load (the final reads' read repair may still settle them)";
    }

    /** Reads every key through every node, with the run's quorum. */
    private Map<String, List<FinalRead>> finalReads(Workload workload, List<String> keyList) {
        Map<String, List<FinalRead>> reads = new LinkedHashMap<>();
        for (String key : keyList) {
            List<FinalRead> byNode = new ArrayList<>();
            for (int node = 0; node < nodes; node++) {
                Op read = workload.call(clients, node, Op.Kind.GET, key, null);
                byNode.add(new FinalRead(node, read.outcome() == Op.Outcome.ACK, read.value(), read.detail()));
            }
            reads.put(key, byNode);
        }
        return reads;
    }

    private void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - history.now()) > 0) {
            Thread.sleep(Math.max(1, Math.min(left / 1_000_000, 200)));
        }
    }

    private void tearDown() {
        if (cluster != null) {
            cluster.close();
        }
        if (namespaces != null) {
            namespaces.close();
        }
        if (scratch != null) {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException e) {
                log("could not delete " + scratch + ": " + e.getMessage());
            }
        }
    }

    private static void log(String line) {
        System.err.println("dht nemesis: " + line);
    }
}
