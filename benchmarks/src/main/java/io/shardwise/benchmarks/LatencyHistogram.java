package io.shardwise.benchmarks;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A lock-free log-linear histogram of latencies in microseconds (about 1.6 % precision up to
 * hours): any thread may record; merge by {@link #encode()} / {@link #decode(String)}.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 6;                 // 64 sub-buckets per power of two
    private static final int SUB = 1 << SUB_BITS;
    private static final int BUCKETS = (64 - SUB_BITS) * SUB + SUB;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);

    void recordNanos(long nanos) {
        record(Math.max(0, nanos / 1000));
    }

    void record(long micros) {
        counts.incrementAndGet(index(micros));
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exp = 63 - Long.numberOfLeadingZeros(v);          // >= SUB_BITS
        int shift = exp - SUB_BITS;
        int mantissa = (int) (v >>> shift) - SUB;              // 0 .. SUB-1
        return SUB + shift * SUB + mantissa;
    }

    /** The highest value that maps to bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB) {
            return i;
        }
        int shift = (i - SUB) / SUB;
        int mantissa = (i - SUB) % SUB;
        return (((long) (SUB + mantissa) + 1) << shift) - 1;
    }

    long count() {
        long n = 0;
        for (int i = 0; i < BUCKETS; i++) {
            n += counts.get(i);
        }
        return n;
    }

    /** @return the value at quantile q (0..1) in microseconds, or -1 if empty */
    long quantile(double q) {
        long n = count();
        if (n == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * n));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(BUCKETS - 1);
    }

    void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            long c = other.counts.get(i);
            if (c != 0) {
                counts.addAndGet(i, c);
            }
        }
    }

    /** @return the non-empty buckets as {@code index:count,...} ({@code -} when empty) */
    String encode() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts.get(i);
            if (c != 0) {
                if (sb.length() > 0) {
                    sb.append(',');
                }
                sb.append(i).append(':').append(c);
            }
        }
        return sb.length() == 0 ? "-" : sb.toString();
    }

    static LatencyHistogram decode(String s) {
        LatencyHistogram h = new LatencyHistogram();
        if (s == null || s.isEmpty() || s.equals("-")) {
            return h;
        }
        for (String part : s.split(",")) {
            int colon = part.indexOf(':');
            h.counts.addAndGet(Integer.parseInt(part.substring(0, colon)), Long.parseLong(part.substring(colon + 1)));
        }
        return h;
    }
}
