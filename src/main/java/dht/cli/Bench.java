package dht.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code dht.jar bench}: one measured run from nothing. It starts a fresh cluster of separate node
 * processes, fills the key space (so GETs hit, and so the JVMs are warm: a cold cluster measured
 * PUT p99 in seconds, the same one after the fill in tens of milliseconds), warms up with the
 * measured load itself (which warms the paths the fill does not take), runs wrk2 (plain wrk
 * when wrk2 is not on the PATH) with a script from {@code lua/}, and records cpu, alloc and lock flamegraphs of the first node
 * through its admin endpoint while the load runs. Everything lands in one directory: the wrk
 * output, the flamegraphs, the node logs, the final metrics, and the settings of the run.
 */
final class Bench {
    private static final Map<String, String[]> FLAGS = new LinkedHashMap<>();
    private static final List<String> LOADS = List.of("put", "get", "mixed", "delete");
    private static final String[] EVENTS = {"cpu", "alloc", "lock"};
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^jvm_memory_used_bytes\\{area=\"heap\"} (\\S+)$");
    private static final long HEAP_SAMPLE_MILLIS = 5000;
    /** The highest rate wrk2 is asked for. */
    private static final int MAX_RATE = 10_000_000;

    static {
        FLAGS.put("load", new String[] {"NAME", "put, get, mixed or delete: the script lua/NAME.lua (default put)"});
        FLAGS.put("rate", new String[] {"N", "requests per second, wrk2's -R; plain wrk runs closed-loop (default 5000)"});
        FLAGS.put("duration", new String[] {"S", "seconds of load, at least 20 (default 60)"});
        FLAGS.put("nodes", new String[] {"N", "node processes (default 3)"});
        FLAGS.put("connections", new String[] {"N", "wrk's -c (default 64)"});
        FLAGS.put("threads", new String[] {"N", "wrk's -t (default 2)"});
        FLAGS.put("keys", new String[] {"N", "key space, filled before the load (default 1000000)"});
        FLAGS.put("value-size", new String[] {"BYTES", "bytes per value (default 256)"});
        FLAGS.put("ack", new String[] {"N", "ack of every request (default: the nodes' default)"});
        FLAGS.put("from", new String[] {"N", "from of every request (default: the nodes' default)"});
        FLAGS.put("read-share", new String[] {"P", "mixed load: share of GETs, 0 to 1 (default 0.9)"});
        FLAGS.put("heap", new String[] {"SIZE", "each node's -Xmx (default 128m)"});
        FLAGS.put("jvm-flags", new String[] {"\"-XX:... ...\"", "more JVM options for every node, e.g. a collector: "
                + "\"-XX:+UseShenandoahGC\""});
        FLAGS.put("node-flags", new String[] {"\"--flag value ...\"", "more dht flags for every node, e.g. \"--workers 4\""});
        FLAGS.put("jar", new String[] {"PATH", "the dht jar the nodes run (default: this one), to compare builds"});
        FLAGS.put("no-profiles", new String[] {"", "record no flamegraphs, so that CPU per request is the nodes' own"});
        FLAGS.put("repair-diff", new String[] {"P", "anti-entropy under the load: the last node first misses the last write of a "
                + "share P (0 to 1) of the keys (nodes run --hint-window-ms 1), then after a warm-up runs passes back to back "
                + "until the load ends (repair.txt)"});
        FLAGS.put("join-last", new String[] {"", "the last node is no member at first: the fill and the load go to the others, and "
                + "after the warm-up it joins them under the load (--join); its handoff's records, bytes and rates go to join.txt"});
        FLAGS.put("find-knee", new String[] {"", "instead of one run: after a warm-up run at --start-rate, climb wrk2's rate from it "
                + "by --rate-step, a run of --duration each, until p99 passes 10 ms, an error comes or the rate is not served; "
                + "confirm the highest that held with three runs; knee.txt and knee.png"});
        FLAGS.put("start-rate", new String[] {"N", "--find-knee: the first rate (default 1000)"});
        FLAGS.put("rate-step", new String[] {"N", "--find-knee: the step between rates (default 1000)"});
        FLAGS.put("warmup", new String[] {"S", "right after the fill: S seconds of the measured load at its rate, discarded (warmup.txt), "
                + "so that the JIT has compiled the paths the fill does not take (default 15; 0: none)"});
        FLAGS.put("burst", new String[] {"S", "after the fill: S seconds of closed-loop PUTs (plain wrk, lua/put.lua, burst.txt), "
                + "the load starting as they end, while their flushes and compactions run"});
        FLAGS.put("settle", new String[] {"", "before the load: wait until no node has a compaction running or pending (at most "
                + "10 min), to measure a settled store"});
        FLAGS.put("lua", new String[] {"DIR", "where the wrk scripts are (default lua)"});
        FLAGS.put("out", new String[] {"DIR", "output directory (default profiling/<date>-<load>)"});
        FLAGS.put("help", new String[] {"", "print this help and exit"});
    }

