package io.shardwise.benchmarks.jmh;

import io.shardwise.producer.aggregation.RecordAggregator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * KPL-format aggregation with the public {@link RecordAggregator}: filling one aggregate of the
 * default 50 KiB with records of {@code size} bytes (distinct random keys) and encoding it
 * ({@code toBytes}: protobuf + MD5 trailer). Reported per aggregate; divide by the records per
 * aggregate printed at set-up for the cost per user record.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AggregationBenchmark {
    @Param({"100", "1000"})
    int size;

    private String[] keys;
    private byte[][] data;
    private RecordAggregator aggregator;
    private int next;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(7);
        keys = new String[8192];
        data = new byte[keys.length][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Long.toHexString(r.nextLong());
            data[i] = new byte[size];
            for (int j = 0; j < size; j++) {
                data[i][j] = (byte) r.nextInt(256);
            }
        }
        aggregator = new RecordAggregator(50 * 1024, 10_000);
    }

    /** Fill an aggregate until the next record does not fit, then encode it. */
    @Benchmark
    public byte[] fillAndEncode() {
        RecordAggregator a = aggregator;
        a.clear();
        while (true) {
            int i = next++ & (keys.length - 1);
            if (!a.tryAdd(keys[i], null, data[i])) {
                break;
            }
        }
        return a.toBytes();
    }

    /** The exact-size check alone (a key not yet in the aggregate). */
    @Benchmark
    public void sizeIfAdded(Blackhole bh) {
        int i = next++ & (keys.length - 1);
        bh.consume(aggregator.sizeIfAdded(keys[i], null, size));
    }
}
