package io.shardwise.producer.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Back-off between attempts of one record: exponential (Resilience4j's interval function gives
 * the ceiling, doubling from the base up to the max) with full jitter (a uniform draw between 0
 * and the ceiling), so that records throttled together do not come back together.
 */
final class RetryPolicy {
    private final IntervalFunction ceiling;
    private final RandomGenerator random;

    /** @param random the engine's random draws (thread-safe, or used by one thread) */
    RetryPolicy(Duration base, Duration max, RandomGenerator random) {
        this.ceiling = IntervalFunction.ofExponentialBackoff(base, 2.0, max);
        this.random = random;
    }

    /**
     * @param failedAttempts attempts made so far (1 after the first failure)
     * @return the delay before the next attempt, in nanoseconds
     */
    long delayNanos(int failedAttempts) {
        long ceilingMillis = ceiling.apply(Math.max(1, failedAttempts));
        return random.nextLong(ceilingMillis * 1_000_000L + 1);
    }
}
