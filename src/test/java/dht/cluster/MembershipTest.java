package dht.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MembershipTest {
    private static final String A = "http://127.0.0.1:1";
    private static final String B = "http://127.0.0.1:2";
    private static final String C = "http://127.0.0.1:3";
    private static final String D = "http://127.0.0.1:4";

    @Test
    void join_goesThroughItsPhasesOneEpochEach_thenHoldsTheNewMembersAlone() {
        Membership first = Membership.initial(List.of(C, A, B), 3);
        assertEquals(List.of(A, B, C), first.members(), "sorted, whatever the order given");
        Membership dual = first.begin(Transition.Kind.JOIN, D, A, 1_000);
        assertEquals(2, dual.epoch());
        assertEquals(Transition.Phase.DUAL_WRITES, dual.transition().phase());
        assertEquals(List.of(A, B, C, D), dual.next());
        assertEquals("joining", dual.state(D));
        assertEquals("normal", dual.state(A));
        Membership streaming = dual.advance();
        Membership readNew = streaming.advance();
        assertEquals(Transition.Phase.READ_NEW, readNew.transition().phase());
        assertEquals(2, readNew.transition().startEpoch(), "a change keeps the name of its first epoch");
        Membership done = readNew.advance();
        assertEquals(5, done.epoch());
        assertNull(done.transition());
        assertEquals(List.of(A, B, C, D), done.members());
        assertThrows(IllegalStateException.class, done::advance);
        assertThrows(IllegalStateException.class, () -> dual.begin(Transition.Kind.LEAVE, B, A, 0));
    }

    @Test
    void leaveAndRemove_dropTheSubject_andARemovedMemberTakesNoPart() {
        Membership four = Membership.initial(List.of(A, B, C, D), 3);
        Membership leave = four.begin(Transition.Kind.LEAVE, D, A, 0);
        assertEquals("leaving", leave.state(D));
        assertEquals(List.of(A, B, C, D), List.copyOf(leave.participants()), "a leaving member sends its data");
        Membership remove = four.begin(Transition.Kind.REMOVE, D, A, 0);
        assertEquals(List.of(A, B, C), List.copyOf(remove.participants()));
        assertEquals(D, remove.transition().removed());
        assertNull(remove.state("http://127.0.0.1:9"));
    }

    @Test
    void encoding_roundTrips_withAndWithoutAChange() {
        Membership plain = new Membership(7, 2, List.of(B, A), null);
        assertEquals(plain, Membership.decode(plain.encode()));
        Membership changing = plain.begin(Transition.Kind.REMOVE, B, A, 1_764_700_000_000L).advance();
        assertEquals(changing, Membership.decode(changing.encode()));
    }

    @Test
    void decode_refusesWhatIsNoMembership() {
        for (String bad : List.of("", "hello", "dht-membership 1\nepoch x\nreplicas 3\nmember " + A,
                "dht-membership 1\nepoch 1\nreplicas 3\n", "dht-membership 1\nepoch 1\nreplicas 3\nmember " + A + "\nfoo bar",
                "dht-membership 1\nepoch 2\nreplicas 3\nmember " + A + "\ntransition join " + B + " nowhere " + A + " 0 2\nnext " + A)) {
            assertThrows(IllegalArgumentException.class, () -> Membership.decode(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
