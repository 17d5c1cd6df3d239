package io.shardwise.producer.internal;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordFailedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a PutRecords or PutRecordBatch response (or failure) into record outcomes. Entry i of the response belongs
 * to entry i of the request: a successful entry completes its record's future with the shard and
 * sequence number, a failed entry records the attempt and is scheduled for retry (with back-off)
 * or failed when retrying cannot help or its limits are spent. A request-level failure does the
 * same for every record of the request.
 *
 * <p>Runs on the callback executor, so user callbacks attached to the futures run there. Thread-safe:
 * it keeps no state of its own; what the sender must see (retries, shard mismatches) it returns.
 *
 * <p>Long because every outcome of one answer (stored, stored on an unexpected shard, entry
 * failed, request failed, request rejected whole and split) is decided in one place, in entry order.
 */
final class ResponseHandler {
    /** Entry outcome codes in {@link Outcome#results()}. */
    static final byte OK = 0;
    static final byte THROTTLED = 1;
    static final byte FAILED = 2;

    /**
     * What the sender must act on after a batch completed.
     *
     * @param retries records to send again once their back-off has passed
     * @param predictionMisses acknowledged records that landed on another shard than predicted
     * @param results per entry: {@link #OK}, {@link #THROTTLED} or {@link #FAILED} (feeds the shard rate limiters)
     * @param heldForRefresh aggregates stored on another shard than predicted: settled once the
     *     refreshed map tells whether that shard's range holds every one of their records
     * @param predicted records that were sent with a predicted shard
     * @param splits smaller requests carrying the records of a request the service rejected as a
     *     whole with a validation error: sent again so that only the offending records fail
     * @param failed records that failed for good, with their failures ({@code KEY_STRICT} fails the
     *     later records of their keys)
     */
    record Outcome(List<PendingRecord> retries, int predictionMisses, byte[] results, List<HeldAggregate> heldForRefresh,
                   int predicted, List<RequestBatch> splits, List<FailedKeys.Failure> failed) {
        Outcome(List<PendingRecord> retries, int predictionMisses, byte[] results, List<FailedKeys.Failure> failed) {
            this(retries, predictionMisses, results, List.of(), 0, List.of(), failed);
        }

        /**
         * The outcome of a batch whose handling failed half-way (a defect, logged by the caller):
         * every record of it not yet completed is sent again at once.
         */
        static Outcome recovered(RequestBatch batch, long nowNanos) {
            List<PendingRecord> again = new ArrayList<>();
            for (int i = 0; i < batch.recordCount(); i++) {
                PendingRecord r = batch.record(i);
                if (!r.isDone()) {
                    r.retryAt(nowNanos);
                    again.add(r);
                }
            }
            return new Outcome(again, 0, filled(batch.entryCount(), FAILED), List.of());
        }
    }

    /**
     * An aggregate stored on another shard than its records were predicted for, with the records
     * it carried (in aggregate order) and the attempt that stored it.
     */
    record HeldAggregate(String shardId, String sequenceNumber, Attempt attempt, List<PendingRecord> members) {
    }

    /** Service error codes of a request rejected as a whole for its content: the request is split to find the culprits. */
    private static final java.util.Set<String> SPLIT_ON = java.util.Set.of("ValidationException", "InvalidArgumentException");

