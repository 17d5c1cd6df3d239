package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerStats;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;

/** The producer's running counters; thread-safe and cheap to bump from any thread. */
final class Counters {
    final LongAdder added = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder predictionMisses = new LongAdder();
    final LongAdder mapRefreshes = new LongAdder();
    final LongAdder predictionFallbacks = new LongAdder();
    final LongAdder resentFromMisroutedAggregates = new LongAdder();
    /** What killed the sender thread, or {@code null} while it runs. */
    private volatile Throwable senderFailure;
    /** Age of the oldest outstanding record at the sender's last sweep, in nanoseconds. */
    private volatile long oldestRecordAgeNanos;

    void senderFailed(Throwable cause) {
        senderFailure = cause;
    }

    void oldestRecordAge(long nanos) {
        oldestRecordAgeNanos = nanos;
    }

    ProducerStats snapshot(Outstanding outstanding) {
        long pending = outstanding.records();
        return new ProducerStats(added.sum(), outstanding.succeeded(), outstanding.failed(), outstanding.failedByReason(),
                pending, outstanding.bytes(), pending == 0 ? Duration.ZERO : Duration.ofNanos(oldestRecordAgeNanos),
                requests.sum(), retried.sum(), throttled.sum(), predictionMisses.sum(), mapRefreshes.sum(),
                predictionFallbacks.sum(), resentFromMisroutedAggregates.sum(),
                java.util.Optional.ofNullable(senderFailure).map(Throwable::toString));
    }
}
