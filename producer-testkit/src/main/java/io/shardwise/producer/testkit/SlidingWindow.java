package io.shardwise.producer.testkit;

/**
 * Records and bytes admitted over the last second, in ten 100 ms buckets (so the window slides in
 * 100 ms steps). Not thread-safe: the owning shard guards it.
 */
final class SlidingWindow {
    private static final int BUCKETS = 10;
    private static final long BUCKET_NANOS = 100_000_000L;

    private final int[] records = new int[BUCKETS];
    private final long[] bytes = new long[BUCKETS];
    private long bucket = Long.MIN_VALUE;
    private long sumRecords;
    private long sumBytes;

    /**
     * Admits one record of {@code size} bytes if the window's totals stay within the limits.
     *
     * @return true if admitted (and counted)
     */
    boolean tryAcquire(long nowNanos, long recordLimit, long byteLimit, long size) {
        advance(nowNanos);
        if (sumRecords + 1 > recordLimit || sumBytes + size > byteLimit) {
            return false;
        }
        int i = (int) Math.floorMod(bucket, (long) BUCKETS);
        records[i]++;
        bytes[i] += size;
        sumRecords++;
        sumBytes += size;
        return true;
    }

    private void advance(long nowNanos) {
        long b = Math.floorDiv(nowNanos, BUCKET_NANOS);
        if (bucket == Long.MIN_VALUE || b - bucket >= BUCKETS) {
            java.util.Arrays.fill(records, 0);
            java.util.Arrays.fill(bytes, 0);
            sumRecords = 0;
            sumBytes = 0;
            bucket = b;
            return;
        }
        while (bucket < b) {
            bucket++;
            int i = (int) Math.floorMod(bucket, (long) BUCKETS);
            sumRecords -= records[i];
            sumBytes -= bytes[i];
            records[i] = 0;
            bytes[i] = 0;
        }
    }

    /** Forgets everything admitted so far. */
    void reset() {
        bucket = Long.MIN_VALUE;
    }
}
