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
 * A record with a 256-byte value, the size the load targets use: made from a client's value (the
 * one copy a write makes), decoded from stored bytes (a check, no copy), and its value copied out
 * for a client's answer.
 * Run: {@code mvn -Pjmh test -DskipTests -Djmh.args="RecordCodecBenchmark"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordCodecBenchmark {
    private byte[] value;
    private long version;
    private Record record;
    private byte[] encoded;

    @Setup
    public void setUp() {
        value = new byte[256];
        new Random(42).nextBytes(value);
        version = System.currentTimeMillis() << 16;
        record = Record.live(version, value);
        encoded = RecordCodec.encode(record);
    }

    @Benchmark
    public Record live() {
        return Record.live(version, value);
    }

    @Benchmark
    public byte[] value() {
        return record.value();
    }

    @Benchmark
    public Record decode() {
        return RecordCodec.decode(encoded);
    }
}
