package dht.http;

import dht.cluster.PercentEncoding;
import dht.storage.Keys;
import one.nio.http.Response;

import java.nio.charset.StandardCharsets;

/**
 * Reads parameters from a request URI's query string without building a map: requests carry one
 * or two parameters, and this runs on the selector thread for every request.
 */
final class QueryParams {
    /** The longest part of an unknown parameter's name that a refusal repeats. */
    private static final int MAX_NAME_SHOWN = 40;

    private QueryParams() {
    }

    /** The percent-decoded UTF-8 bytes of the one {@code id} parameter. */
    static byte[] id(String uri) throws BadRequest {
        byte[] id = bytes(uri, "id");
        if (id == null || id.length == 0) {
            throw new BadRequest(Response.BAD_REQUEST, "missing or empty id");
        }
        if (id.length > Keys.MAX_BYTES) {
            throw new BadRequest(Response.REQUEST_URI_TOO_LONG, "id is longer than " + Keys.MAX_BYTES + " bytes");
        }
        return id;
    }

    /** The parameter as a number, null when absent. */
    static Integer integer(String uri, String name) throws BadRequest {
        byte[] raw = bytes(uri, name);
        if (raw == null) {
            return null;
        }
        try {
            return Integer.valueOf(new String(raw, StandardCharsets.US_ASCII));
        } catch (NumberFormatException e) {
            throw new BadRequest(Response.BAD_REQUEST, "parameter " + name + " must be a number");
        }
    }

    /** The parameter as {@code true} or {@code false}; {@code absent} when it is not there. */
    static boolean bool(String uri, String name, boolean absent) throws BadRequest {
        byte[] raw = bytes(uri, name);
        if (raw == null) {
            return absent;
        }
        String text = new String(raw, StandardCharsets.US_ASCII);
        return switch (text) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new BadRequest(Response.BAD_REQUEST, "parameter " + name + " must be true or false");
        };
    }

    /**
     * Refuses a parameter not among {@code known}: a misspelt {@code ack} or {@code from} would
     * otherwise be ignored, and the request carried out with the defaults its client did not ask
     * for. Empty segments ({@code &&}, a trailing {@code &}) are let through.
     */
    static void requireKnown(String uri, String path, String[] known) throws BadRequest {
        int query = uri.indexOf('?');
        if (query < 0) {
            return;
        }
        for (int start = query + 1; start < uri.length(); ) {
            int end = uri.indexOf('&', start);
            if (end < 0) {
                end = uri.length();
            }
            int equals = uri.indexOf('=', start);
            int nameEnd = equals < 0 || equals > end ? end : equals;
            if (end > start && !isKnown(uri, start, nameEnd, known)) {
                String name = uri.substring(start, Math.min(nameEnd, start + MAX_NAME_SHOWN));
                throw new BadRequest(Response.BAD_REQUEST, "unknown parameter '" + name + "' on " + path
                        + " (it takes " + String.join(", ", known) + ")");
            }
            start = end + 1;
        }
    }

    private static boolean isKnown(String uri, int start, int end, String[] known) {
        for (String name : known) {
            if (name.length() == end - start && uri.startsWith(name, start)) {
                return true;
            }
        }
        return false;
    }

    /** The decoded value of the parameter, null when absent; a repeated parameter is refused. */
    static byte[] bytes(String uri, String name) throws BadRequest {
        int query = uri.indexOf('?');
        if (query < 0) {
            return null;
        }
        byte[] found = null;
        int start = query + 1;
        while (start <= uri.length()) {
            int end = uri.indexOf('&', start);
            if (end < 0) {
                end = uri.length();
            }
            int nameEnd = start + name.length();
            if (nameEnd < end && uri.charAt(nameEnd) == '=' && uri.startsWith(name, start)) {
                if (found != null) {
                    throw new BadRequest(Response.BAD_REQUEST, "parameter " + name + " is repeated");
                }
                found = decode(uri, nameEnd + 1, end, name);
            } else if (nameEnd == end && uri.startsWith(name, start)) {
                throw new BadRequest(Response.BAD_REQUEST, "parameter " + name + " has no value");
            }
            start = end + 1;
        }
        return found;
    }

    private static byte[] decode(String uri, int from, int to, String name) throws BadRequest {
        try {
            return PercentEncoding.decode(uri, from, to);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(Response.BAD_REQUEST, "parameter " + name + ": " + e.getMessage());
        }
    }
}
