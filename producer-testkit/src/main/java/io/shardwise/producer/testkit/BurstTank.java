package io.shardwise.producer.testkit;

/**
 * A shard's burst allowance for large records: a token bucket of bytes ("the tank" of the service's
 * documentation) that refills continuously at the shard's bytes-per-second limit up to a capacity,
 * and starts full. Every record the shard stores takes its size out of it; a record is admitted
 * only while the tank holds at least its size. See {@link ShardState#tryStore} for how it combines
 * with the one-second {@link SlidingWindow}.
 *
 * <p>Rate and capacity are passed on every call, since the shard's limits and its stream's maximum
 * record size can change at run time; a smaller capacity cuts the level at the next refill.
 *
 * <p>Not thread-safe: the owning shard guards it.
 */
final class BurstTank {
    private static final double NANOS_PER_SECOND = 1e9;

    /** Bytes in the tank at {@link #refilledAt}. */
    private double level;
    /** When the level was last brought up to date, or {@code Long.MIN_VALUE} for a full tank. */
    private long refilledAt = Long.MIN_VALUE;

    /**
     * Refills the tank up to {@code nowNanos} and tells whether it holds {@code size} bytes.
     *
     * @param bytesPerSecond refill rate, at least 1
     * @param capacity most bytes the tank holds
     * @return true if a record of {@code size} bytes may be taken now
     */
    boolean holds(long nowNanos, long bytesPerSecond, long capacity, long size) {
        if (refilledAt == Long.MIN_VALUE) {
            level = capacity;
            refilledAt = nowNanos;
        } else if (nowNanos > refilledAt) {
            level = Math.min(capacity, level + (nowNanos - refilledAt) * (bytesPerSecond / NANOS_PER_SECOND));
            refilledAt = nowNanos;
        } else {
            level = Math.min(capacity, level); // a clock that stands still (or steps back) refills nothing
        }
        return level >= size;
    }

    /** Takes {@code size} bytes, after {@link #holds} said they are there. */
    void take(long size) {
        level -= size;
    }

    /** Fills the tank again. */
    void reset() {
        refilledAt = Long.MIN_VALUE;
    }
}
