package dht.http;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Who may use the admin endpoints: nobody unless they are enabled; then clients on loopback, and
 * any client that presents the token as {@code Authorization: Bearer TOKEN}.
 *
 * @param token null when only loopback clients are allowed
 */
public record AdminAccess(boolean enabled, String token) {
    public static final AdminAccess OFF = new AdminAccess(false, null);

    boolean allows(String remoteHost, String authorization) {
        if (!enabled) {
            return false;
        }
        if (token != null && authorization != null) {
            byte[] presented = authorization.strip().getBytes(StandardCharsets.UTF_8);
            byte[] expected = ("Bearer " + token).getBytes(StandardCharsets.UTF_8);
            if (MessageDigest.isEqual(presented, expected)) { // in constant time, so timing does not reveal it
                return true;
            }
        }
        return isLoopback(remoteHost);
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        try {
            return InetAddress.getByName(host).isLoopbackAddress(); // an address literal: no lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
