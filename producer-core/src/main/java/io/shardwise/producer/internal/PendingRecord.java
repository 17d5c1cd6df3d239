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
    /** Completed with the record's result or a {@link RecordFailedException}; or by the application. */
    final RecordFuture<?> future;

    private final Outstanding outstanding;
    private final Outstanding.Epoch epoch;
    private volatile List<Attempt> attempts = List.of();
    @SuppressWarnings("unused") // updated through COMPLETION
    private volatile int completion;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<PendingRecord> COMPLETION =
            java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(PendingRecord.class, "completion");

    /** The shard the map predicted when the record was last queued; {@code null} when unpredicted (sender thread). */
    private String predictedShardId;
    /** When the record was first sent; {@link #NOT_SENT} until then (sender thread writes, others read after hand-over). */
    private long firstSentNanos = NOT_SENT;
    static final long NOT_SENT = Long.MIN_VALUE;
    /** The queue the record was last put in (sender thread only). */
    private ShardQueue queue;
    /** When a retry may be sent (set by whoever schedules the retry, read by the sender after hand-over). */
    private long retryAtNanos;
    /** The order in which the sender took the record in, over all streams (sender thread only). */
    private long sequence;
    /** Whether the record holds its key back in its stream's {@link KeyOrder} (sender thread only). */
    private boolean holdsKey;
    /** When its completion was claimed (engine clock); 0 until then. */
    private volatile long completedNanos;

    /** A Kinesis record, completed with a {@link PutResult} (tests). */
    PendingRecord(String stream, String partitionKey, String explicitHashKey, byte[] data, int size,
                  long hashHigh, long hashLow, long addedNanos, long deadlineNanos, Outstanding outstanding) {
        this(stream, partitionKey, explicitHashKey, data, size, hashHigh, hashLow, addedNanos, deadlineNanos, outstanding,
                new RecordFuture<PutResult>(PutResult::new));
    }

    /**
     * @param future the future the record completes (not yet attached to another record)
     */
    PendingRecord(String stream, String partitionKey, String explicitHashKey, byte[] data, int size,
                  long hashHigh, long hashLow, long addedNanos, long deadlineNanos, Outstanding outstanding,
                  RecordFuture<?> future) {
        this.future = future;
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
        future.attach(this);
    }

    /** The sender took the record in as its {@code sequence}-th: its place in its key's order. */
    void numbered(long sequence) {
        this.sequence = sequence;
    }

    /** @return the order in which the sender took the record in */
    long sequence() {
        return sequence;
    }

    /** @return whether the record holds its key back ({@code Ordering.KEY_STRICT}) */
    boolean holdsKey() {
        return holdsKey;
    }

    void holdsKey(boolean value) {
        holdsKey = value;
    }

    /** The record joins {@code q}, which predicts its shard. */
    void queuedIn(ShardQueue q) {
        queue = q;
        predictedShardId = q.shardId();
    }

    /** @return the queue the record was last put in, or {@code null} */
    ShardQueue queue() {
        return queue;
    }

    /** @return the shard predicted when it was last queued, or {@code null} */
    String predictedShardId() {
        return predictedShardId;
    }

    /** The record leaves in a request at {@code nowNanos}: the first time counts for its buffered time. */
    void sentAt(long nowNanos) {
        if (firstSentNanos == NOT_SENT) {
            firstSentNanos = nowNanos;
        }
    }

    /** Schedules the record's next attempt, no earlier than {@code nanos}. */
    void retryAt(long nanos) {
        retryAtNanos = nanos;
    }

    /** @return when its next attempt may be sent */
    long retryAtNanos() {
        return retryAtNanos;
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
     *     the future (then it is not sent again; its accounting was released by {@link #claimForApplication})
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
        finish(shardId, all.size(), null, sequenceNumber, subSequenceNumber, aggregated, all);
        return true;
    }

    boolean fail(RecordFailedException error) {
        if (!claim()) {
            return false;
        }
        stampCompletion();
        error.withUserRecord(io.shardwise.producer.UserRecord.builder().streamName(stream).partitionKey(partitionKey)
                .explicitHashKey(explicitHashKey).data(data).build());
        finish(null, attempts.size(), error, null, 0, false, null);
        return true;
    }

    /**
     * Completes a claimed record. Counted and observed before the future completes, its flush
     * epoch left after: whoever sees the future done sees the counts, and a flush completes only
     * after the future. Observers are guarded (ObserverRegistry); the finally keeps the future and
     * the epoch right whatever happens.
     */
    private void finish(String shardId, int attemptCount, RecordFailedException error, String id, long subSequenceNumber,
                        boolean aggregated, List<Attempt> all) {
        try {
            outstanding.count(size, error);
            notifyObserver(shardId, attemptCount, error);
        } finally {
            beginSettling();
            try {
                if (error == null) {
                    future.settleStored(shardId, id, subSequenceNumber, aggregated, all);
                } else {
                    future.settleExceptionally(error);
                }
            } finally {
                endSettling();
            }
        }
    }

    /**
     * The application is completing or cancelling the future itself (called by {@link RecordFuture}
     * before it completes the future): unless the producer claimed the record first, the producer
     * stops working on it and its room is given back now; {@link #leaveAfterApplication} then leaves
     * its flush epoch once the future is done. Exactly once, whichever completion wins.
     *
     * @return whether the application's completion claimed the record (then call {@link #leaveAfterApplication})
     */
    boolean claimForApplication() {
        if (!claim()) {
            return false;
        }
        stampCompletion();
        outstanding.countCompletedByApplication(size);
        beginSettling();
        return true;
    }

    /** Leaves the flush epoch of a record {@link #claimForApplication claimed by the application}. */
    void leaveAfterApplication() {
        endSettling();
    }

    /**
     * The records whose futures this thread is completing right now, innermost first: their
     * results are set and their dependent stages (the application's callbacks) are running. A
     * {@code flush()} called from such a callback must not wait for them: they leave their flush
     * epoch at once ({@link #leaveEpochsSettlingOnThisThread}), or it would wait for itself.
     */
    private static final ThreadLocal<PendingRecord> SETTLING = new ThreadLocal<>();
    /** The record this thread was completing when it began completing this one (settling thread only). */
    private PendingRecord outerSettling;
    /** Whether the record left its flush epoch (settling thread only). */
    private boolean epochLeft;

    private void beginSettling() {
        outerSettling = SETTLING.get();
        SETTLING.set(this);
    }

    private void endSettling() {
        SETTLING.set(outerSettling);
        outerSettling = null;
        leaveEpochOnce();
    }

    private void leaveEpochOnce() {
        if (!epochLeft) {
            epochLeft = true;
            outstanding.leave(epoch);
        }
    }

    /**
     * Called by {@code flush()}: the records this thread is completing (from whose callbacks the
     * flush is called) have their results set already, so they leave their flush epochs now.
     */
    static void leaveEpochsSettlingOnThisThread() {
        for (PendingRecord r = SETTLING.get(); r != null; r = r.outerSettling) {
            r.leaveEpochOnce();
        }
    }

    /**
     * Gives back the room of a record its caller never got (the producer stopped while it was being
     * added; the add call throws instead): counted neither as succeeded nor as failed.
     */
    void refuse(RecordFailedException error) {
        if (claim()) {
            outstanding.countRefused(size);
            future.settleExceptionally(error);
            outstanding.leave(epoch);
        }
    }

    /** Claims the right to complete the record: exactly one of the racing completions (close vs response) wins. */
    private boolean claim() {
        return COMPLETION.compareAndSet(this, 0, 1);
    }

    /**
     * Notes when a failure or the application's completion was claimed (read by {@code FailedKeys});
     * successes, the common case, do not read the clock.
     */
    private void stampCompletion() {
        long now = outstanding.time().nanoTime();
        completedNanos = now == 0 ? 1 : now;
    }

    /**
     * @return when the record's failure, or its completion by the application, was claimed, on the
     *     engine's clock; 0 before that (or a moment after the claim), and for a success
     */
    long completedNanos() {
        return completedNanos;
    }

    private void notifyObserver(String shardId, int attemptCount, RecordFailedException failure) {
        ProducerObserver o = outstanding.observers.current();
        if (o != null) {
            long now = outstanding.time().nanoTime();
            long buffered = (firstSentNanos == NOT_SENT ? now : firstSentNanos) - addedNanos;
            o.recordCompleted(StreamArns.name(stream), shardId, attemptCount, buffered, now - addedNanos, failure);
        }
    }
}