    private final int maxAttempts;
    private final boolean failIfThrottled;
    private final RetryPolicy retryPolicy;
    private final Counters counters;
    private final RecordFailures failures;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ResponseHandler.class);
    private final ObserverRegistry observers;
    private final Destination destination;
    /** Stream and error code pairs already logged at WARN: fatal errors are logged once, not per record. */
    private final java.util.Set<String> warned = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** A handler for Kinesis responses without observers (tests). */
    ResponseHandler(int maxAttempts, Duration recordTtl, RetryPolicy retryPolicy, Counters counters) {
        this(maxAttempts, recordTtl, retryPolicy, counters, new ObserverRegistry(),
                new KinesisDestination(null, false, Duration.ofSeconds(1)));
    }

    /** A handler that retries throttled records (tests). */
    ResponseHandler(int maxAttempts, Duration recordTtl, RetryPolicy retryPolicy, Counters counters, ObserverRegistry observers,
                    Destination destination) {
        this(maxAttempts, retryPolicy, counters, observers, destination, false, new RecordFailures(destination, recordTtl));
    }

    /**
     * @param maxAttempts most attempts per record; 0 for unlimited
     * @param failIfThrottled whether throttled records fail at once instead of being retried
     * @param failures how failed records are worded
     */
    ResponseHandler(int maxAttempts, RetryPolicy retryPolicy, Counters counters, ObserverRegistry observers,
                    Destination destination, boolean failIfThrottled, RecordFailures failures) {
        this.failIfThrottled = failIfThrottled;
        this.observers = observers;
        this.destination = destination;
        this.maxAttempts = maxAttempts;
        this.failures = failures;
        this.retryPolicy = retryPolicy;
        this.counters = counters;
    }

    /**
     * @param response the per-entry answers, or {@code null} when the call failed
     * @param error the call's failure, or {@code null}
     */
    Outcome handle(RequestBatch batch, Destination.EntryResults response, Throwable error, long nowNanos) {
        ProducerObserver o = observers.current();
        if (o != null) {
            // Before the records complete, so that whoever waits on them (flush) sees the request counted.
            notifyRequest(o, batch, response, error, nowNanos);
        }
        CompletionRun completions = new CompletionRun();
        List<FailedKeys.Failure> failed = new ArrayList<>(0);
        Outcome outcome = settle(batch, response, error, nowNanos, new Settling(completions, failed));
        completions.run();
        if (!outcome.retries().isEmpty() && log.isDebugEnabled()) {
            log.debug("Request to {}: {} of {} user records will be retried ({})", destination.describe(batch.stream()),
                    outcome.retries().size(), batch.recordCount(),
                    error != null ? ErrorClassifier.classify(error).code() : "failed entries");
        }
        return outcome;
    }

    private static void notifyRequest(ProducerObserver o, RequestBatch batch, Destination.EntryResults response, Throwable error,
                                      long nowNanos) {
        int entries = batch.entryCount();
        int failed = 0;
        int throttled = 0;
        String requestError = null;
        if (error != null) {
            requestError = ErrorClassifier.classify(error).code();
            failed = entries;
            throttled = ErrorClassifier.isThrottling(requestError) ? entries : 0;
        } else if (response == null || response.size() != entries) {
            requestError = "MalformedResponse";
            failed = entries;
        } else {
            for (int i = 0; i < entries; i++) {
                String code = response.errorCode(i);
                if (code != null) {
                    failed++;
                    if (ErrorClassifier.isThrottling(code)) {
                        throttled++;
                    }
                }
            }
        }
        o.requestCompleted(new ProducerObserver.RequestOutcome(StreamArns.name(batch.stream()), entries, batch.recordCount(),
                batch.bytes(), batch.userBytes(), nowNanos - batch.sentNanos(), failed, throttled, requestError));
    }

    /** Decides every record's outcome; the completions it decides are added to {@code done}, to run afterwards. */
    private Outcome settle(RequestBatch batch, Destination.EntryResults response, Throwable error, long nowNanos,
                           Settling done) {
        Duration took = Duration.ofNanos(nowNanos - batch.sentNanos());
        List<PendingRecord> retries = new ArrayList<>(0);
        if (error == null && (response == null || response.size() != batch.entryCount())) {
            int got = response == null ? 0 : response.size();
            error = new IllegalStateException(destination.serviceName() + " answered " + got + " entries for "
                    + batch.entryCount() + " sent");
            ErrorClassifier.Classified c = new ErrorClassifier.Classified(ErrorClassifier.Kind.RETRYABLE, "MalformedResponse", error.getMessage());
            failAll(batch, c, error, took, nowNanos, retries, done);
            return new Outcome(retries, 0, filled(batch.entryCount(), FAILED), done.failed());
        }
        if (error != null) {
            ErrorClassifier.Classified c = ErrorClassifier.classify(error);
            if (SPLIT_ON.contains(c.code())) {
                List<RequestBatch> halves = batch.split(destination.predictsShards());
                if (!halves.isEmpty()) {
                    Attempt attempt = Attempt.failed(batch.sentAt(), took, c.code(), c.message()
                            + " (the request was rejected as a whole; its records are sent again in smaller requests"
                            + " so that only the offending ones fail)");
                    for (int i = 0; i < batch.recordCount(); i++) {
                        batch.record(i).addAttempt(attempt);
                    }
                    counters.retried.add(batch.recordCount());
                    return new Outcome(List.of(), 0, filled(batch.entryCount(), FAILED), List.of(), 0, halves, List.of());
                }
            }
            failAll(batch, c, ErrorClassifier.unwrap(error), took, nowNanos, retries, done);
            boolean throttled = ErrorClassifier.isThrottling(c.code());
            if (throttled) {
                counters.throttled.add(batch.entryCount());
            }
            return new Outcome(retries, 0, filled(batch.entryCount(), throttled ? THROTTLED : FAILED), done.failed());
        }
        int entryCount = response.size();
        byte[] results = new byte[entryCount];
        List<HeldAggregate> held = null;
        Attempt ok = null;
        int misses = 0;
        int predicted = 0;
        int throttled = 0;
        for (int i = 0; i < entryCount; i++) {
            String errorCode = response.errorCode(i);
            int from = batch.entryStart(i);
            int to = batch.entryEnd(i);
            boolean aggregated = batch.isAggregated(i);
            if (errorCode == null && (response.id(i) == null || (destination.predictsShards() && response.shardId(i) == null))) {
                // A success without its sequence number or shard cannot be reported: treat it as a
                // retryable failure of that entry (the record may be stored twice).
                errorCode = "MalformedResponse";
            }
            if (errorCode == null) {
                if (ok == null) {
                    ok = Attempt.succeeded(batch.sentAt(), took);
                }
                String predictedShard = batch.record(from).predictedShardId();
                String shardId = response.shardId(i);
                boolean miss = predictedShard != null && !predictedShard.equals(shardId);
                if (predictedShard != null) {
                    predicted += to - from;
                }
                if (miss) {
                    misses += to - from;
                }
                if (miss && aggregated) {
                    // Consumers that filter by hash range may drop those of its records the shard's range
                    // does not hold: settle them against the refreshed map (see Sender#settleHeld).
                    if (held == null) {
                        held = new ArrayList<>();
                    }
                    List<PendingRecord> members = new ArrayList<>(to - from);
                    for (int j = from; j < to; j++) {
                        members.add(batch.record(j));
                    }
                    held.add(new HeldAggregate(shardId, response.id(i), ok, members));
                    continue;
                }
                done.completions().addStored(batch, from, to, shardId, response.id(i), aggregated, ok);
            } else {
                if (ErrorClassifier.isThrottling(errorCode)) {
                    results[i] = THROTTLED;
                    throttled++;
                } else {
                    results[i] = FAILED;
                }
                String errorMessage = "MalformedResponse".equals(errorCode)
                        ? destination.serviceName() + " answered entry " + i + " as successful without its "
                                + (response.id(i) == null ? "id" : "shard id") + "; sent again"
                        : response.errorMessage(i);
                Attempt failed = Attempt.failed(batch.sentAt(), took, errorCode, errorMessage);
                ErrorClassifier.Classified c = ErrorClassifier.classifyCode(errorCode, errorMessage);
                for (int j = from; j < to; j++) {
                    PendingRecord r = batch.record(j);
                    r.addAttempt(failed);
                    settleFailed(r, c, null, nowNanos, retries, done);
                }
            }
        }
        if (misses > 0) {
            counters.predictionMisses.add(misses);
        }
        if (throttled > 0) {
            counters.throttled.add(throttled);
        }
        return new Outcome(retries, misses, results, held == null ? List.of() : held, predicted, List.of(), done.failed());
    }

    /**
     * An aggregate carrying {@code r} was stored on another shard than predicted, and that shard's
     * range does not hold all of the aggregate's records (or that could not be checked): consumers
     * that drop an aggregate with a record outside their shard's range (the KCL) never read it.
     * Records that attempt and decides whether {@code r} is sent again.
     *
     * @return the failure to complete the record with when its limits are spent, or {@code null} to send it again
     */
    RecordFailedException resendHeld(PendingRecord r, HeldAggregate a, long nowNanos) {
        r.addAttempt(Attempt.failed(a.attempt().startedAt(), a.attempt().duration(), "AggregateOnUnexpectedShard",
                "its aggregate was stored on " + a.shardId() + " (sequence number " + a.sequenceNumber()
                        + "), whose hash-key range does not hold every record of the aggregate: consumers that check"
                        + " ranges (the KCL) drop that aggregate whole; re-sent"));
        counters.retried.increment();
        if (maxAttempts > 0 && r.attemptCount() >= maxAttempts) {
            return failures.exhausted(r, "AggregateOnUnexpectedShard", null, null);
        }
        if (nowNanos - r.deadlineNanos >= 0) {
            return failures.expired(r);
        }
        return null;
    }

    /**
     * An aggregate carrying {@code r} was stored on a shard the stream's map did not know, and no
     * map that knows it arrived before the record's TTL passed: whether consumers that check ranges
     * read it cannot be told, and the record fails as expired with that attempt in its history.
     */
    RecordFailedException expireHeld(PendingRecord r, HeldAggregate a) {
        r.addAttempt(Attempt.failed(a.attempt().startedAt(), a.attempt().duration(), "AggregateOnUnexpectedShard",
                "its aggregate was stored on " + a.shardId() + " (sequence number " + a.sequenceNumber()
                        + "), a shard the producer's map did not know; no shard map could be read to check that shard's"
                        + " hash-key range before recordTtl passed, so consumers that check ranges (the KCL) may have dropped it"));
        return failures.expired(r);
    }

    private static byte[] filled(int n, byte value) {
        byte[] b = new byte[n];
        java.util.Arrays.fill(b, value);
        return b;
    }

    private void failAll(RequestBatch batch, ErrorClassifier.Classified c, Throwable cause, Duration took,
                         long nowNanos, List<PendingRecord> retries, Settling done) {
        Attempt attempt = Attempt.failed(batch.sentAt(), took, c.code(), c.message());
        for (int i = 0; i < batch.recordCount(); i++) {
            PendingRecord r = batch.record(i);
            r.addAttempt(attempt);
            settleFailed(r, c, cause, nowNanos, retries, done);
        }
    }

    /** Fails the record, or schedules its retry. */
    private void settleFailed(PendingRecord r, ErrorClassifier.Classified c, Throwable cause, long nowNanos,
                              List<PendingRecord> retries, Settling done) {
        if (r.isDone()) {
            return; // failed by close() while its request was in flight
        }
        if (c.kind() != ErrorClassifier.Kind.RETRYABLE && c.kind() != ErrorClassifier.Kind.CLOSED && warned.add(r.stream + "|" + c.code())) {
            log.warn("{}: {} answered {} ({}); failing the affected records without retry", destination.describe(r.stream),
                    destination.serviceName(), c.code(), c.message());
        }
        RecordFailedException fatal = failures.unretryable(r, c, cause);
        if (fatal != null) {
            fail(done, r, fatal);
        } else if (failIfThrottled && ErrorClassifier.isThrottling(c.code())) {
            fail(done, r, failures.throttled(r, c, cause));
        } else if (maxAttempts > 0 && r.attemptCount() >= maxAttempts) {
            fail(done, r, failures.exhausted(r, c.code(), c.message(), cause));
        } else if (nowNanos - r.deadlineNanos >= 0) {
            fail(done, r, failures.expired(r));
        } else {
            r.retryAt(Math.min(nowNanos + retryPolicy.delayNanos(r.attemptCount()), r.deadlineNanos));
            retries.add(r);
            counters.retried.increment();
        }
    }

    /** Where one answer's decisions go: the completions to run, and the records that failed for good. */
    private record Settling(CompletionRun completions, List<FailedKeys.Failure> failed) {
    }

    private static void fail(Settling done, PendingRecord r, RecordFailedException e) {
        done.failed().add(new FailedKeys.Failure(r, e));
        done.completions().add(() -> r.fail(e));
    }

    /** @return the failure of a record that outlived its TTL */
    RecordExpiredException expired(PendingRecord r) {
        return failures.expired(r);
    }
}
