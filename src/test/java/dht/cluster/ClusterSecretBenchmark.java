package dht.cluster;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * What signing an internal call costs the sender, and checking it the receiver, for a replica
 * write of a key like the load scripts use.
 * Run: {@code mvn -Pjmh test -DskipTests -Djmh.args="ClusterSecretBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClusterSecretBenchmark {
    private static final String TARGET = "/v0/internal/entity?id=k123456";
    private static final String SENDER = "http://127.0.0.1:8080";
    private static final long NOW = 1_700_000_000_000L;

    private ClusterSecret secret;
    private String header;

    @Setup
    public void setUp() {
        secret = ClusterSecret.of("a secret of thirty-two characters".getBytes(StandardCharsets.UTF_8), 60_000);
        String line = secret.headerLine("PUT", TARGET, SENDER, NOW, 265);
        header = line.substring(ClusterSecret.HEADER.length() + 2, line.length() - 2);
    }

    @Benchmark
    public String sign() {
        return secret.headerLine("PUT", TARGET, SENDER, NOW, 265);
    }

    @Benchmark
    public boolean verify() {
        return secret.verify(header, "PUT", TARGET, SENDER, NOW, 265);
    }
}
