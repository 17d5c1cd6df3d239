package io.shardwise.benchmarks.jmh;

import java.util.ArrayList;
import java.util.List;
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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * PutRecords packing as far as the public API shows it: wrapping {@code entries} ready payloads
 * (without copying, {@code SdkBytes.fromByteArrayUnsafe}) into SDK request entries with their
 * partition and explicit hash keys, and building the request. (The engine's packer is
 * package-private; the SDK's marshalling happens later, inside the client.)
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PutRecordsPackingBenchmark {
    @Param({"500"})
    int entries;

    private byte[][] payloads;
    private String[] hashKeys;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(3);
        payloads = new byte[entries][];
        hashKeys = new String[entries];
        for (int i = 0; i < entries; i++) {
            payloads[i] = new byte[1000];
            hashKeys[i] = new java.math.BigInteger(127, new java.util.Random(i)).toString();
        }
        for (byte[] p : payloads) {
            for (int j = 0; j < p.length; j++) {
                p[j] = (byte) r.nextInt(256);
            }
        }
    }

    @Benchmark
    public PutRecordsRequest pack() {
        List<PutRecordsRequestEntry> list = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            list.add(PutRecordsRequestEntry.builder()
                    .partitionKey("a")
                    .explicitHashKey(hashKeys[i])
                    .data(SdkBytes.fromByteArrayUnsafe(payloads[i]))
                    .build());
        }
        return PutRecordsRequest.builder().streamName("bench").records(list).build();
    }
}
