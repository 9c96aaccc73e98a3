package dht.cluster;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Authenticates the calls between nodes with a secret that every member shares.
 *
 * <p>Design. A call carries {@link #HEADER}: the sender's wall-clock time in milliseconds and an
 * HMAC-SHA256, under the secret, of the method, the target (path and query), the sender's URL,
 * that time and the body's length. A receiver recomputes it and compares in constant time, and
 * refuses a time further than the allowed clock skew from its own. So without the secret no one
 * can call an internal endpoint, change what a captured call asks for, or claim to be another
 * member.
 *
 * <p>Not covered. The body itself is not signed, only its length: signing it would cost a pass
 * over every value on both sides. Nor is anything encrypted. Someone who can read and rewrite the
 * traffic between nodes can therefore see values and swap a body for another of the same length,
 * and can replay a captured call within the skew window (a replayed write stores the same record
 * again, which changes nothing). Such a network needs TLS or a private link, which dht does not
 * provide itself.
 */
public final class ClusterSecret {
    /** Carries {@code TIME:SIGNATURE} on every internal call. */
    public static final String HEADER = "X-Dht-Auth";
    /** No secret: calls go unsigned and every call is accepted. */
    public static final ClusterSecret NONE = new ClusterSecret(null, 0);
    private static final String ALGORITHM = "HmacSHA256";
    /** Shorter secrets are refused: 16 random bytes are the least an HMAC key should have. */
    public static final int MIN_BYTES = 16;

    // fixed after construction
    private final SecretKeySpec key;
    private final long maxSkewMillis;
    private final ThreadLocal<Mac> macs;

    private ClusterSecret(byte[] secret, long maxSkewMillis) {
        this.key = secret == null ? null : new SecretKeySpec(secret, ALGORITHM);
        this.maxSkewMillis = maxSkewMillis;
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /**
     * @param secret the shared secret, at least {@link #MIN_BYTES} bytes
     * @param maxSkewMillis how far a call's time may lie from the receiver's clock
     */
    public static ClusterSecret of(byte[] secret, long maxSkewMillis) {
        if (secret.length < MIN_BYTES) {
            throw new IllegalArgumentException("the cluster secret has " + secret.length + " bytes; it needs at least " + MIN_BYTES);
        }
        return new ClusterSecret(secret.clone(), maxSkewMillis);
    }

    /** A new random secret, for the nodes of one JVM's local cluster. */
    public static ClusterSecret random(long maxSkewMillis) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        return new ClusterSecret(secret, maxSkewMillis);
    }

    public boolean enabled() {
        return key != null;
    }

    /** The header line (with CRLF) that authenticates this call, or an empty string without a secret. */
    public String headerLine(String method, String target, String sender, long nowMillis, long bodyLength) {
        if (key == null) {
            return "";
        }
        return HEADER + ": " + headerValue(method, target, sender, nowMillis, bodyLength) + "\r\n";
    }

    /** The {@link #HEADER} value that authenticates this call; only with a secret. */
    public String headerValue(String method, String target, String sender, long nowMillis, long bodyLength) {
        return nowMillis + ":" + signature(method, target, sender, nowMillis, bodyLength);
    }

    /**
     * Whether the call is authentic: always true without a secret.
     *
     * @param header the {@link #HEADER} value as received, null when absent
     */
    public boolean verify(String header, String method, String target, String sender, long nowMillis, long bodyLength) {
        if (key == null) {
            return true;
        }
        if (header == null || sender == null) {
            return false;
        }
        String value = header.strip();
        int colon = value.indexOf(':');
        if (colon <= 0) {
            return false;
        }
        long sentMillis;
        try {
            sentMillis = Long.parseLong(value.substring(0, colon));
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(nowMillis - sentMillis) > maxSkewMillis) {
            return false;
        }
        byte[] expected = signature(method, target, sender, sentMillis, bodyLength).getBytes(StandardCharsets.US_ASCII);
        byte[] presented = value.substring(colon + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, presented);
    }

    private String signature(String method, String target, String sender, long millis, long bodyLength) {
        Mac mac = macs.get();
        String signed = method + ' ' + target + '\n' + sender + '\n' + millis + '\n' + bodyLength;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    @Override
    public String toString() {
        return key == null ? "no cluster secret" : "a cluster secret"; // never the secret itself
    }
}
