package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerStats;
import java.util.concurrent.atomic.LongAdder;

/** The producer's running counters; thread-safe and cheap to bump from any thread. */
final class Counters {
    final LongAdder added = new LongAdder();
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder retried = new LongAdder();
    final LongAdder predictionMisses = new LongAdder();
    final LongAdder mapRefreshes = new LongAdder();

    ProducerStats snapshot(Outstanding outstanding) {
        return new ProducerStats(added.sum(), succeeded.sum(), failed.sum(), outstanding.records(), outstanding.bytes(),
                requests.sum(), retried.sum(), predictionMisses.sum(), mapRefreshes.sum());
    }
}
