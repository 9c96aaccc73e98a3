package dht.http;

import java.util.function.Supplier;

/**
 * What a node reports about itself, and to whom.
 *
 * @param status the JSON of {@code /v0/status}
 * @param metrics the body of {@code /metrics}, in the format {@code metricsContentType} names
 * @param requests where every answered request is counted
 * @param access what clients may do, {@code /v0/admin/*} included
 */
public record Observability(Supplier<String> status, Supplier<byte[]> metrics, String metricsContentType,
                            RequestMetrics requests, ClientAccess access) {
}
