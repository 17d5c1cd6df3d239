package io.shardwise.producer.internal;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Back-off between attempts of one record: exponential (Resilience4j's interval function gives
 * the ceiling, doubling from the base up to the max) with full jitter (a uniform draw between 0
 * and the ceiling), so that records throttled together do not come back together.
 */
final class RetryPolicy {
    private final IntervalFunction ceiling;

    RetryPolicy(Duration base, Duration max) {
        this.ceiling = IntervalFunction.ofExponentialBackoff(base, 2.0, max);
    }

    /**
     * @param failedAttempts attempts made so far (1 after the first failure)
     * @return the delay before the next attempt, in nanoseconds
     */
    long delayNanos(int failedAttempts) {
        long ceilingMillis = ceiling.apply(Math.max(1, failedAttempts));
        return ThreadLocalRandom.current().nextLong(ceilingMillis * 1_000_000L + 1);
    }
}
