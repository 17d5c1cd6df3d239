package io.shardwise.producer.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The future a user record's caller holds. The producer completes it through {@link #settle} and
 * {@link #settleExceptionally}; every way the application can complete it itself ({@code complete},
 * {@code completeExceptionally}, {@code cancel}, {@code orTimeout}, {@code completeOnTimeout},
 * {@code completeAsync}, {@code obtrude*}) is routed through the overridden methods, which tell the
 * record at once so that it gives back its room in the producer's bounds and leaves its flush epoch
 * (see {@link PendingRecord#claimForApplication()}). Dependent stages are plain
 * {@link CompletableFuture}s.
 *
 * <p>Thread-safe, as {@link CompletableFuture} is.
 */
final class RecordFuture<T> extends CompletableFuture<T> {
    /** Builds the value the future of a delivered record completes with. */
    @FunctionalInterface
    interface ResultFactory<T> {
        /**
         * @param shardId the shard that stored it ({@code null} for Firehose)
         * @param id sequence number (Kinesis) or record id (Firehose)
         * @param subSequenceNumber position within its aggregated or packed entry (0 when alone)
         * @param aggregated whether it travelled in an aggregated or packed entry
         * @param attempts every attempt, the successful one last
         * @return the result
         */
        T succeeded(String shardId, String id, long subSequenceNumber, boolean aggregated, java.util.List<io.shardwise.producer.Attempt> attempts);
    }

    private final ResultFactory<T> results;
    /** The record this future belongs to; set once, by the record's constructor. */
    private PendingRecord record;

    /** @param results builds the value of a delivered record */
    RecordFuture(ResultFactory<T> results) {
        this.results = results;
    }

    /** Binds the future to its record (called once, by the record's constructor, before the future is handed out). */
    void attach(PendingRecord owner) {
        if (record != null) {
            throw new IllegalStateException("future already attached to a record");
        }
        record = owner;
    }

    /** The producer's completion of a delivered record; {@code false} if the application got there first. */
    boolean settleStored(String shardId, String id, long subSequenceNumber, boolean aggregated,
                         java.util.List<io.shardwise.producer.Attempt> attempts) {
        return super.complete(results.succeeded(shardId, id, subSequenceNumber, aggregated, attempts));
    }

    /** The producer's completion with the record's failure; {@code false} if the application got there first. */
    boolean settleExceptionally(Throwable failure) {
        return super.completeExceptionally(failure);
    }

    @Override
    public boolean complete(T value) {
        return byApplication(() -> super.complete(value));
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
        return byApplication(() -> super.completeExceptionally(ex)); // orTimeout's timer lands here too
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return byApplication(() -> super.cancel(mayInterruptIfRunning));
    }

    @Override
    public void obtrudeValue(T value) {
        byApplication(() -> {
            super.obtrudeValue(value);
            return true;
        });
    }

    @Override
    public void obtrudeException(Throwable ex) {
        byApplication(() -> {
            super.obtrudeException(ex);
            return true;
        });
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) {
        // The JDK's version completes through a private path; this one goes through complete().
        executor.execute(() -> {
            try {
                complete(supplier.get());
            } catch (Throwable t) {
                completeExceptionally(t);
            }
        });
        return this;
    }

    @Override
    public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) {
        return completeAsync(supplier, defaultExecutor());
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }

    /**
     * Runs the application's completion of the future: the record's room is counted free before
     * the future completes, its flush epoch left after (a flush implies the future is done).
     */
    private boolean byApplication(BooleanSupplier completion) {
        boolean claimed = record.claimForApplication();
        try {
            return completion.getAsBoolean();
        } finally {
            if (claimed) {
                record.leaveAfterApplication();
            }
        }
    }
}