    // fixed after construction
    private final Flags flags;
    private final String load;
    private final int duration;
    private final int keys;
    private final int valueSize;
    private final int threads;
    private final Path out;
    private final Path scratch;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final List<Process> nodes = new ArrayList<>();
    private final List<String> urls = new ArrayList<>();
    private final double[] peakHeap;
    private final boolean joinLast;
    private int kneeRuns;

    private Bench(Flags flags) throws UsageException, IOException {
        this.flags = flags;
        this.load = flags.string("load", "put");
        if (!LOADS.contains(load)) {
            throw new UsageException("--load must be one of " + LOADS + ", got " + load);
        }
        this.duration = flags.integer("duration", 60, 20, 3600);
        this.keys = flags.integer("keys", 1_000_000, 1, Integer.MAX_VALUE);
        this.valueSize = flags.integer("value-size", 256, 0, 1 << 24);
        this.threads = flags.integer("threads", 2, 1, 64);
        this.out = Path.of(flags.string("out", "profiling/" + LocalDate.now() + "-" + load));
        this.scratch = Files.createTempDirectory("dht-bench");
        this.peakHeap = new double[flags.integer("nodes", 3, 1, 16)];
        this.joinLast = flags.bool("join-last");
        if (joinLast && peakHeap.length < 2) {
            throw new UsageException("--join-last needs --nodes 2 or more");
        }
        for (int port : Ports.free(peakHeap.length)) {
            urls.add("http://127.0.0.1:" + port);
        }
    }

    /** Returns the process exit status: 0 when the run completed and its output was written. */
    static int run(List<String> args) {
        Bench bench = null;
        try {
            Flags flags = new Flags(FLAGS, args);
            if (flags.has("help")) {
                System.out.print(Flags.help("usage: java -jar dht.jar bench [flags]\n", FLAGS));
                return 0;
            }
            bench = new Bench(flags);
            return bench.measure();
        } catch (UsageException e) {
            System.err.println("dht bench: " + e.getMessage());
            return 2;
        } catch (IOException | UncheckedIOException e) {
            System.err.println("dht bench: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            if (bench != null) {
                bench.stopNodes();
            }
        }
    }

