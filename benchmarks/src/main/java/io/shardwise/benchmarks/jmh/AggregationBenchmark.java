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
 * default 50 KiB with records of {@code size} bytes and encoding it ({@code toBytes}: protobuf + MD5
 * trailer). {@code fillAndEncode} adds records with distinct random keys (the producer's default
 * mode); {@code fillAndEncodeAsProducer} does the same the way the producer's pipeline does, asking
 * {@code sizeIfAdded} before each {@code tryAdd}; {@code fillAndEncodeOneKey} is the key-preserving
 * mode, every record with the same partition key (equal strings, not the same instance). Reported
 * per aggregate; divide by the records per aggregate printed at set-up for the cost per user record.
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
    /** Copies of one key: equal, but distinct instances, as records from different callers. */
    private String[] sameKeys;
    private byte[][] data;
    private RecordAggregator aggregator;
    /** A full aggregate of the first keys, for the size check as the producer makes it. */
    private RecordAggregator full;
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
        sameKeys = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            sameKeys[i] = new String(keys[0]);
        }
        aggregator = new RecordAggregator(50 * 1024, 10_000);
        fillAndEncode();
        System.out.println("records per aggregate: " + aggregator.count());
        aggregator.clear();
        full = new RecordAggregator(50 * 1024, 10_000);
        for (int i = 0; full.tryAdd(keys[i], null, data[i]); i++) {
            // fill
        }
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

    /** Fill an aggregate as the producer does: the size check first, then the add. */
    @Benchmark
    public byte[] fillAndEncodeAsProducer() {
        return fillCheckingFirst(keys);
    }

    /** Fill an aggregate with records that all share one partition key (key-preserving mode). */
    @Benchmark
    public byte[] fillAndEncodeOneKey() {
        return fillCheckingFirst(sameKeys);
    }

    private byte[] fillCheckingFirst(String[] keyPool) {
        RecordAggregator a = aggregator;
        a.clear();
        while (true) {
            int i = next++ & (keyPool.length - 1);
            if (a.sizeIfAdded(keyPool[i], null, data[i].length) > a.maxSizeBytes()
                    || !a.tryAdd(keyPool[i], null, data[i])) {
                break;
            }
        }
        return a.toBytes();
    }

    /** The exact-size check alone (a key not yet in the aggregate), on an empty aggregate. */
    @Benchmark
    public void sizeIfAdded(Blackhole bh) {
        int i = next++ & (keys.length - 1);
        bh.consume(aggregator.sizeIfAdded(keys[i], null, size));
    }

    /**
     * The exact-size check on a full aggregate, as the producer mostly makes it: a key among
     * thousands not in it (one in about 20 is).
     */
    @Benchmark
    public void sizeIfAddedToAFullAggregate(Blackhole bh) {
        int i = next++ & (keys.length - 1);
        bh.consume(full.sizeIfAdded(keys[i], null, size));
    }
}
