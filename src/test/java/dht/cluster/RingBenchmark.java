package dht.cluster;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Ring lookup, hashing included, and the hash alone, on ids like the load scripts use.
 * Run: {@code mvn -Pjmh test -DskipTests -Djmh.args="RingBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RingBenchmark {
    private static final int KEYS = 4096;

    @Param({"3", "10"})
    int members;

    private Ring ring;
    private byte[][] keys;
    private int next;

    @Setup
    public void setUp() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < members; i++) {
            urls.add("http://10.0.0." + i + ":8080");
        }
        ring = new Ring(urls, Ring.DEFAULT_PARTITIONS);
        Random random = new Random(42);
        keys = new byte[KEYS][];
        for (int i = 0; i < KEYS; i++) {
            keys[i] = ("k" + random.nextInt(1_000_000)).getBytes(StandardCharsets.UTF_8);
        }
    }

    private byte[] nextKey() {
        next = (next + 1) & (KEYS - 1);
        return keys[next];
    }

    @Benchmark
    public int owner() {
        return ring.owner(nextKey());
    }

    @Benchmark
    public int[] preferenceListOfThree() {
        return ring.preferenceList(nextKey(), 3);
    }

    @Benchmark
    public long xxHash64() {
        return KeyHash.of(nextKey());
    }
}
