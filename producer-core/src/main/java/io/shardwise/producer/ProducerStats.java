package io.shardwise.producer;

/**
 * A snapshot of a producer's counters since it was built, from {@link KinesisProducer#stats()}.
 * Reading them costs nothing on the record path: the producer keeps them anyway.
 *
 * @param userRecordsAdded records accepted by {@code addUserRecord}
 * @param userRecordsSucceeded records acknowledged by Kinesis
 * @param userRecordsFailed records whose future failed
 * @param outstandingRecords records added and not yet completed
 * @param outstandingBytes their data plus partition keys, in bytes
 * @param putRecordsRequests PutRecords requests sent (each attempt counts)
 * @param retriedEntries request entries that failed and were queued for another attempt
 * @param shardPredictionMisses acknowledged records that landed on a shard other than predicted
 * @param shardMapRefreshes ListShards refreshes completed (the first load of each stream included)
 */
public record ProducerStats(
        long userRecordsAdded,
        long userRecordsSucceeded,
        long userRecordsFailed,
        long outstandingRecords,
        long outstandingBytes,
        long putRecordsRequests,
        long retriedEntries,
        long shardPredictionMisses,
        long shardMapRefreshes) {
}
