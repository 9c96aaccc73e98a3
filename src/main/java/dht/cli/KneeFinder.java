package dht.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The ladder of {@code dht bench --find-knee}: the highest fixed rate at which the store holds
 * its latency bar.
 *
 * <p>Design. The rate climbs in equal steps, one run each, until a run misses the bar: a p99
 * above {@link #MAX_P99_MILLIS}, an error, or fewer requests served than offered (wrk2 then
 * reports latency from its schedule, so the queueing shows, but a short run may still pass). The
 * highest rate that held is then run three times more; if any of those misses, the step below
 * is confirmed the same way. A knee so found held four runs; a machine whose speed drifts may
 * still serve more at another hour, which is why each run's CPU per request is kept beside it.
 */
final class KneeFinder {
    static final double MAX_P99_MILLIS = 10;
    static final int CONFIRMATIONS = 3;
    /** A run that served less than this share of the offered rate did not keep up. */
    private static final double MIN_SERVED_SHARE = 0.97;

    /** One run at a fixed rate, as wrk2 and the nodes' CPU time tell it. */
    record Step(int rate, double served, double p50Millis, double p99Millis, long errors, double cpuMicrosPerRequest) {
        boolean held() {
            return errors == 0 && p99Millis <= MAX_P99_MILLIS && served >= rate * MIN_SERVED_SHARE;
        }
    }

    /** Runs the load at a rate: the seam between the ladder and the load generator. */
    interface Runner {
        Step run(int rate) throws IOException, InterruptedException;
    }

    // fixed after construction
    private final Runner runner;
    private final int start;
    private final int step;
    private final int max;

    private final List<Step> climb = new ArrayList<>();
    private final List<Step> confirmations = new ArrayList<>();

    KneeFinder(Runner runner, int start, int step, int max) {
        this.runner = runner;
        this.start = start;
        this.step = step;
        this.max = max;
    }

    /** Climbs, then confirms; returns the knee, or 0 when not even the first rate held three times. */
    int find() throws IOException, InterruptedException {
        int highest = 0;
        for (int rate = start; rate <= max; rate += step) {
            Step run = runner.run(rate);
            climb.add(run);
            if (!run.held()) {
                break;
            }
            highest = rate;
        }
        for (; highest >= start; highest -= step) {
            if (confirmed(highest)) {
                return highest;
            }
        }
        return 0;
    }

    private boolean confirmed(int rate) throws IOException, InterruptedException {
        for (int i = 0; i < CONFIRMATIONS; i++) {
            Step run = runner.run(rate);
            confirmations.add(run);
            if (!run.held()) {
                return false;
            }
        }
        return true;
    }

    List<Step> climb() {
        return climb;
    }

    List<Step> confirmations() {
        return confirmations;
    }
}
