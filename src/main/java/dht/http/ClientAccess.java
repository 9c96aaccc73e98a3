package dht.http;

import one.nio.http.Request;
import one.nio.http.Response;

/**
 * What a client may do. With a tokens file every client request needs a bearer token whose role
 * covers it: reads need {@code read}, writes {@code write}, the admin endpoints {@code admin}.
 * Without one, clients are not authenticated, and the admin endpoints answer as
 * {@link AdminAccess} says. Calls between nodes are not clients: the cluster secret covers them.
 *
 * @param tokens the clients' tokens, or null when clients are not authenticated
 */
public record ClientAccess(AdminAccess admin, Tokens tokens) {

    /**
     * Refuses a request that needs {@code needed}: 401 without a known token, 403 when its role is
     * lower. Without tokens it reads nothing of the request.
     */
    void require(Tokens.Role needed, Request request) throws BadRequest {
        if (tokens == null) {
            return;
        }
        Tokens.Role role = tokens.roleOf(request.getHeader("Authorization:"));
        if (role == null) {
            throw new BadRequest(Response.UNAUTHORIZED, "this node needs Authorization: Bearer TOKEN with a known token");
        }
        if (role.compareTo(needed) < 0) {
            throw new BadRequest(Response.FORBIDDEN, "a " + role.name().toLowerCase() + " token may not do this; it needs "
                    + needed.name().toLowerCase());
        }
    }

    /** Refuses an admin request: 404 when the admin endpoints are off, else as {@link #require} or {@link AdminAccess}. */
    void requireAdmin(String remoteHost, Request request) throws BadRequest {
        if (!admin.enabled()) {
            throw new BadRequest(Response.NOT_FOUND, "admin endpoints are off; start the node with --admin");
        }
        if (tokens != null) {
            require(Tokens.Role.ADMIN, request);
        } else if (!admin.allows(remoteHost, request.getHeader("Authorization:"))) {
            throw new BadRequest(Response.FORBIDDEN, "admin endpoints answer loopback clients, and others with the admin token");
        }
    }

    /**
     * Refuses an operator's request (repair, membership): with tokens it needs {@code admin};
     * without, loopback clients may, and others holding the admin token.
     */
    void requireOperator(String remoteHost, Request request) throws BadRequest {
        if (tokens != null) {
            require(Tokens.Role.ADMIN, request);
        } else if (!AdminAccess.isLoopback(remoteHost) && !admin.allows(remoteHost, request.getHeader("Authorization:"))) {
            throw new BadRequest(Response.FORBIDDEN, "operator endpoints answer loopback clients, and others with the admin token");
        }
    }
}
