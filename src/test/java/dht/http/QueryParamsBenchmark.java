package dht.http;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Reading the id from request URIs as the selector thread does, plain and percent-encoded, and
 * checking that a request names no parameter its path does not take.
 * Run: {@code mvn -Pjmh test -DskipTests -Djmh.args="QueryParamsBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class QueryParamsBenchmark {
    private final String plain = "/v0/entity?id=k123456";
    private final String escaped = "/v0/entity?id=user%2F42%26profile&ack=2&from=3";
    private final String[] known = {"id", "ack", "from", "ttl"};

    @Benchmark
    public byte[] plainId() throws BadRequest {
        return QueryParams.id(plain);
    }

    @Benchmark
    public byte[] escapedIdAmongParameters() throws BadRequest {
        return QueryParams.id(escaped);
    }

    @Benchmark
    public String knownParameters() throws BadRequest {
        QueryParams.requireKnown(escaped, "PUT /v0/entity", known);
        return escaped;
    }
}
