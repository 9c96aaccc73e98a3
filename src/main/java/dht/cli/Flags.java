package dht.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A command line: {@code --name value} pairs and bare switches, checked against the known flags
 * so a typo fails loudly instead of being ignored.
 */
public final class Flags {
    /** The node's flags, each with its value placeholder (empty for a switch) and its help line. */
    static final Map<String, String[]> NODE = new LinkedHashMap<>();

    static {
        NODE.put("port", new String[] {"PORT", "port to listen on (the local cluster's first port; default 8080)"});
        NODE.put("self", new String[] {"URL", "this node's URL as it appears in --cluster, e.g. http://host1:8080"});
        NODE.put("cluster", new String[] {"URL,URL,...", "every member's URL, self included, in any order; a stored membership wins over it"});
        NODE.put("join", new String[] {"URL,...", "instead of --cluster: join the cluster of these members (seeds), taking its membership"});
        NODE.put("data", new String[] {"DIR", "data directory (default ./data; the local cluster uses DIR/PORT)"});
        NODE.put("workers", new String[] {"N", "worker threads per node (default: cores)"});
        NODE.put("queue", new String[] {"N", "requests that may wait for a worker before 503, and the most whose replicas are all peers that selectors coordinate at once (default 1024)"});
        NODE.put("queue-ms", new String[] {"MS", "longest wait for a worker before 503 (default 500)"});
        NODE.put("selectors", new String[] {"N", "selector threads per node (default: cores / 2, at least 1)"});
        NODE.put("partitions", new String[] {"N", "virtual nodes: equal arcs of the ring, a power of two (default 262144)"});
        NODE.put("peer-connections", new String[] {"N", "pooled keep-alive connections per peer (default 8)"});
        NODE.put("peer-timeout-ms", new String[] {"MS", "deadline of a call to a peer (default 1000)"});
        NODE.put("connect-timeout-ms", new String[] {"MS", "TCP connect timeout to a peer (default 250)"});
        NODE.put("max-value-bytes", new String[] {"N", "largest value; larger PUTs get 413 (default 16777216)"});
        NODE.put("body-memory-mb", new String[] {"MB", "request bodies held at once before 503, and answers unsent to slow readers (default: heap / 8)"});
        NODE.put("block-cache-mb", new String[] {"MB", "RocksDB block cache, off-heap (default 32)"});
        NODE.put("memtable-mb", new String[] {"MB", "RocksDB memtable size; up to 3 exist (default 16)"});
        NODE.put("replicas", new String[] {"N", "replication factor, the default from (default: cluster size, at most 3)"});
        NODE.put("hint-window-ms", new String[] {"MS", "hints older than this are dropped undelivered (default 10800000, 3 h)"});
        NODE.put("hint-max-mb", new String[] {"MB", "hints a node keeps at most (default 256)"});
        NODE.put("tombstone-grace-ms", new String[] {"MS", "tombstones older than this are purged; must exceed the hint window (default 86400000, 1 day)"});
        NODE.put("repair-interval-ms", new String[] {"MS", "anti-entropy: compare and repair with each peer every MS (default 3600000, 1 h)"});
        NODE.put("repair-mb-per-s", new String[] {"MB", "anti-entropy: records each scan reads and each exchange sends per second at most (default 16)"});
        NODE.put("stream-mb-per-s", new String[] {"MB", "membership changes: handoff records each node receives, and cleanup reads, per second at most (default 32)"});
        NODE.put("speculative-read-ms", new String[] {"MS", "a read calls ack replicas, and the others after MS without a decision or at once when one fails; 0 calls all at once (default 10)"});
        NODE.put("fsync", new String[] {"", "acknowledge a write once a WAL sync covers it (group commit): survives power loss"});
        NODE.put("fsync-interval-ms", new String[] {"MS", "sync the WAL every MS instead; a power loss can take the last MS of writes"});
        NODE.put("streams", new String[] {"N", "range streams open at once, clients' and peers' together; more get 503 (default 8)"});
        NODE.put("max-connections", new String[] {"N", "connections open at once; more are refused as they arrive (default 4096)"});
        NODE.put("body-timeout-ms", new String[] {"MS", "a request head, then its body, not received in full by then closes the connection (default 10000)"});
        NODE.put("write-timeout-ms", new String[] {"MS", "answers a client takes no byte of for this long close its connection (default 10000)"});
        NODE.put("stream-idle-ms", new String[] {"MS", "a range stream whose client reads nothing for this long is closed (default 30000)"});
        NODE.put("cluster-secret-file", new String[] {"PATH", "a file with the secret every member signs its internal calls with (the same on every node)"});
        NODE.put("insecure", new String[] {"", "let members beyond loopback run without --cluster-secret-file: anyone who reaches a port can write"});
        NODE.put("max-clock-skew-ms", new String[] {"MS", "refuse record versions further than this ahead of the wall clock, and never move the clock further (default 60000)"});
        NODE.put("tokens-file", new String[] {"PATH", "lines 'TOKEN read|write|admin': clients then need Authorization: Bearer TOKEN (re-read on change or SIGHUP)"});
        NODE.put("admin", new String[] {"", "serve /v0/admin/profile (live flamegraphs) to loopback clients"});
        NODE.put("admin-token", new String[] {"TOKEN", "also serve it to any client sending Authorization: Bearer TOKEN (implies --admin)"});
        NODE.put("drain-ms", new String[] {"MS", "how long a stopping node waits for requests in flight (default 5000)"});
        NODE.put("help", new String[] {"", "print this help and exit"});
    }

