package dht.storage;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Encoding and decoding a record with a 256-byte value, the size the load targets use.
 * Run: {@code mvn -Pjmh test -DskipTests -Djmh.args="RecordCodecBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordCodecBenchmark {
    private Record record;
    private byte[] encoded;

    @Setup
    public void setUp() {
        byte[] value = new byte[256];
        new Random(42).nextBytes(value);
        record = Record.live(System.currentTimeMillis() << 16, value);
        encoded = RecordCodec.encode(record);
    }

    @Benchmark
    public byte[] encode() {
        return RecordCodec.encode(record);
    }

    @Benchmark
    public Record decode() {
        return RecordCodec.decode(encoded);
    }
}
