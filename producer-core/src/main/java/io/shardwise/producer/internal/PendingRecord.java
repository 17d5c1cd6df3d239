package io.shardwise.producer.internal;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A user record on its way through the pipeline, with its future and its history.
 *
 * <p>Thread confinement: owned by one stage at a time (caller -> sender -> callback thread for the
 * response -> sender again for a retry), handed over through concurrent queues. Only completion
 * ({@link #succeed}, {@link #fail}) may race (close versus a late response); the future decides the
 * winner and only the winner releases the record's accounting.
 */
final class PendingRecord {
    final String stream;
    final String partitionKey;
    final String explicitHashKey;
    final byte[] data;
    /** Data plus partition key in UTF-8 bytes: what counts against record and request limits. */
    final int size;
    final long hashHigh;
    final long hashLow;
    final long addedNanos;
    final long deadlineNanos;
    /** Completed with the value {@link #results} builds, or with a {@link RecordFailedException}. */
    final CompletableFuture<Object> future = new CompletableFuture<>();
    private final ResultFactory results;

    private final Outstanding outstanding;
    private final Outstanding.Epoch epoch;
    private volatile List<Attempt> attempts = List.of();
    @SuppressWarnings("unused") // updated through COMPLETION
    private volatile int completion;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<PendingRecord> COMPLETION =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(PendingRecord.class, "completion");

    /** The shard the map predicted when the record was queued; {@code null} when unpredicted. */
    String predictedShardId;
    /** When the record was first sent; {@link #NOT_SENT} until then (sender thread writes, others read after hand-over). */
    long firstSentNanos = NOT_SENT;
    static final long NOT_SENT = Long.MIN_VALUE;
    /** The queue the record was last put in (sender thread only). */
    ShardQueue queue;
    /** Where an aggregate carrying the record was stored while its shard is checked (see {@link #hold}). */
    String heldShardId;
    String heldSequenceNumber;
    long heldSubSequenceNumber;
    Attempt heldAttempt;
    /** When a retry may be sent (sender thread only). */
    long retryAtNanos;

    /** Builds the value the future of a delivered record completes with. */
    @FunctionalInterface
    interface ResultFactory {
        /**
         * @param shardId the shard that stored it ({@code null} for Firehose)
         * @param id sequence number (Kinesis) or record id (Firehose)
         * @param subSequenceNumber position within its aggregated or packed entry (0 when alone)
         * @param aggregated whether it travelled in an aggregated or packed entry
         * @param attempts every attempt, the successful one last
         * @return the result
         */
        Object succeeded(String shardId, String id, long subSequenceNumber, boolean aggregated, List<Attempt> attempts);
    }

    /** Results of Kinesis records: {@link PutResult}. */
    static final ResultFactory KINESIS_RESULTS = PutResult::new;

    /** A Kinesis record, completed with a {@link PutResult}. */
    PendingRecord(String stream, String partitionKey, String explicitHashKey, byte[] data, int size,
                  long hashHigh, long hashLow, long addedNanos, long deadlineNanos, Outstanding outstanding) {
        this(stream, partitionKey, explicitHashKey, data, size, hashHigh, hashLow, addedNanos, deadlineNanos, outstanding,
                KINESIS_RESULTS);
    }

    PendingRecord(String stream, String partitionKey, String explicitHashKey, byte[] data, int size,
                  long hashHigh, long hashLow, long addedNanos, long deadlineNanos, Outstanding outstanding,
                  ResultFactory results) {
        this.results = results;
        this.stream = stream;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.data = data;
        this.size = size;
        this.hashHigh = hashHigh;
        this.hashLow = hashLow;
        this.addedNanos = addedNanos;
        this.deadlineNanos = deadlineNanos;
        this.outstanding = outstanding;
        this.epoch = outstanding.register(size);
    }

    /** @return the future, typed as the caller of the producer sees it ({@link PutResult} for Kinesis) */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> future() {
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    List<Attempt> attempts() {
        return attempts;
    }

    int attemptCount() {
        return attempts.size();
    }

    void addAttempt(Attempt attempt) {
        List<Attempt> current = attempts;
        List<Attempt> next = new ArrayList<>(current.size() + 1);
        next.addAll(current);
        next.add(attempt);
        attempts = Collections.unmodifiableList(next);
    }

    /**
     * @return whether the record has completed, is completing, or its caller completed or cancelled
     *     the future (then it is not sent; {@link #fail} still releases its accounting)
     */
    boolean isDone() {
        return completion != 0 || future.isDone();
    }

    /** Completes the future with where the record landed; {@code lastAttempt} is the successful one. */
    boolean succeed(String shardId, String sequenceNumber, Attempt lastAttempt) {
        return succeed(shardId, sequenceNumber, 0, false, lastAttempt);
    }

    /** As {@link #succeed(String, String, Attempt)}, for a record that travelled in an aggregate. */
    boolean succeed(String shardId, String sequenceNumber, long subSequenceNumber, boolean aggregated, Attempt lastAttempt) {
        List<Attempt> previous = attempts;
        List<Attempt> all;
        if (previous.isEmpty()) {
            all = List.of(lastAttempt);
        } else {
            addAttempt(lastAttempt);
            all = attempts;
        }
        if (!claim()) {
            return false;
        }
        // Counted and observed before the future completes, released after: whoever sees the future
        // done sees the counts, and a flush completes only after the future.
        outstanding.count(size, null);
        notifyObserver(shardId, all.size(), null);
        future.complete(results.succeeded(shardId, sequenceNumber, subSequenceNumber, aggregated, all));
        outstanding.leave(epoch);
        return true;
    }

    /** Remembers where the record's aggregate was stored, to complete it with that if the shard's range holds it. */
    void hold(String shardId, String sequenceNumber, long subSequenceNumber, Attempt attempt) {
        heldShardId = shardId;
        heldSequenceNumber = sequenceNumber;
        heldSubSequenceNumber = subSequenceNumber;
        heldAttempt = attempt;
    }

    /** Completes the record with where its aggregate was stored (see {@link #hold}). */
    boolean succeedAsHeld() {
        return succeed(heldShardId, heldSequenceNumber, heldSubSequenceNumber, true, heldAttempt);
    }

    boolean fail(RecordFailedException error) {
        if (!claim()) {
            return false;
        }
        outstanding.count(size, error);
        notifyObserver(null, attempts.size(), error);
        future.completeExceptionally(error);
        outstanding.leave(epoch);
        return true;
    }

    /** Claims the right to complete the record: exactly one of the racing completions (close vs response) wins. */
    private boolean claim() {
        return COMPLETION.compareAndSet(this, 0, 1);
    }

    private void notifyObserver(String shardId, int attemptCount, RecordFailedException failure) {
        ProducerObserver o = outstanding.observers.current();
        if (o != null) {
            long now = System.nanoTime();
            long buffered = (firstSentNanos == NOT_SENT ? now : firstSentNanos) - addedNanos;
            o.recordCompleted(stream, shardId, attemptCount, buffered, now - addedNanos, failure);
        }
    }
}
