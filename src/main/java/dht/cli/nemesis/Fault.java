package dht.cli.nemesis;

import java.util.Locale;

/** The faults the nemesis injects, one at a time, into one node. */
enum Fault {
    /** kill -9, then a restart on the same data directory. */
    KILL(true, false),
    /** SIGSTOP for a few seconds, then SIGCONT: a hung node. */
    STOP(true, false),
    /** SIGTERM (a graceful stop), then a restart. */
    TERM(true, false),
    /** The node cut off from the other nodes, both ways or only what it receives; clients still reach it. */
    PARTITION(false, true),
    /** Latency on every packet of the node's link. */
    DELAY(false, true),
    /** A share of the packets between the node and the other nodes dropped. */
    LOSS(false, true);

    /** Whether the node's own process is down or hung, so its own answers may come late or never. */
    final boolean process;
    /** Whether the fault needs a network namespace per node. */
    final boolean network;

    Fault(boolean process, boolean network) {
        this.process = process;
        this.network = network;
    }

    String flagName() {
        return name().toLowerCase(Locale.ROOT);
    }

    static Fault parse(String name) {
        for (Fault fault : values()) {
            if (fault.flagName().equals(name)) {
                return fault;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + name + "'");
    }
}
