package dht.cli.nemesis;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScheduleTest {
    private static final List<Fault> ALL = List.of(Fault.values());

    @Test
    void theSameSeedPlansTheSameRun() {
        assertEquals(Schedule.plan(ALL, 3, 600_000, 7), Schedule.plan(ALL, 3, 600_000, 7));
        assertNotEquals(Schedule.plan(ALL, 3, 600_000, 7), Schedule.plan(ALL, 3, 600_000, 8));
    }

    @Test
    void faultsComeOneAtATimeWithRecoveryBetweenAndEndBeforeTheRun() {
        List<Schedule.Planned> plan = Schedule.plan(ALL, 3, 120_000, 1);
        long free = Schedule.WARM_UP_MILLIS;
        for (Schedule.Planned fault : plan) {
            assertTrue(fault.startMillis() >= free, fault.describe());
            assertTrue(fault.node() >= 0 && fault.node() < 3, fault.describe());
            free = fault.startMillis() + fault.lengthMillis() + fault.recoveryMillis();
        }
        assertTrue(free <= 120_000);
    }

    @Test
    void aShortRunStillSeesThreeFaults() {
        for (long seed = 0; seed < 50; seed++) {
            assertTrue(Schedule.plan(List.of(Fault.KILL, Fault.STOP, Fault.PARTITION), 3, 30_000, seed).size() >= 3);
        }
    }

    @Test
    void everyKindComesBeforeAnyRepeatsAndAmountsStayInRange() {
        List<Schedule.Planned> plan = Schedule.plan(ALL, 3, 600_000, 3);
        Set<Fault> first = EnumSet.noneOf(Fault.class);
        plan.subList(0, ALL.size()).forEach(p -> first.add(p.fault()));
        assertEquals(EnumSet.allOf(Fault.class), first);
        for (Schedule.Planned fault : plan) {
            switch (fault.fault()) {
                case DELAY -> assertTrue(fault.amount() >= 50 && fault.amount() <= 200, fault.describe());
                case LOSS -> assertTrue(fault.amount() >= 5 && fault.amount() <= 20, fault.describe());
                default -> assertEquals(0, fault.amount());
            }
        }
    }

    @Test
    void partitionsAlternateBetweenBothWaysAndOneWay() {
        List<Boolean> oneWay = Schedule.plan(List.of(Fault.PARTITION), 3, 60_000, 5).stream()
                .map(Schedule.Planned::oneWay).toList();
        assertTrue(oneWay.size() >= 4);
        for (int i = 0; i < oneWay.size(); i++) {
            assertEquals(i % 2 == 1, oneWay.get(i));
        }
    }
}
