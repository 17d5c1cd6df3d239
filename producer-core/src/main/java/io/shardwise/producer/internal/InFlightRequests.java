package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerObserver;
import java.util.ArrayDeque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The requests in flight (at most {@code maxInFlightRequests}), the smaller requests waiting to be
 * sent again after the service rejected a request whole, and the feedback of every answer to the
 * shards' rate limiters.
 *
 * <p>Confined to the sender thread.
 */
final class InFlightRequests {
    private final int max;
    /** In send order (a batch is equal only to itself), so that every walk over them is repeatable. */
    private final Set<RequestBatch> inFlight = new LinkedHashSet<>();
    /** Requests rejected as a whole for their content, split and waiting to be sent again. */
    private final ArrayDeque<RequestBatch> splits = new ArrayDeque<>();
    private final ObserverRegistry observers;

    InFlightRequests(int max, ObserverRegistry observers) {
        this.max = max;
        this.observers = observers;
    }

    /** @return whether another request may be sent */
    boolean hasSlot() {
        return inFlight.size() < max;
    }

    /** @return the most requests in flight at once */
    int max() {
        return max;
    }

    /** The batch is being sent. */
    void sent(RequestBatch batch) {
        inFlight.add(batch);
    }

    /** Queues split requests to be sent before new ones. */
    void addSplits(List<RequestBatch> batches) {
        splits.addAll(batches);
    }

    /** @return the next split request to send while a slot is free, or {@code null} */
    RequestBatch nextSplit() {
        return hasSlot() ? splits.poll() : null;
    }

    /**
     * The batch was answered (or failed): it leaves, its shard locks are released and each shard's
     * limiter learns how its entries fared (not for re-sent splits: their entries were charged when first sent).
     *
     * @param results per entry: {@link ResponseHandler#OK}, {@link ResponseHandler#THROTTLED} or {@link ResponseHandler#FAILED}
     */
    void completed(RequestBatch batch, byte[] results, long now) {
        inFlight.remove(batch);
        batch.unlockQueues();
        if (!batch.isResent()) {
            feedLimiters(batch, results, now);
        }
    }

    /** A batch's entries of one queue are contiguous: each run is fed to its queue's limiter. */
    private void feedLimiters(RequestBatch batch, byte[] results, long now) {
        int n = batch.entryCount();
        int from = 0;
        while (from < n) {
            ShardQueue q = batch.record(batch.entryStart(from)).queue();
            int ok = 0;
            int throttled = 0;
            long bytes = 0;
            long throttledBytes = 0;
            int to = from;
            for (; to < n && batch.record(batch.entryStart(to)).queue() == q; to++) {
                bytes += batch.entrySize(to);
                if (results[to] == ResponseHandler.OK) {
                    ok++;
                } else if (results[to] == ResponseHandler.THROTTLED) {
                    throttled++;
                    throttledBytes += batch.entrySize(to);
                }
            }
            ShardRateLimiter limiter = q == null ? null : q.limiter();
            if (limiter != null) {
                // Throttled entries were not counted by the service; anything else may have been.
                limiter.onAnswered(to - from, bytes, to - from - throttled, bytes - throttledBytes, batch.sentNanos(), now);
                double before = limiter.fraction();
                limiter.onResult(ok, throttled, now);
                ProducerObserver o = observers.current();
                if (o != null && limiter.fraction() != before) {
                    o.shardRateLimitChanged(StreamArns.name(batch.stream()), q.shardId(), limiter.recordsPerSecond(),
                            limiter.bytesPerSecond());
                }
            }
            from = to;
        }
    }

    /** @return the earlier of {@code oldest} and the added time of the oldest record in flight and not completed */
    long oldestAddedNanos(long oldest) {
        for (RequestBatch b : inFlight) {
            for (int i = 0; i < b.recordCount(); i++) {
                PendingRecord r = b.record(i);
                if (r.addedNanos - oldest < 0 && !r.isDone()) {
                    oldest = r.addedNanos;
                }
            }
        }
        return oldest;
    }

    /** On close: every split's records to {@code waiting}; every in-flight call cancelled and its records to {@code inFlightRecords}. */
    void abandonAll(Consumer<PendingRecord> waiting, Consumer<PendingRecord> inFlightRecords) {
        RequestBatch b;
        while ((b = splits.poll()) != null) {
            for (int i = 0; i < b.recordCount(); i++) {
                waiting.accept(b.record(i));
            }
        }
        for (RequestBatch f : inFlight) {
            f.cancelCall();
            for (int i = 0; i < f.recordCount(); i++) {
                inFlightRecords.accept(f.record(i));
            }
        }
        inFlight.clear();
    }
}
