package dht.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class KneeFinderTest {
    /** A store whose p99 passes the bar above {@code knee}; the rate {@code flaky} misses it on its second run. */
    private static final class Store implements KneeFinder.Runner {
        final List<Integer> runs = new ArrayList<>();
        private final int knee;
        private final int flaky;

        Store(int knee, int flaky) {
            this.knee = knee;
            this.flaky = flaky;
        }

        @Override
        public KneeFinder.Step run(int rate) {
            runs.add(rate);
            boolean miss = rate > knee || rate == flaky && runs.stream().filter(r -> r == rate).count() == 2;
            return new KneeFinder.Step(rate, rate, 1, miss ? 25 : 4, 0, 100);
        }
    }

    @Test
    void climbsUntilTheBarIsMissed_thenConfirmsTheHighestThatHeld() throws Exception {
        Store store = new Store(3000, -1);
        KneeFinder finder = new KneeFinder(store, 1000, 1000, 100_000);
        assertEquals(3000, finder.find());
        assertEquals(List.of(1000, 2000, 3000, 4000, 3000, 3000, 3000), store.runs);
        assertEquals(4, finder.climb().size());
    }

    @Test
    void aConfirmationThatMisses_stepsDownAndConfirmsThere() throws Exception {
        Store store = new Store(3000, 3000);
        KneeFinder finder = new KneeFinder(store, 1000, 1000, 100_000);
        assertEquals(2000, finder.find(), "3000 held in the climb, then missed its first confirmation: not a knee");
        assertEquals(List.of(1000, 2000, 3000, 4000, 3000, 2000, 2000, 2000), store.runs);
    }

    @Test
    void errorsOrAnUnservedRate_missTheBar_likeALateP99() {
        assertEquals(false, new KneeFinder.Step(1000, 1000, 1, 2, 1, 0).held(), "an error");
        assertEquals(false, new KneeFinder.Step(1000, 900, 1, 2, 0, 0).held(), "the rate not served");
        assertEquals(true, new KneeFinder.Step(1000, 990, 1, 10, 0, 0).held());
    }

    @Test
    void aStoreThatNeverHolds_hasNoKnee() throws Exception {
        assertEquals(0, new KneeFinder(new Store(0, -1), 1000, 1000, 100_000).find());
    }
}
