package dht.cli.nemesis;

import dht.cli.nemesis.HistoryChecker.FinalRead;
import dht.cli.nemesis.HistoryChecker.FinalState;
import dht.cli.nemesis.HistoryChecker.Violation;
import dht.cli.nemesis.Op.Kind;
import dht.cli.nemesis.Op.Outcome;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HistoryCheckerTest {
    private static final long MS = 1_000_000;
    private static final long DEADLINE = 2_000 * MS;

    private final List<Op> ops = new ArrayList<>();

    private void op(Kind kind, String value, long invokeMs, long completeMs, Outcome outcome) {
        ops.add(new Op(0, kind, "k", value, 0, invokeMs * MS, completeMs * MS, outcome, outcome.name()));
    }

    private void put(String value, long invokeMs, long completeMs, Outcome outcome) {
        op(Kind.PUT, value, invokeMs, completeMs, outcome);
    }

    private void delete(long invokeMs, long completeMs, Outcome outcome) {
        op(Kind.DELETE, null, invokeMs, completeMs, outcome);
    }

    private void read(String value, long invokeMs, long completeMs) {
        op(Kind.GET, value, invokeMs, completeMs, Outcome.ACK);
    }

    private List<String> checks(String finalValue) {
        return checks(finalValue, true, List.of());
    }

    private List<String> checks(String finalValue, boolean strongReads, List<FaultWindow> windows) {
        FinalState state = new FinalState(finalValue, true, "", List.of(new FinalRead(0, true, finalValue, "")));
        return new HistoryChecker(ops, strongReads, DEADLINE, windows).check(Map.of("k", state)).stream()
                .map(Violation::check).toList();
    }

    @Test
    void theLastAcknowledgedWriteIsLegal() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        assertEquals(List.of(), checks("b"));
    }

    @Test
    void aValueOverwrittenByALaterAcknowledgedWriteIsALostWrite() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        assertEquals(List.of("lost write"), checks("a"));
    }

    @Test
    void aValueBackAfterAnAcknowledgedDeleteIsAnUndoneDelete() {
        put("a", 0, 10, Outcome.ACK);
        delete(20, 30, Outcome.ACK);
        assertEquals(List.of("undone delete"), checks("a"));
        assertEquals(List.of(), checks(null));
    }

    @Test
    void aMissingKeyAfterAnAcknowledgedPutIsALostWrite() {
        put("a", 0, 10, Outcome.ACK);
        assertEquals(List.of("lost write"), checks(null));
    }

    @Test
    void eitherOfTwoConcurrentWritesMayWin() {
        put("a", 0, 20, Outcome.ACK);
        put("b", 10, 30, Outcome.ACK);
        assertEquals(List.of(), checks("a"));
        assertEquals(List.of(), checks("b"));
    }

    @Test
    void aDeleteConcurrentWithThePutMayWin() {
        put("a", 0, 20, Outcome.ACK);
        delete(10, 30, Outcome.ACK);
        assertEquals(List.of(), checks(null));
        assertEquals(List.of(), checks("a"));
    }

    @Test
    void failedAndIndeterminateWritesMayTakeEffectButAreNotOwed() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.FAIL);
        put("c", 40, 50, Outcome.INFO);
        assertEquals(List.of(), checks("a"));
        assertEquals(List.of(), checks("b"));
        assertEquals(List.of(), checks("c"));
    }

    @Test
    void anIndeterminateWriteMayLandAfterLaterAcknowledgedOnes() {
        put("a", 0, 10, Outcome.INFO);
        put("b", 20, 30, Outcome.ACK);
        assertEquals(List.of(), checks("a"), "a timed-out write has no end: it may win over b");
    }

    @Test
    void aFailedWriteIsFixedWhenItsErrorArrived() {
        put("a", 0, 10, Outcome.FAIL);
        put("b", 20, 30, Outcome.ACK);
        assertEquals(List.of("lost write"), checks("a"), "a's version was stamped before its 504, so b's is larger");
    }

    @Test
    void aValueNoClientWroteIsFlagged() {
        put("a", 0, 10, Outcome.ACK);
        assertEquals(List.of("unknown value"), checks("z"));
    }

    @Test
    void aReadOlderThanAWriteAcknowledgedBeforeItBeganIsStale() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        read("a", 40, 50);
        assertEquals(List.of("stale read"), checks("b"));
    }

    @Test
    void aReadConcurrentWithTheWriteMaySeeEitherValue() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        read("a", 25, 50);
        read("b", 25, 50);
        assertEquals(List.of(), checks("b"));
    }

    @Test
    void aReadMissingAnAcknowledgedPutIsStaleUnlessADeleteExplainsIt() {
        put("a", 0, 10, Outcome.ACK);
        read(null, 20, 30);
        assertEquals(List.of("stale read"), checks("a"));
        ops.clear();
        put("a", 0, 10, Outcome.ACK);
        delete(15, 40, Outcome.FAIL);
        read(null, 20, 30);
        assertEquals(List.of(), checks(null));
    }

    @Test
    void aReadCannotSeeAWriteThatBeganAfterItEnded() {
        read("a", 0, 10);
        put("a", 20, 30, Outcome.ACK);
        assertEquals(List.of("future read"), checks("a"));
    }

    @Test
    void staleReadsAreNotFlaggedWithoutOverlappingQuorums() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        read("a", 40, 50);
        assertEquals(List.of(), checks("b", false, List.of()));
    }

    @Test
    void replicasThatDisagreeAndFinalReadsThatMissAreFlagged() {
        put("a", 0, 10, Outcome.ACK);
        FinalState state = new FinalState("a", false, "node 0: a, node 1: (absent)",
                List.of(new FinalRead(0, true, "a", ""), new FinalRead(1, true, null, ""), new FinalRead(2, false, null, "504")));
        List<String> found = new HistoryChecker(ops, true, DEADLINE, List.of()).check(Map.of("k", state)).stream()
                .map(Violation::check).toList();
        assertEquals(List.of("replicas disagree", "final read", "final read"), found);
    }

    @Test
    void aLateAnswerBreaksTheDeadlineUnlessItsNodeWasDownOrSlowed() {
        put("a", 0, 2_500, Outcome.ACK);
        assertEquals(List.of("deadline"), checks("a"));
        assertEquals(List.of(), checks("a", true, List.of(new FaultWindow(Fault.STOP, 0, 1_000 * MS, 4_000 * MS, 0))));
        assertEquals(List.of(), checks("a", true, List.of(new FaultWindow(Fault.DELAY, 0, 0, 4_000 * MS, 300))));
        assertEquals(List.of("deadline"), checks("a", true, List.of(new FaultWindow(Fault.STOP, 1, 0, 4_000 * MS, 0))),
                "another node's stop is no excuse: the coordinator must not wait for it");
    }

    @Test
    void violationsCarryTheKeysHistory() {
        put("a", 0, 10, Outcome.ACK);
        put("b", 20, 30, Outcome.ACK);
        Violation violation = new HistoryChecker(ops, true, DEADLINE, List.of())
                .check(Map.of("k", new FinalState("a", true, "", List.of()))).get(0);
        assertEquals(2, violation.history().size());
        assertTrue(violation.detail().contains("b"), violation.detail());
    }
}
