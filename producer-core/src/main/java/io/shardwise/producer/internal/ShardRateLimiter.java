package io.shardwise.producer.internal;

/**
 * Paces the writes to one shard: two token buckets (records per second and bytes per second) whose
 * rate adapts AIMD-style. A throttled entry cuts the rate multiplicatively (at most once per
 * {@link #DECREASE_SPACING_NANOS}, so one throttled request does not collapse it), and time spent
 * sending without throttling raises it additively back toward the ceiling. Several producers
 * sharing a stream thus settle near their fair share instead of storming it, and a hot shard slows
 * only itself.
 *
 * <p>Buckets hold {@link #BURST_SECONDS} of the ceiling: a quiet shard can send a batch at once,
 * but cannot overrun the service's one-second window. A record larger than a full bucket is let through when the bucket is full
 * (the bucket goes negative and pays it back). Confined to the sender thread: no atomics, no allocation.
 */
final class ShardRateLimiter {
    /** Throttling cuts the rate by a fifth (gentle: at the ceiling, throttling is mostly a measurement edge). */
    static final double DECREASE_FACTOR = 0.7;
    /** The buckets hold this many seconds of the ceiling: enough to batch, too little to overrun the service's one-second window. */
    static final double BURST_SECONDS = 0.2;
    /** The rate never drops below this fraction of the ceiling. */
    static final double MIN_FRACTION = 0.05;
    /** Each second without throttling adds this fraction of the ceiling back. */
    static final double INCREASE_PER_SECOND = 0.1;
    /**
     * Throttles within this long of a decrease count as the same congestion event: the service
     * measures shard throughput per second, so throttling goes on for up to a second after a cut.
     */
    static final long DECREASE_SPACING_NANOS = 1_000_000_000L;

    private final double maxRecordsPerSecond;
    private final double maxBytesPerSecond;
    private double fraction = 1.0;
    private double recordTokens;
    private double byteTokens;
    private long lastRefillNanos;
    private long lastDecreaseNanos;
    private long lastIncreaseNanos;

    ShardRateLimiter(double maxRecordsPerSecond, double maxBytesPerSecond, long nowNanos) {
        this.maxRecordsPerSecond = maxRecordsPerSecond;
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.recordTokens = maxRecordsPerSecond * BURST_SECONDS;
        this.byteTokens = maxBytesPerSecond * BURST_SECONDS;
        this.lastRefillNanos = nowNanos;
        this.lastDecreaseNanos = nowNanos - DECREASE_SPACING_NANOS;
        this.lastIncreaseNanos = nowNanos;
    }

    private void refill(long now) {
        long elapsed = now - lastRefillNanos;
        if (elapsed <= 0) {
            return;
        }
        lastRefillNanos = now;
        double seconds = elapsed / 1e9;
        recordTokens = Math.min(recordCapacity(), recordTokens + seconds * maxRecordsPerSecond * fraction);
        byteTokens = Math.min(byteCapacity(), byteTokens + seconds * maxBytesPerSecond * fraction);
    }

    private double recordCapacity() {
        return Math.max(1.0, maxRecordsPerSecond * BURST_SECONDS);
    }

    private double byteCapacity() {
        return maxBytesPerSecond * BURST_SECONDS;
    }

    /**
     * @return the bytes one Kinesis record may take now: what the byte bucket holds, unbounded when
     *     it is full (a record larger than the bucket passes a full bucket), 0 without a record token
     */
    long bytesAvailable(long now) {
        refill(now);
        if (recordTokens < 1.0) {
            return 0;
        }
        return byteTokens >= byteCapacity() ? Long.MAX_VALUE : (long) Math.max(0, byteTokens);
    }

    /** Takes one record of {@code bytes} if the buckets allow it now. */
    boolean tryAcquire(int bytes, long now) {
        refill(now);
        if (recordTokens < 1.0 || (byteTokens < bytes && byteTokens < byteCapacity())) {
            return false;
        }
        recordTokens -= 1.0;
        byteTokens -= bytes;
        return true;
    }

    /**
     * @param aggregated whether the records travel aggregated (many user records per Kinesis record:
     *     then only the byte bucket and one record token count)
     * @return how many user records of {@code avgBytes} the buckets can pay for now
     */
    int affordable(double avgBytes, long now, boolean aggregated) {
        refill(now);
        double byBytes = byteTokens >= byteCapacity() ? Math.max(1, byteTokens / Math.max(1.0, avgBytes)) : byteTokens / Math.max(1.0, avgBytes);
        if (aggregated) {
            return recordTokens >= 1.0 ? (int) Math.max(0, byBytes) : 0;
        }
        return (int) Math.max(0, Math.min(recordTokens, byBytes));
    }

    /** @return how many records of {@code avgBytes} the buckets can pay for now (not aggregated) */
    int affordable(double avgBytes, long now) {
        return affordable(avgBytes, now, false);
    }

    /** @return when {@code records} records of {@code avgBytes} can be taken ({@code now} if they can be now) */
    long availableAt(int records, double avgBytes, long now) {
        return availableAt(records, avgBytes, now, false);
    }

    /** @return when {@code records} user records of {@code avgBytes} can be taken, aggregated or not */
    long availableAt(int records, double avgBytes, long now, boolean aggregated) {
        refill(now);
        double needRecords = Math.max(0, (aggregated ? 1 : records) - recordTokens);
        double needBytes = Math.max(0, Math.min(Math.min(records * avgBytes, byteCapacity()), byteCapacity()) - byteTokens);
        needRecords = Math.min(needRecords, Math.max(0, recordCapacity() - recordTokens));
        double seconds = Math.max(needRecords / (maxRecordsPerSecond * fraction), needBytes / (maxBytesPerSecond * fraction));
        return seconds <= 0 ? now : now + Math.max(1_000_000L, (long) Math.ceil(seconds * 1e9));
    }

    /** Feedback from a response: {@code throttled} entries of this shard were throttled. */
    void onResult(int succeeded, int throttled, long now) {
        if (throttled > 0) {
            if (now - lastDecreaseNanos >= DECREASE_SPACING_NANOS) {
                refill(now);
                fraction = Math.max(MIN_FRACTION, fraction * DECREASE_FACTOR);
                // Drop banked tokens too, so the cut takes effect at once.
                recordTokens = Math.min(recordTokens, maxRecordsPerSecond * fraction * 0.05);
                byteTokens = Math.min(byteTokens, maxBytesPerSecond * fraction * 0.05);
                lastDecreaseNanos = now;
            }
            lastIncreaseNanos = now;
        } else if (succeeded > 0 && fraction < 1.0) {
            refill(now);
            double seconds = (now - lastIncreaseNanos) / 1e9;
            fraction = Math.min(1.0, fraction + INCREASE_PER_SECOND * seconds);
            lastIncreaseNanos = now;
        } else {
            lastIncreaseNanos = now;
        }
    }

    /** @return the current rate as a fraction of the ceiling, 0.05 .. 1 */
    double fraction() {
        return fraction;
    }

    /** @return the current records-per-second rate */
    double recordsPerSecond() {
        return maxRecordsPerSecond * fraction;
    }

    /** @return the current bytes-per-second rate */
    double bytesPerSecond() {
        return maxBytesPerSecond * fraction;
    }
}
