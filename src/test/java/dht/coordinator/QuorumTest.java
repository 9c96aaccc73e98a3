package dht.coordinator;

import dht.cluster.PeerException;
import dht.storage.Record;
import dht.storage.StorageException;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class QuorumTest {
    private static final Record OLD = Record.live(1, new byte[] {1});
    private static final Record NEW = Record.live(2, new byte[] {2});

    @Test
    void reply_ackAnswers_succeedsWithTheNewest() {
        Quorum quorum = new Quorum(2, 3);
        assertNull(quorum.reply(NEW, null));
        Quorum.Decision decision = quorum.reply(OLD, null);
        assertTrue(decision.succeeded());
        assertSame(NEW, decision.newest());
    }

    @Test
    void reply_afterTheDecision_isIgnored() {
        Quorum quorum = new Quorum(1, 2);
        assertTrue(quorum.reply(null, null).succeeded());
        assertNull(quorum.reply(NEW, null));
    }

    @Test
    void reply_tooManyFailures_failsWithNotEnoughReplicas() {
        Quorum quorum = new Quorum(2, 3);
        assertNull(quorum.reply(OLD, null));
        assertNull(quorum.reply(null, new IOException("down")));
        Quorum.Decision decision = quorum.reply(null, new IOException("down too"));
        assertFalse(decision.succeeded());
        assertInstanceOf(Outcome.NotEnoughReplicas.class, decision.failure());
    }

    @Test
    void reply_failuresAllForWantOfRoom_failAsOverloaded_otherwiseAsNotEnoughReplicas() {
        PeerException noRoom = new PeerException(PeerException.Kind.NO_ROOM, "no room", null);
        Quorum overloaded = new Quorum(2, 3);
        assertNull(overloaded.reply(OLD, null));
        assertNull(overloaded.reply(null, noRoom));
        assertInstanceOf(Outcome.Overloaded.class, overloaded.reply(null, noRoom).failure());
        Quorum mixed = new Quorum(2, 3);
        assertNull(mixed.reply(null, noRoom));
        assertInstanceOf(Outcome.NotEnoughReplicas.class, mixed.reply(null, new IOException("down")).failure());
    }

    @Test
    void reply_singleReplicaStorageFault_failsAsStorage() {
        Quorum.Decision decision = new Quorum(1, 1).reply(null, new StorageException("disk", null));
        assertInstanceOf(Outcome.StorageFailed.class, decision.failure());
    }

    @Test
    void reply_othersCannotMakeIt_callsTheStandbyOnce_thenItsRepliesDecide() {
        Quorum quorum = new Quorum(2, 2, 1);
        assertNull(quorum.reply(OLD, null));
        assertSame(Quorum.Decision.CALL_STANDBY, quorum.reply(null, new IOException("down")));
        assertTrue(quorum.reply(NEW, null).succeeded());
    }

    @Test
    void reply_standbyFailsToo_failsWithNotEnoughReplicas() {
        Quorum quorum = new Quorum(1, 1, 1);
        assertSame(Quorum.Decision.CALL_STANDBY, quorum.reply(null, new IOException("down")));
        Quorum.Decision decision = quorum.reply(null, new IOException("down too"));
        assertFalse(decision.succeeded());
        assertInstanceOf(Outcome.NotEnoughReplicas.class, decision.failure());
    }
}
