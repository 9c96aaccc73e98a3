package dht.http;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminAccessTest {

    @Test
    void off_refusesEveryone() {
        assertFalse(AdminAccess.OFF.allows("127.0.0.1", null));
        assertFalse(new AdminAccess(false, "t").allows("127.0.0.1", "Bearer t"));
    }

    @Test
    void on_allowsLoopbackOnly_unlessTheTokenComes() {
        AdminAccess loopbackOnly = new AdminAccess(true, null);
        assertTrue(loopbackOnly.allows("127.0.0.1", null));
        assertTrue(loopbackOnly.allows("0:0:0:0:0:0:0:1", null));
        assertFalse(loopbackOnly.allows("10.1.2.3", "Bearer anything"));
        assertFalse(loopbackOnly.allows(null, null));

        AdminAccess withToken = new AdminAccess(true, "s3cret");
        assertTrue(withToken.allows("10.1.2.3", "Bearer s3cret"));
        assertTrue(withToken.allows("10.1.2.3", " Bearer s3cret "));
        assertFalse(withToken.allows("10.1.2.3", "Bearer s3cre"));
        assertFalse(withToken.allows("10.1.2.3", "s3cret"));
        assertFalse(withToken.allows("10.1.2.3", null));
        assertTrue(withToken.allows("127.0.0.1", null));
    }
}
