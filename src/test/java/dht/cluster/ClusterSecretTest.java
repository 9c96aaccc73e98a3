package dht.cluster;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterSecretTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final long SKEW = 60_000;
    private static final String SENDER = "http://10.0.0.1:8080";
    private final ClusterSecret secret = ClusterSecret.of("a secret of enough bytes".getBytes(StandardCharsets.UTF_8), SKEW);

    private String header(String method, String target, String sender, long millis, long length) {
        String line = secret.headerLine(method, target, sender, millis, length);
        assertTrue(line.startsWith(ClusterSecret.HEADER + ": ") && line.endsWith("\r\n"), line);
        return line.substring(ClusterSecret.HEADER.length() + 2, line.length() - 2);
    }

    @Test
    void verify_theSignedCall_accepted() {
        String header = header("PUT", "/v0/internal/entity?id=k", SENDER, NOW, 42);
        assertTrue(secret.verify(header, "PUT", "/v0/internal/entity?id=k", SENDER, NOW + 1_000, 42));
    }

    @Test
    void verify_anythingChanged_refused() {
        String header = header("PUT", "/v0/internal/entity?id=k", SENDER, NOW, 42);
        assertFalse(secret.verify(header, "GET", "/v0/internal/entity?id=k", SENDER, NOW, 42), "method");
        assertFalse(secret.verify(header, "PUT", "/v0/internal/entity?id=other", SENDER, NOW, 42), "target");
        assertFalse(secret.verify(header, "PUT", "/v0/internal/entity?id=k", "http://10.0.0.2:8080", NOW, 42), "sender");
        assertFalse(secret.verify(header, "PUT", "/v0/internal/entity?id=k", SENDER, NOW, 43), "body length");
        String forgedTime = (NOW + 1) + header.substring(header.indexOf(':'));
        assertFalse(secret.verify(forgedTime, "PUT", "/v0/internal/entity?id=k", SENDER, NOW, 42), "time");
    }

    @Test
    void verify_signatureOutsideTheSkewWindow_refused() {
        String old = header("GET", "/v0/internal/ping", SENDER, NOW - SKEW - 1, 0);
        assertFalse(secret.verify(old, "GET", "/v0/internal/ping", SENDER, NOW, 0));
        String ahead = header("GET", "/v0/internal/ping", SENDER, NOW + SKEW + 1, 0);
        assertFalse(secret.verify(ahead, "GET", "/v0/internal/ping", SENDER, NOW, 0));
    }

    @Test
    void verify_anotherSecretOrGarbage_refused() {
        ClusterSecret other = ClusterSecret.of("another secret, just as long".getBytes(StandardCharsets.UTF_8), SKEW);
        String line = other.headerLine("GET", "/v0/internal/ping", SENDER, NOW, 0);
        String header = line.substring(ClusterSecret.HEADER.length() + 2).strip();
        assertFalse(secret.verify(header, "GET", "/v0/internal/ping", SENDER, NOW, 0));
        for (String garbage : new String[] {null, "", ":", "x:y", NOW + ":", NOW + ":" + "A".repeat(43)}) {
            assertFalse(secret.verify(garbage, "GET", "/v0/internal/ping", SENDER, NOW, 0), String.valueOf(garbage));
        }
        assertFalse(secret.verify(header("GET", "/v0/internal/ping", SENDER, NOW, 0), "GET", "/v0/internal/ping", null, NOW, 0));
    }

    @Test
    void none_signsNothing_andAcceptsEverything() {
        assertEquals("", ClusterSecret.NONE.headerLine("GET", "/", SENDER, NOW, 0));
        assertTrue(ClusterSecret.NONE.verify(null, "GET", "/", null, NOW, 0));
        assertFalse(ClusterSecret.NONE.enabled());
    }

    @Test
    void of_shortSecret_refused() {
        assertThrows(IllegalArgumentException.class, () -> ClusterSecret.of(new byte[ClusterSecret.MIN_BYTES - 1], SKEW));
    }

    @Test
    void toString_neverShowsTheSecret() {
        assertFalse(secret.toString().contains("secret of enough"));
    }
}
