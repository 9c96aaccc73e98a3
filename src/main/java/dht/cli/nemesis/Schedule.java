package dht.cli.nemesis;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The faults of one run, planned from a seed so that a run that found something can be
 * repeated. One fault at a time: each holds one node for a few seconds and is healed, and the
 * cluster gets a quiet spell to recover before the next. Every requested kind comes once, in a
 * shuffled order, before any comes again; partitions alternate between cutting both ways and
 * cutting only what the node receives. Faults and spells last a unit to two (a stop a bit
 * less): 4 s in a long run, less in a short one, so that a 30 s run still sees three faults.
 */
final class Schedule {
    static final long WARM_UP_MILLIS = 3_000;

    /**
     * @param startMillis when the fault begins, counted from the start of the load
     * @param amount      added latency in milliseconds (delay) or dropped packets in percent (loss)
     * @param oneWay      partition only: the node hears nothing from the others, but they hear it
     * @param recoveryMillis the quiet spell after the fault is healed, before the next one
     */
    record Planned(Fault fault, int node, long startMillis, long lengthMillis, int amount, boolean oneWay,
                   long recoveryMillis) {
        String describe() {
            String what = switch (fault) {
                case DELAY -> "delay " + amount + " ms on";
                case LOSS -> "loss " + amount + "% between the others and";
                case PARTITION -> (oneWay ? "one-way partition (hears nothing) of" : "partition (both ways) of");
                default -> fault.flagName();
            };
            return String.format("%6.1f s  %4.1f s  %s node %d", startMillis / 1e3, lengthMillis / 1e3, what, node);
        }
    }

    private Schedule() {
    }

    static List<Planned> plan(List<Fault> faults, int nodes, long durationMillis, long seed) {
        Random random = new Random(seed);
        List<Planned> plan = new ArrayList<>();
        List<Fault> round = new ArrayList<>();
        boolean oneWay = false;
        long at = WARM_UP_MILLIS;
        long unit = Math.max(2_000, Math.min(4_000, durationMillis / 15));
        while (!faults.isEmpty()) {
            if (round.isEmpty()) {
                round.addAll(faults);
                Collections.shuffle(round, random);
            }
            Fault fault = round.remove(0);
            long length = fault == Fault.STOP ? unit * 3 / 4 + (long) (random.nextDouble() * unit * 3 / 4)
                    : unit + (long) (random.nextDouble() * unit);
            if (at + length + unit > durationMillis) {
                break;
            }
            int amount = switch (fault) {
                case DELAY -> 50 + random.nextInt(151);
                case LOSS -> 5 + random.nextInt(16);
                default -> 0;
            };
            plan.add(new Planned(fault, random.nextInt(nodes), at, length, amount, fault == Fault.PARTITION && oneWay, unit));
            if (fault == Fault.PARTITION) {
                oneWay = !oneWay;
            }
            at += length + unit;
        }
        return plan;
    }
}
