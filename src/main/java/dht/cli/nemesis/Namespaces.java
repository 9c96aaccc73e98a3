package dht.cli.nemesis;

import dht.cli.Shell;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * One network namespace per node, so that faults between hosts can be made on one machine.
 *
 * <p>Design. Each node's namespace has one veth link, whose other end sits on a bridge in the
 * nemesis' own namespace; the bridge carries an address of the same private subnet, so the
 * clients reach every node directly while the nodes reach each other across the bridge.
 * Partitions and loss are nftables rules in the node's namespace that match only the other
 * nodes' addresses: clients keep reaching the node, as they would from another rack. Delay
 * needs the kernel's netem queue discipline on the node's link and slows its clients too.
 * Names carry this process' id, and everything is deleted on close.
 */
final class Namespaces implements AutoCloseable {
    private static final String TABLE = "inet nemesis";

    private final int nodes;
    private final String tag;
    private final String subnet;
    private final List<String> created = new ArrayList<>();
    private final boolean[] delayed;
    private String bridge;

    private Namespaces(int nodes) {
        long pid = ProcessHandle.current().pid();
        this.nodes = nodes;
        this.tag = Long.toString(pid);
        this.subnet = "10.213." + (pid % 250 + 1) + ".";
        this.delayed = new boolean[nodes];
    }

    /** A namespace per node, linked by a bridge; throws with the tools' own words when this machine cannot. */
    static Namespaces create(int nodes) throws IOException {
        for (String tool : List.of("ip", "nft")) {
            if (!Shell.onPath(tool)) {
                throw new IOException("'" + tool + "' is not installed (Debian: iproute2, nftables)");
            }
        }
        Namespaces namespaces = new Namespaces(nodes);
        try {
            namespaces.build();
        } catch (IOException e) {
            namespaces.close();
            throw e;
        }
        return namespaces;
    }

    private void build() throws IOException {
        bridge = "dhtnb" + tag;
        Shell.run("ip", "link", "add", bridge, "type", "bridge");
        Shell.run("ip", "addr", "add", subnet + "1/24", "dev", bridge);
        Shell.run("ip", "link", "set", bridge, "up");
        for (int i = 0; i < nodes; i++) {
            String namespace = namespace(i);
            Shell.run("ip", "netns", "add", namespace);
            created.add(namespace);
            String link = "dhtnv" + tag + "x" + i;
            Shell.run("ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", namespace);
            Shell.run("ip", "link", "set", link, "master", bridge);
            Shell.run("ip", "link", "set", link, "up");
            Shell.run("ip", "-n", namespace, "addr", "add", address(i) + "/24", "dev", "eth0");
            Shell.run("ip", "-n", namespace, "link", "set", "eth0", "up");
            Shell.run("ip", "-n", namespace, "link", "set", "lo", "up");
        }
    }

    /** Why delay cannot be injected here, or null when it can. */
    String delayUnavailable() {
        try {
            Shell.run("ip", "netns", "exec", namespace(0), "tc", "qdisc", "add", "dev", "eth0", "root", "netem", "delay", "1ms");
            Shell.run("ip", "netns", "exec", namespace(0), "tc", "qdisc", "del", "dev", "eth0", "root");
            return null;
        } catch (IOException e) {
            return "tc netem is not available: " + e.getMessage();
        }
    }

    String address(int node) {
        return subnet + (10 + node);
    }

    /** The command prefix that runs a program in the node's namespace. */
    List<String> enter(int node) {
        return List.of("ip", "netns", "exec", namespace(node));
    }

    /** Cuts the node off from the other nodes: both ways, or only what it receives from them. */
    void cut(int node, boolean oneWay) throws IOException {
        String peers = peers(node);
        rules(node, "ip saddr " + peers + " drop", oneWay ? "" : "ip daddr " + peers + " drop");
    }

    /** Drops a share of the packets between the node and the other nodes, both ways. */
    void loss(int node, int percent) throws IOException {
        String peers = peers(node);
        rules(node, "ip saddr " + peers + " numgen random mod 100 < " + percent + " drop",
                "ip daddr " + peers + " numgen random mod 100 < " + percent + " drop");
    }

    /** Delays every packet the node sends, to the other nodes and to clients. */
    void delay(int node, int millis) throws IOException {
        Shell.run("ip", "netns", "exec", namespace(node), "tc", "qdisc", "add", "dev", "eth0", "root", "netem",
                "delay", millis + "ms");
        delayed[node] = true;
    }

    /** Removes every fault from the node's links. */
    void heal(int node) throws IOException {
        Shell.run("ip", "netns", "exec", namespace(node), "nft", "flush", "ruleset");
        if (delayed[node]) {
            Shell.run("ip", "netns", "exec", namespace(node), "tc", "qdisc", "del", "dev", "eth0", "root");
            delayed[node] = false;
        }
    }

    private void rules(int node, String input, String output) throws IOException {
        String ruleset = "table " + TABLE + " {\n"
                + "  chain input {\n    type filter hook input priority 0; policy accept;\n    " + input + "\n  }\n"
                + "  chain output {\n    type filter hook output priority 0; policy accept;\n    " + output + "\n  }\n"
                + "}\n";
        Shell.run(ruleset, List.of("ip", "netns", "exec", namespace(node), "nft", "-f", "-"));
    }

    private String peers(int node) {
        List<String> others = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            if (i != node) {
                others.add(address(i));
            }
        }
        return "{ " + String.join(", ", others) + " }";
    }

    private String namespace(int node) {
        return "dhtn" + tag + "-" + node;
    }

    @Override
    public void close() {
        for (String namespace : created) {
            Shell.runQuietly("ip", "netns", "del", namespace);
        }
        created.clear();
        if (bridge != null) {
            Shell.runQuietly("ip", "link", "del", bridge);
            bridge = null;
        }
    }
}
