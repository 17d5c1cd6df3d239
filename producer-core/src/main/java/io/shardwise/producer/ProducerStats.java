package io.shardwise.producer;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a producer's counters since it was built, from {@link KinesisProducer#stats()}
 * (and returned by {@link KinesisProducer#close(Duration)} as the final summary). Reading them
 * costs nothing on the record path: the producer keeps them anyway.
 *
 * @param userRecordsAdded records accepted by {@code addUserRecord}
 * @param userRecordsSucceeded records acknowledged by Kinesis
 * @param userRecordsFailed records whose future failed, or that the application completed itself
 * @param failedByReason failed records by exception type, e.g. {@code RecordExpiredException -> 3}; records
 *     whose future the application completed or cancelled itself (the producer then stops working on
 *     them at once) under {@code CompletedByApplication}
 * @param outstandingRecords records added and not yet completed
 * @param outstandingBytes their data plus partition keys, in bytes
 * @param oldestRecordAge age of the oldest outstanding record, as of the sender's last sweep
 *     (at most a second old); zero when nothing is outstanding
 * @param putRecordsRequests PutRecords requests sent (each attempt counts)
 * @param retriedEntries request entries that failed and were queued for another attempt
 * @param throttledEntries entries Kinesis answered with ProvisionedThroughputExceededException
 * @param shardPredictionMisses acknowledged records that landed on a shard other than predicted
 * @param shardMapRefreshes ListShards refreshes completed (the first load of each stream included)
 * @param predictionFallbacks times a stream fell back to batching without shard prediction
 *     because records kept landing on other shards than predicted right after a fresh map
 * @param userRecordsResentFromMisroutedAggregates user records sent again because the aggregate
 *     carrying them was stored on a shard whose hash-key range does not hold all of its records
 *     (after a reshard): the KCL drops such an aggregate whole, so they are re-sent; a consumer that
 *     filters record by record may read these records twice
 * @param senderFailure empty while the producer's sender thread runs; what killed it, once it died
 *     (every outstanding and later record then fails with {@link ProducerFailedException})
 */
public record ProducerStats(
        long userRecordsAdded,
        long userRecordsSucceeded,
        long userRecordsFailed,
        Map<String, Long> failedByReason,
        long outstandingRecords,
        long outstandingBytes,
        Duration oldestRecordAge,
        long putRecordsRequests,
        long retriedEntries,
        long throttledEntries,
        long shardPredictionMisses,
        long shardMapRefreshes,
        long predictionFallbacks,
        long userRecordsResentFromMisroutedAggregates,
        Optional<String> senderFailure) {

    /** Copies the map so the snapshot stays immutable. */
    public ProducerStats {
        failedByReason = Map.copyOf(failedByReason);
    }
}