    private int measure() throws IOException, InterruptedException, UsageException {
        Files.createDirectories(out);
        int rate = flags.integer("rate", 5000, 1, MAX_RATE);
        int warmup = flags.integer("warmup", 15, 0, 3600);
        List<String> tool = loadCommand(rate, duration);
        if (flags.bool("find-knee") && !tool.get(0).equals("wrk2")) {
            throw new UsageException("--find-knee needs wrk2 on the PATH: plain wrk cannot hold a rate");
        }
        startNodes();
        log("filling " + keys + " keys");
        long started = System.nanoTime();
        if (Fill.fill(members(), keys, valueSize, 64) != 0) {
            throw new IOException("the fill failed; see the node logs in " + out);
        }
        String filled = String.format("filled in %.1f s", (System.nanoTime() - started) / 1e9);
        if (warmup > 0 && !flags.bool("find-knee")) {
            filled += "; " + warmUp(rate, warmup);
        }
        if (flags.has("burst")) {
            filled += "; " + burst(flags.integer("burst", 20, 1, 3600));
        }
        if (flags.bool("settle")) {
            filled += "; " + settle();
        }
        if (flags.bool("find-knee")) {
            return findKnee(filled);
        }
        RepairPasses repair = null;
        if (flags.has("repair-diff")) {
            missWrites(flags.fraction("repair-diff"));
            repair = new RepairPasses(urls.get(urls.size() - 1), out.resolve("repair.txt"));
        }
        log("running " + String.join(" ", tool));
        ProcessBuilder builder = new ProcessBuilder(tool).redirectErrorStream(true).redirectOutput(out.resolve("wrk.txt").toFile());
        builder.environment().putAll(scriptEnvironment());
        List<Duration> cpuBefore = nodeCpus();
        long loadStarted = System.nanoTime();
        Instant loadFrom = Instant.now();
        Process wrk = builder.start();
        if (repair != null) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds()));
            repair.start(loadStarted);
        }
        JoinDuringLoad join = null;
        if (joinLast) {
            Thread.sleep(TimeUnit.SECONDS.toMillis(warmupSeconds()));
            join = new JoinDuringLoad(new TreeSet<>(members()).first(), urls.get(0), out.resolve("join.txt"));
            nodes.add(startNode(urls.size() - 1));
            join.started(loadStarted);
        }
        if (flags.bool("no-profiles")) {
            sampleHeapsWhile(wrk::isAlive);
        } else {
            profile(wrk);
        }
        if (!wrk.waitFor(duration + 60L, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException(tool.get(0) + " did not finish");
        }
        String cpu = cpuPerRequest(cpuBefore, WrkOutput.parse(Files.readString(out.resolve("wrk.txt"))).requests());
        String gc = gcPauses(loadFrom, Instant.now());
        if (repair != null) {
            repair.stop().forEach(Bench::log);
        }
        if (join != null) {
            log(join.stop());
        }
        Files.write(out.resolve("metrics.txt"), get(urls.get(0) + "/metrics"));
        writeSettings(tool, filled, cpu + "\n" + gc);
        System.out.print(Files.readString(out.resolve("wrk.txt")));
        log(cpu);
        log(gc);
        log("wrote " + out.toAbsolutePath());
        return wrk.exitValue();
    }

    /** The --find-knee ladder, after the fill; its report and chart go to the output directory. */
    private int findKnee(String filled) throws IOException, InterruptedException, UsageException {
        int start = flags.integer("start-rate", 1000, 1, MAX_RATE);
        int step = flags.integer("rate-step", 1000, 1, MAX_RATE);
        scriptEnvironment(); // the flags it reads were checked before the fill
        log("warming up at " + start + " req/s for " + duration + " s: the fill's compactions settle, the JIT warms");
        step(start);
        KneeFinder finder = new KneeFinder(rate -> {
            try {
                return step(rate);
            } catch (UsageException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }, start, step, MAX_RATE);
        int knee = finder.find();
        StringBuilder report = new StringBuilder("knee of the ").append(load).append(" load: ")
                .append(knee == 0 ? "none: the first rate did not hold three times" : knee + " req/s held four runs")
                .append(" (p99 within ").append((int) KneeFinder.MAX_P99_MILLIS).append(" ms, no error, the rate served)\n")
                .append(filled).append("; ").append(duration).append(" s a run\n\n")
                .append("run           offered   served    p50 ms    p99 ms   errors   node CPU per request (us)\n");
        int run = 1;
        for (KneeFinder.Step s : finder.climb()) {
            report.append(row("climb " + run++, s));
        }
        run = 1;
        for (KneeFinder.Step s : finder.confirmations()) {
            report.append(row("confirm " + run++, s));
        }
        Files.writeString(out.resolve("knee.txt"), report);
        KneeChart.write(out.resolve("knee.png"), "dht " + load + ", " + urls.size() + " nodes", finder.climb());
        System.out.print(report);
        log("wrote " + out.toAbsolutePath());
        return knee == 0 ? 1 : 0;
    }

    private static String row(String name, KneeFinder.Step s) {
        return String.format("%-12s %8d %8.0f %9.2f %9.2f %8d   %.1f%s%n", name, s.rate(), s.served(), s.p50Millis(),
                s.p99Millis(), s.errors(), s.cpuMicrosPerRequest(), s.held() ? "" : "   missed the bar");
    }

    /** One run of the ladder at a rate, its wrk2 output kept as knee-RATE-N.txt. */
    private KneeFinder.Step step(int rate) throws IOException, InterruptedException, UsageException {
        List<String> tool = loadCommand(rate, duration);
        Path output = out.resolve("knee-" + rate + "-" + (++kneeRuns) + ".txt");
        ProcessBuilder builder = new ProcessBuilder(tool).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(scriptEnvironment());
        List<Duration> before = nodeCpus();
        Process wrk = builder.start();
        sampleHeapsWhile(wrk::isAlive);
        if (!wrk.waitFor(duration + 60L, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException(tool.get(0) + " did not finish");
        }
        WrkOutput result = WrkOutput.parse(Files.readString(output));
        Duration cpu = total(nodeCpus()).minus(total(before));
        KneeFinder.Step step = new KneeFinder.Step(rate, result.perSecond(), result.p50Millis(), result.p99Millis(),
                result.errors(), result.requests() == 0 ? 0 : cpu.toNanos() / 1e3 / result.requests());
        log(row(rate + " req/s", step).strip());
        return step;
    }

    private int warmupSeconds() {
        return Math.max(5, duration / 10);
    }

    /**
     * Makes the last node miss the last write of the first {@code share} of the keys: it is
     * stopped while the others take them, and with a hint window of 1 ms no hint brings them.
     */
    private void missWrites(double share) throws IOException, InterruptedException {
        int missed = (int) Math.round(keys * share);
        if (missed == 0) {
            return;
        }
        int last = nodes.size() - 1;
        nodes.get(last).destroy();
        nodes.get(last).waitFor();
        log("writing " + missed + " keys again while " + urls.get(last) + " is stopped");
        if (Fill.fill(urls.subList(0, last), missed, valueSize, 64) != 0) {
            throw new IOException("the writes the last node misses failed; see the node logs in " + out);
        }
        nodes.set(last, startNode(last));
        awaitUp(urls.get(last));
    }

    /** CPU time used so far by each node process, user and system (from /proc, through the JDK). */
    private List<Duration> nodeCpus() {
        List<Duration> cpus = new ArrayList<>();
        for (Process node : nodes) {
            cpus.add(node.toHandle().info().totalCpuDuration().orElse(Duration.ZERO));
        }
        return cpus;
    }

    private static Duration total(List<Duration> cpus) {
        return cpus.stream().reduce(Duration.ZERO, Duration::plus);
    }

    /** The nodes' CPU time during the load, in all and per request that wrk counted. */
    /** The nodes' CPU time during the load, in all and per request that wrk counted, and each node's. */
    private String cpuPerRequest(List<Duration> before, long requests) {
        List<Duration> after = nodeCpus();
        Duration cpu = total(after).minus(total(before));
        StringBuilder text = new StringBuilder(String.format("node CPU during the load: %.1f s for %d requests, %.1f us per request",
                cpu.toNanos() / 1e9, requests, requests == 0 ? 0 : cpu.toNanos() / 1e3 / requests));
        for (int i = 0; i < after.size(); i++) {
            Duration node = after.get(i).minus(i < before.size() ? before.get(i) : Duration.ZERO);
            text.append(i == 0 ? "; per node: " : ", ").append(String.format("%.1f", requests == 0 ? 0 : node.toNanos() / 1e3 / requests));
        }
        return text.append(" us").toString();
    }

    /** Closed-loop PUTs for that long through the first node, as a client's burst of writes would come. */
    private String burst(int seconds) throws IOException, InterruptedException, UsageException {
        if (!Shell.onPath("wrk")) {
            throw new UsageException("--burst needs wrk on the PATH: its PUTs run closed-loop");
        }
        List<String> command = List.of("wrk", "-t" + threads, "-c" + flags.integer("connections", 64, 1, 10_000),
                "-d" + seconds + "s", "--latency", "-s", script("put"), urls.get(0));
        log("a burst of PUTs: " + String.join(" ", command));
        WrkOutput result = runToEnd(command, seconds, out.resolve("burst.txt"));
        return String.format("then a %d s burst of PUTs, %.0f req/s closed-loop, %d errors", seconds, result.perSecond(),
                result.errors());
    }

    /**
     * The measured load for a while, its figures kept apart. Without it a fresh cluster measured
     * one copy's GETs at 15,000 req/s with a p99 of 3.5-4.7 s, behind from the first second;
     * after two runs of 20 s the same cluster held it with a p99 of 3.8 ms.
     */
    private String warmUp(int rate, int seconds) throws IOException, InterruptedException, UsageException {
        List<String> command = loadCommand(rate, seconds);
        log("warming up: " + String.join(" ", command));
        WrkOutput result = runToEnd(command, seconds, out.resolve("warmup.txt"));
        return String.format("then a %d s warm-up of the load: %.0f req/s, p99 %.2f ms", seconds, result.perSecond(),
                result.p99Millis());
    }

    private WrkOutput runToEnd(List<String> command, int seconds, Path output)
            throws IOException, InterruptedException, UsageException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
        builder.environment().putAll(scriptEnvironment());
        Process wrk = builder.start();
        if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS)) {
            wrk.destroyForcibly();
            throw new IOException(command.get(0) + " did not finish; see " + output);
        }
        return WrkOutput.parse(Files.readString(output));
    }

    /** Waits until no member has a compaction running or pending, as far as RocksDB can tell. */
    private String settle() throws IOException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + TimeUnit.MINUTES.toNanos(10);
        log("waiting for the compactions to end");
        while (!members().stream().allMatch(this::settled)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("compactions still running or pending after 10 min");
            }
            Thread.sleep(1000);
        }
        return String.format("then settled (no compaction running or pending) in %.1f s", (System.nanoTime() - started) / 1e9);
    }

    private boolean settled(String url) {
        try {
            String metrics = new String(get(url + "/metrics"), StandardCharsets.UTF_8);
            return gauge(metrics, "dht_rocksdb_running_compactions") == 0 && gauge(metrics, "dht_rocksdb_pending_compaction_bytes") == 0;
        } catch (IOException e) {
            return false; // too busy to answer is not settled
        }
    }

    private static double gauge(String metrics, String name) {
        Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(metrics);
        if (!value.find()) {
            throw new IllegalStateException("no " + name + " in the node's /metrics");
        }
        return Double.parseDouble(value.group(1));
    }

    private String script(String name) throws UsageException {
        String script = Path.of(flags.string("lua", "lua"), name + ".lua").toString();
        if (!Files.isReadable(Path.of(script))) {
            throw new UsageException("no script " + script + "; run from the repository root or pass --lua");
        }
        return script;
    }

    /** wrk2 when it is on the PATH, at the rate; plain wrk otherwise, closed-loop. */
    private List<String> loadCommand(int rate, int seconds) throws UsageException {
        String script = script(load);
        boolean wrk2 = Shell.onPath("wrk2");
        if (!wrk2 && !Shell.onPath("wrk")) {
            throw new UsageException("neither wrk2 nor wrk is on the PATH");
        }
        List<String> command = new ArrayList<>(List.of(wrk2 ? "wrk2" : "wrk",
                "-t" + threads, "-c" + flags.integer("connections", 64, 1, 10_000),
                "-d" + seconds + "s", "--latency", "-s", script));
        if (wrk2) {
            command.add(1, "-R" + rate);
        }
        // The first node takes every request, like a client with one endpoint; it coordinates the rest.
        command.add(urls.get(0));
        return command;
    }

    private Map<String, String> scriptEnvironment() throws UsageException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DHT_KEYS", Integer.toString(keys));
        env.put("DHT_VALUE_SIZE", Integer.toString(valueSize));
        env.put("DHT_DIST", "uniform");
        env.put("DHT_THREADS", Integer.toString(threads));
        env.put("DHT_READ_SHARE", flags.string("read-share", "0.9"));
        if (flags.has("ack")) {
            env.put("DHT_ACK", Integer.toString(flags.integer("ack", 1, 1, 16)));
        }
        if (flags.has("from")) {
            env.put("DHT_FROM", Integer.toString(flags.integer("from", 1, 1, 16)));
        }
        return env;
    }

    private List<String> nodeCommand(int i) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + flags.string("heap", "128m"),
                // Samples between safepoints too, so cpu profiles do not pile up at loop ends.
                "-XX:+UnlockDiagnosticVMOptions", "-XX:+DebugNonSafepoints",
                GcLog.option(out.resolve("gc" + i + ".log").toString())));
        command.addAll(words(flags.string("jvm-flags", "")));
        command.addAll(List.of("-jar", flags.string("jar", Shell.ownJar()),
                "--port", Integer.toString(URI.create(urls.get(i)).getPort()), "--self", urls.get(i),
                joinLast && i == urls.size() - 1 ? "--join" : "--cluster",
                joinLast && i == urls.size() - 1 ? urls.get(0) : String.join(",", members()),
                "--data", scratch.resolve("node" + i).toString(), "--admin"));
        if (flags.has("repair-diff")) {
            command.addAll(List.of("--hint-window-ms", "1"));
        }
        command.addAll(words(flags.string("node-flags", "")));
        return command;
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : List.of(text.strip().split("\\s+"));
    }

    /** The nodes of the cluster at the start: all of them, or with {@code --join-last} all but the last. */
    private List<String> members() {
        return joinLast ? urls.subList(0, urls.size() - 1) : urls;
    }

    private void startNodes() throws IOException, InterruptedException {
        for (int i = 0; i < members().size(); i++) {
            nodes.add(startNode(i));
        }
        for (String url : members()) {
            awaitUp(url);
        }
        log(members().size() + " nodes up: " + String.join(" ", members()));
    }

    private Process startNode(int i) throws IOException {
        return new ProcessBuilder(nodeCommand(i)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.resolve("node" + i + ".log").toFile())).start();
    }

    private void awaitUp(String url) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!isUp(url)) {
            if (System.nanoTime() > deadline) {
                throw new IOException(url + " did not come up; see " + out.resolve("node*.log"));
            }
            Thread.sleep(100);
        }
    }

    /**
     * After a tenth of the load for warm-up, records the three flamegraphs one after another,
     * splitting the rest of the run between them, and samples every node's heap every 5 s.
     */
    private void profile(Process wrk) throws IOException, InterruptedException {
        int warmup = warmupSeconds();
        int each = (duration - warmup - 3) / EVENTS.length;
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmup);
        sampleHeapsWhile(() -> System.nanoTime() < until && wrk.isAlive());
        for (String event : EVENTS) {
            log("recording " + event + " for " + each + " s");
            String target = urls.get(0) + "/v0/admin/profile?event=" + event + "&duration=" + each;
            Thread recorder = new Thread(() -> {
                try {
                    Files.write(out.resolve(event + ".html"), get(target));
                } catch (IOException e) {
                    log("recording " + event + " failed: " + e.getMessage());
                }
            });
            recorder.start();
            while (recorder.isAlive()) {
                sampleHeaps();
                recorder.join(1000);
            }
        }
    }

    /**
     * Samples every node's heap every {@link #HEAP_SAMPLE_MILLIS} while the condition holds. A
     * scrape renders all of a node's metrics, milliseconds of the CPU its requests share, so the
     * bench scrapes seldom to keep its own cost out of what it measures.
     */
    private void sampleHeapsWhile(BooleanSupplier condition) throws InterruptedException {
        long next = 0;
        while (condition.getAsBoolean()) {
            if (System.nanoTime() >= next) {
                sampleHeaps();
                next = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(HEAP_SAMPLE_MILLIS);
            }
            Thread.sleep(100);
        }
    }

    private void sampleHeaps() {
        for (int i = 0; i < urls.size(); i++) {
            try {
                Matcher matcher = HEAP_USED.matcher(new String(get(urls.get(i) + "/metrics"), StandardCharsets.UTF_8));
                if (matcher.find()) {
                    peakHeap[i] = Math.max(peakHeap[i], Double.parseDouble(matcher.group(1)));
                }
            } catch (IOException e) {
                // a node busy past the timeout misses one sample
            }
        }
    }

    /** Each node's GC pauses from its log, within the load. */
    private String gcPauses(Instant from, Instant to) throws IOException {
        StringBuilder text = new StringBuilder("GC pauses during the load (-Xlog:gc, gc<node>.log):");
        for (int i = 0; i < nodes.size(); i++) {
            Path log = out.resolve("gc" + i + ".log");
            text.append("\n  node ").append(i).append(": ")
                    .append(Files.exists(log) ? GcLog.parse(Files.readString(log), from, to) : "no log");
        }
        return text.toString();
    }

    private void writeSettings(List<String> tool, String filled, String cpu) throws IOException, UsageException {
        StringBuilder text = new StringBuilder();
        text.append("date: ").append(ZonedDateTime.now()).append('\n')
                .append("machine: ").append(Runtime.getRuntime().availableProcessors()).append(" cores, ")
                .append(((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize() >> 20).append(" MiB, ")
                .append(System.getProperty("os.name")).append(' ').append(System.getProperty("os.version")).append('\n')
                .append("java: ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n')
                .append("nodes: ").append(urls.size()).append(" processes; the first one:\n  ")
                .append(String.join(" ", nodeCommand(0))).append('\n')
                .append("fill: ").append(filled).append('\n')
                .append("load: ").append(scriptEnvironment().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).reduce((a, b) -> a + " " + b).orElse(""))
                .append(' ').append(String.join(" ", tool)).append('\n')
                .append(flags.bool("no-profiles") ? "profiles: none\n"
                        : "profiles: node 0, cpu then alloc then lock, after a warm-up, through /v0/admin/profile\n")
                .append(cpu).append('\n')
                .append("peak heap used per node (MiB, sampled every 5 s):");
        for (double peak : peakHeap) {
            text.append(' ').append(String.format("%.1f", peak / (1 << 20)));
        }
        text.append('\n');
        Files.writeString(out.resolve("settings.txt"), text);
    }

    private void stopNodes() {
        for (Process node : nodes) {
            node.destroy();
        }
        for (Process node : nodes) {
            try {
                if (!node.waitFor(15, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> files = Files.walk(scratch)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log("could not delete " + scratch + ": " + e.getMessage());
        }
    }

    private boolean isUp(String url) {
        try {
            get(url + "/v0/status");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private byte[] get(String url) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(duration)).build();
        try {
            HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IOException(url + " answered " + response.statusCode() + ": "
                        + new String(response.body(), StandardCharsets.UTF_8).strip());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static void log(String line) {
        System.err.println("dht bench: " + line);
    }
}