    private final Map<String, String> values = new LinkedHashMap<>();

    Flags(List<String> args) throws UsageException {
        this(NODE, args);
    }

    public Flags(Map<String, String[]> known, List<String> args) throws UsageException {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "' (see --help)");
            }
            String name = arg.substring(2);
            String inline = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                inline = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            String[] spec = known.get(name);
            if (spec == null) {
                throw new UsageException("unknown flag --" + name + " (see --help)");
            }
            if (values.containsKey(name)) {
                throw new UsageException("flag --" + name + " is given twice");
            }
            if (spec[0].isEmpty()) {
                values.put(name, inline == null ? "true" : inline);
            } else if (inline != null) {
                values.put(name, inline);
            } else if (i + 1 < args.size()) {
                values.put(name, args.get(++i));
            } else {
                throw new UsageException("flag --" + name + " needs a value " + spec[0]);
            }
        }
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    public String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    public boolean bool(String name) throws UsageException {
        String value = values.get(name);
        if (value == null || value.equals("false")) {
            return false;
        }
        if (value.equals("true")) {
            return true;
        }
        throw new UsageException("flag --" + name + " takes true or false, got '" + value + "'");
    }

    public int integer(String name, int fallback, int min, int max) throws UsageException {
        long value = number(name, fallback);
        if (value < min || value > max) {
            throw new UsageException("flag --" + name + " must be between " + min + " and " + max + ", got " + value);
        }
        return (int) value;
    }

    /** The flag as a share from 0 to 1; the flag must be given. */
    public double fraction(String name) throws UsageException {
        String value = values.get(name);
        double share;
        try {
            share = value == null ? Double.NaN : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            share = Double.NaN;
        }
        if (!(share >= 0 && share <= 1)) {
            throw new UsageException("flag --" + name + " takes a share from 0 to 1, got '" + value + "'");
        }
        return share;
    }

    private long number(String name, long fallback) throws UsageException {
        String value = values.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("flag --" + name + " takes a number, got '" + value + "'");
        }
    }

    static String help() {
        return help("""
                usage: java -jar dht.jar [flags]
                  with no --self/--cluster: a local 3-node cluster in one JVM on ports PORT..PORT+2
                  with --self and --cluster: one node of a cluster, one process per host
                  with --self and --join: a new node that joins a running cluster
                       java -jar dht.jar admin join|leave|remove|abort|status [flags]  (see admin --help)
                       java -jar dht.jar fill [flags]    (see fill --help)
                       java -jar dht.jar bench [flags]   (see bench --help)
                       java -jar dht.jar nemesis [flags] (see nemesis --help)
                """, NODE);
    }

    public static String help(String usage, Map<String, String[]> known) {
        StringBuilder out = new StringBuilder(usage).append("\nflags:\n");
        for (Map.Entry<String, String[]> flag : known.entrySet()) {
            String left = "  --" + flag.getKey() + (flag.getValue()[0].isEmpty() ? "" : " " + flag.getValue()[0]);
            out.append(String.format("%-34s %s%n", left, flag.getValue()[1]));
        }
        return out.toString();
    }
}
