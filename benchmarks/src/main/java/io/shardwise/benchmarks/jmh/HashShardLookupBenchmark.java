package io.shardwise.benchmarks.jmh;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

/**
 * Hash + shard lookup as the pipeline does it per record: MD5 of the partition key's UTF-8 bytes
 * with a reused digest, read as an unsigned 128-bit number (two longs), then a binary search over
 * the shards' starting hash keys. The engine's own classes are package-private, so this is the
 * same algorithm written against the JDK (and, for comparison, the obvious BigInteger version).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashShardLookupBenchmark {
    @Param({"256"})
    int shards;

    private long[] startHigh;
    private long[] startLow;
    private BigInteger[] starts;
    private String[] keys;
    private int next;
    private MessageDigest md5;

    @Setup
    public void setUp() throws NoSuchAlgorithmException {
        BigInteger space = BigInteger.ONE.shiftLeft(128);
        startHigh = new long[shards];
        startLow = new long[shards];
        starts = new BigInteger[shards];
        for (int i = 0; i < shards; i++) {
            BigInteger s = space.multiply(BigInteger.valueOf(i)).divide(BigInteger.valueOf(shards));
            starts[i] = s;
            startHigh[i] = s.shiftRight(64).longValue();
            startLow[i] = s.longValue();
        }
        SplittableRandom r = new SplittableRandom(42);
        keys = new String[4096];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = Long.toHexString(r.nextLong());
        }
        md5 = MessageDigest.getInstance("MD5");
    }

    private String nextKey() {
        return keys[next++ & (keys.length - 1)];
    }

    /** MD5 alone (UTF-8 encode + digest with a reused MessageDigest). */
    @Benchmark
    public byte[] md5() {
        return md5.digest(nextKey().getBytes(StandardCharsets.UTF_8));
    }

    /** MD5, two longs, binary search: the shard index. */
    @Benchmark
    public int md5AndLookup() {
        byte[] d = md5.digest(nextKey().getBytes(StandardCharsets.UTF_8));
        long hi = readLong(d, 0);
        long lo = readLong(d, 8);
        int low = 0;
        int high = shards - 1;
        while (low < high) {                   // last shard whose start <= key
            int mid = (low + high + 1) >>> 1;
            int c = Long.compareUnsigned(startHigh[mid], hi);
            if (c == 0) {
                c = Long.compareUnsigned(startLow[mid], lo);
            }
            if (c <= 0) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    /** The same with BigInteger keys, for comparison. */
    @Benchmark
    public int md5AndLookupBigInteger() {
        BigInteger k = new BigInteger(1, md5.digest(nextKey().getBytes(StandardCharsets.UTF_8)));
        int low = 0;
        int high = shards - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            if (starts[mid].compareTo(k) <= 0) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFF);
        }
        return v;
    }
}
