package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-shard token buckets and their AIMD adaptation, stepped with an explicit clock. */
class ShardRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long T0 = -5 * SECOND; // nanoTime may be negative

    @Test
    void aFreshLimiterAllowsItsBurstThenPacesAtTheRate() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        int taken = 0;
        while (l.tryAcquire(10, T0)) {
            taken++;
        }
        assertThat(taken).isEqualTo((int) (1000 * ShardRateLimiter.BURST_SECONDS));
        assertThat(l.tryAcquire(10, T0 + SECOND / 1000 - 1)).isFalse();
        assertThat(l.tryAcquire(10, T0 + SECOND / 1000 + 1)).isTrue();
        long at = l.availableAt(100, 10, T0 + SECOND / 1000 + 1);
        assertThat(at - T0).isBetween(SECOND / 10, SECOND / 10 + 2 * SECOND / 1000);
    }

    @Test
    void theByteBucketLimitsLargeRecords() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        int taken = 0;
        while (l.tryAcquire(100 * 1024, T0)) {
            taken++;
        }
        int burst = (int) (1024 * 1024 * ShardRateLimiter.BURST_SECONDS / (100 * 1024));
        assertThat(taken).isEqualTo(burst);
        assertThat(l.affordable(100 * 1024, T0)).isZero();
        assertThat(l.affordable(100 * 1024, T0 + SECOND / 2)).as("refilled up to the burst, no further").isEqualTo(burst);
        assertThat(l.bytesAvailable(T0 + SECOND / 2)).as("a full bucket lets any one record through").isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRecordLargerThanTheBucketPassesWhenTheBucketIsFull() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        assertThat(l.tryAcquire(2 * 1024 * 1024, T0)).isTrue();
        assertThat(l.tryAcquire(1, T0)).isFalse();
    }

    @Test
    void throttlingHalvesTheRateOncePerCongestionEventAndSuccessRaisesItBack() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        double d = ShardRateLimiter.DECREASE_FACTOR;
        l.onResult(10, 5, T0);
        assertThat(l.fraction()).isEqualTo(d);
        l.onResult(0, 5, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS / 2); // same congestion event
        assertThat(l.fraction()).isEqualTo(d);
        l.onResult(0, 5, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS);
        assertThat(l.fraction()).isCloseTo(d * d, org.assertj.core.data.Offset.offset(1e-12));
        for (int i = 0; i < 60; i++) {
            l.onResult(0, 1, T0 + (i + 2) * ShardRateLimiter.DECREASE_SPACING_NANOS);
        }
        assertThat(l.fraction()).isEqualTo(ShardRateLimiter.MIN_FRACTION);
        long t = T0 + 61 * ShardRateLimiter.DECREASE_SPACING_NANOS; // the last throttle
        l.onResult(100, 0, t + SECOND);
        assertThat(l.fraction()).isCloseTo(ShardRateLimiter.MIN_FRACTION + ShardRateLimiter.INCREASE_PER_SECOND, org.assertj.core.data.Offset.offset(1e-9));
        l.onResult(100, 0, t + 10 * SECOND);
        assertThat(l.fraction()).isEqualTo(1.0);
        assertThat(l.recordsPerSecond()).isEqualTo(1000.0);
    }

    @Test
    void afterACutTheLimiterLetsThroughAboutTheReducedRate() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        l.onResult(0, 1, T0);
        l.onResult(0, 1, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS); // two cuts
        double rate = 1000 * ShardRateLimiter.DECREASE_FACTOR * ShardRateLimiter.DECREASE_FACTOR;
        long start = T0 + ShardRateLimiter.DECREASE_SPACING_NANOS;
        int taken = 0;
        for (long t = start; t < start + 10 * SECOND; t += SECOND / 1000) {
            while (l.tryAcquire(10, t)) {
                taken++;
            }
        }
        // 10 s at the reduced rate, plus what was banked at the cut.
        assertThat(taken).isBetween((int) (10 * rate) - 1, (int) (10 * rate) + 60);
    }
}
