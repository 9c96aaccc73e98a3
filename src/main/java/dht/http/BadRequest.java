package dht.http;

/** Input the node refuses, with the status and the short reason the client gets. */
final class BadRequest extends Exception {
    private final String status;

    BadRequest(String status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    String status() {
        return status;
    }
}
