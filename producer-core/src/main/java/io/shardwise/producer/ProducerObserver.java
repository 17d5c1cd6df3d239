package io.shardwise.producer;

/**
 * Receives what the pipeline does, for metrics and tracing (the Micrometer binder in
 * {@code shardwise-producer-metrics} is one). Register with {@link KinesisProducer#addObserver}.
 * With no observer registered nothing is called, so observation costs nothing.
 *
 * <p>Called on producer threads (the sender thread, the callback executor): implementations must be
 * fast, thread-safe, must not block and must not throw. Every method has an empty default.
 */
public interface ProducerObserver {

    /**
     * A PutRecords request completed: answered (possibly with some entries failed) or failed as a whole.
     *
     * @param outcome what the request carried and how it ended
     */
    default void requestCompleted(RequestOutcome outcome) {
    }

    /**
     * A user record completed.
     *
     * @param stream the stream
     * @param shardId the shard it was stored in, or {@code null} when it failed
     * @param attempts PutRecords attempts it took (0 if never sent)
     * @param bufferedNanos time from {@code addUserRecord} to its first send (or to completion if never sent)
     * @param totalNanos time from {@code addUserRecord} to completion
     * @param failure why it failed, or {@code null} when it succeeded
     */
    default void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                 RecordFailedException failure) {
    }

    /**
     * A shard's adaptive rate limit changed (it was throttled, or recovered).
     *
     * @param stream the stream
     * @param shardId the shard
     * @param recordsPerSecond the new records/s limit
     * @param bytesPerSecond the new bytes/s limit
     */
    default void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
    }

    /**
     * What one PutRecords request carried and how it ended.
     *
     * @param stream the stream
     * @param entries Kinesis records in the request
     * @param userRecords user records they carried (more than {@code entries} with aggregation)
     * @param bytes request bytes: data plus partition keys
     * @param userBytes the user records' bytes (data plus partition keys) the entries carried
     * @param durationNanos time from sending to the response or failure
     * @param failedEntries entries that failed (all of them when the request failed as a whole)
     * @param throttledEntries of those, the ones throttled (ProvisionedThroughputExceededException)
     * @param requestErrorCode the error code when the request failed as a whole, else {@code null}
     */
    record RequestOutcome(String stream, int entries, int userRecords, long bytes, long userBytes, long durationNanos,
                          int failedEntries, int throttledEntries, String requestErrorCode) {
    }
}
