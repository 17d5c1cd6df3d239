package io.shardwise.benchmarks.jmh;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The add-record path under contention: 1, 2 and 8 caller threads calling
 * {@code KinesisProducer.addUserRecord} (100-byte records, random keys, default config) on one
 * producer whose endpoint is an in-process {@link FakeKinesis} (plain HTTP, 256 shards, limits off,
 * records not kept). In steady state the producer's backpressure ties the add rate to what the
 * whole pipeline drains, endpoint included, on the same cores: read it as the sustained
 * throughput of the pipeline seen from the callers, and compare thread counts for contention.
 * With {@code -prof gc} it gives the allocation per added record (the endpoint's included).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AddRecordBenchmark {

    /** The producer and its endpoint, shared by all caller threads. */
    @State(Scope.Benchmark)
    public static class Pipeline {
        FakeKinesis kinesis;
        KinesisProducer producer;

        @Setup(Level.Trial)
        public void start() {
            kinesis = FakeKinesis.builder().stream("bench", 256).enforceShardLimits(false).retainRecords(false).build()
                    .start();
            producer = KinesisProducer.builder().kinesisClient(kinesis.newClient()).streamName("bench").build();
        }

        @TearDown(Level.Trial)
        public void stop() {
            producer.close(Duration.ofSeconds(30));
            kinesis.close();
        }
    }

    /** Each caller thread's records. */
    @State(Scope.Thread)
    public static class Records {
        String[] keys;
        byte[] data = new byte[100];
        int next;

        @Setup(Level.Trial)
        public void make() {
            SplittableRandom r = new SplittableRandom(Thread.currentThread().getId());
            keys = new String[8192];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = Long.toHexString(r.nextLong());
            }
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) r.nextInt(256);
            }
        }
    }

    @Benchmark
    @Threads(1)
    public CompletableFuture<PutResult> add1Thread(Pipeline p, Records r) {
        return p.producer.addUserRecord(r.keys[r.next++ & 8191], r.data);
    }

    @Benchmark
    @Threads(2)
    public CompletableFuture<PutResult> add2Threads(Pipeline p, Records r) {
        return p.producer.addUserRecord(r.keys[r.next++ & 8191], r.data);
    }

    @Benchmark
    @Threads(8)
    public CompletableFuture<PutResult> add8Threads(Pipeline p, Records r) {
        return p.producer.addUserRecord(r.keys[r.next++ & 8191], r.data);
    }
}
