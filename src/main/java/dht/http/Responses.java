package dht.http;

import dht.coordinator.Outcome;
import dht.coordinator.TransitionDriver;
import one.nio.http.Response;

import java.nio.charset.StandardCharsets;

/** The one place where outcomes and refusals become HTTP statuses. */
final class Responses {
    static final String RETRY_AFTER_SECONDS = "1";

    private Responses() {
    }

    static Response of(Outcome outcome) {
        if (outcome instanceof Outcome.Found found) {
            return new ValueResponse(found.record());
        }
        if (outcome instanceof Outcome.NotFound) {
            return new Response(Response.NOT_FOUND, Response.EMPTY);
        }
        if (outcome instanceof Outcome.Stored) {
            return new Response(Response.CREATED, Response.EMPTY);
        }
        if (outcome instanceof Outcome.Deleted) {
            return new Response(Response.ACCEPTED, Response.EMPTY);
        }
        if (outcome instanceof Outcome.NotEnoughReplicas failed) {
            return text(Response.GATEWAY_TIMEOUT, "Not Enough Replicas: "
                    + failed.answered() + " of " + failed.needed() + " answered; " + failed.cause());
        }
        if (outcome instanceof Outcome.Overloaded overloaded) {
            return overloaded("too many large answers in flight; " + overloaded.cause());
        }
        Outcome.StorageFailed failed = (Outcome.StorageFailed) outcome;
        return text(Response.INTERNAL_ERROR, "storage failed: " + failed.cause());
    }

    /** What became of a request to change the members. */
    static Response of(TransitionDriver.Answer answer) {
        String status = switch (answer.status()) {
            case ACCEPTED -> Response.ACCEPTED;
            case INVALID -> Response.BAD_REQUEST;
            case CONFLICT -> Response.CONFLICT;
            case UNAVAILABLE -> Response.SERVICE_UNAVAILABLE;
        };
        return text(status, answer.reason());
    }

    /** The coordinator's answer to a change passed on to it, as that node gave it. */
    static Response relayed(int status, byte[] reason) {
        String line = switch (status) {
            case 202 -> Response.ACCEPTED;
            case 400 -> Response.BAD_REQUEST;
            case 409 -> Response.CONFLICT;
            default -> Response.SERVICE_UNAVAILABLE;
        };
        return text(line, new String(reason, StandardCharsets.UTF_8).strip());
    }

    /** A short plain-text reason, the body of every refusal. */
    static Response text(String status, String reason) {
        Response response = new Response(status, (reason + "\n").getBytes(StandardCharsets.UTF_8));
        response.addHeader("Content-Type: text/plain; charset=utf-8");
        return response;
    }

    static Response overloaded(String reason) {
        Response response = text(Response.SERVICE_UNAVAILABLE, reason);
        response.addHeader("Retry-After: " + RETRY_AFTER_SECONDS);
        return response;
    }

    static Response json(String body) {
        Response response = new Response(Response.OK, body.getBytes(StandardCharsets.UTF_8));
        response.addHeader("Content-Type: application/json");
        return response;
    }
}
