package dht.cli.nemesis;

/**
 * When a fault held one node, in nanoseconds since the run began.
 *
 * @param delayMillis the latency added to the node's links, 0 for other faults
 */
record FaultWindow(Fault fault, int node, long start, long end, int delayMillis) {

    boolean overlaps(long from, long to) {
        return start <= to && from <= end;
    }

    boolean holds(long time) {
        return start <= time && time <= end;
    }
}
