package dht.http;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Counts and times the requests a node answers, by operation and status. The data points are
 * looked up once and kept, so recording a request is two lock-free updates.
 */
public final class RequestMetrics {
    private static final double[] SECONDS = {0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10};
    private static final int MIN_STATUS = 100;
    private static final int MAX_STATUS = 599;

    // fixed after construction
    private final Counter requests;
    private final DistributionDataPoint[] latency = new DistributionDataPoint[Operation.values().length];

    // filled as statuses first occur; threads that race fetch the same data point
    private final CounterDataPoint[][] byStatus = new CounterDataPoint[Operation.values().length][MAX_STATUS - MIN_STATUS + 1];

    public RequestMetrics(PrometheusRegistry registry) {
        this.requests = Counter.builder()
                .name("dht_requests")
                .help("Requests answered, by operation and HTTP status")
                .labelNames("operation", "status")
                .register(registry);
        Histogram duration = Histogram.builder()
                .name("dht_request_duration_seconds")
                .help("From the parsed request to its response (for a range, to its last chunk), by operation")
                .labelNames("operation")
                .classicOnly()
                .classicUpperBounds(SECONDS)
                .register(registry);
        for (Operation operation : Operation.values()) {
            latency[operation.ordinal()] = duration.labelValues(operation.label);
        }
    }

    void record(Operation operation, int status, long startNanos) {
        latency[operation.ordinal()].observe((System.nanoTime() - startNanos) * 1e-9);
        int slot = Math.min(Math.max(status, MIN_STATUS), MAX_STATUS) - MIN_STATUS;
        CounterDataPoint point = byStatus[operation.ordinal()][slot];
        if (point == null) {
            point = requests.labelValues(operation.label, Integer.toString(status));
            byStatus[operation.ordinal()][slot] = point;
        }
        point.inc();
    }
}
