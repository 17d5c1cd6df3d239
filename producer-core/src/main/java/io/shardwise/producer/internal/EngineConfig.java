package io.shardwise.producer.internal;

import io.shardwise.producer.Ordering;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.time.Duration;

/**
 * What the engine needs to know, for either destination, read once from the user's configuration
 * ({@link ProducerConfig} for Kinesis, {@link FirehoseProducerConfig} for Firehose). Kinesis-only
 * settings (shard order, per-shard pacing, KPL aggregation) simply have their "off" value for
 * Firehose: the Firehose configuration does not carry them at all.
 *
 * @param lingerNanos how long a record may wait for others to fill a request
 * @param maxEntriesPerRequest most entries per request
 * @param maxBytesPerRequest most bytes (data plus partition keys) per request
 * @param maxInFlightRequests most requests in flight at once
 * @param requestTimeout time limit of one call
 * @param recordTtlNanos how long a record may take from add to acknowledgement
 * @param maxAttempts most attempts per record; 0 for unlimited
 * @param retryBackoffBase the first retry's back-off ceiling
 * @param retryBackoffMax the largest back-off ceiling
 * @param maxOutstandingRecords bound on records added and not completed
 * @param maxOutstandingBytes bound on their bytes
 * @param maxBlockTime how long an add waits for room
 * @param maxRecordSize largest record accepted (data plus partition key, or packed size)
 * @param failIfThrottled whether a throttled record fails at once instead of being retried
 * @param ordering how strictly records of one key keep their added order ({@link Ordering#NONE} for Firehose)
 * @param shardRecordsPerSecond per-shard pacing ceiling in records/s; 0 turns pacing off
 * @param shardBytesPerSecond per-shard pacing ceiling in bytes/s
 * @param shardMapMinRefreshNanos least time between two shard-map loads of a stream
 * @param aggregation how to pack user records into entries, or {@code null} to send each alone
 * @param description the user's configuration, for the start-up log line
 */
record EngineConfig(long lingerNanos, int maxEntriesPerRequest, long maxBytesPerRequest, int maxInFlightRequests,
                    Duration requestTimeout, long recordTtlNanos, int maxAttempts, Duration retryBackoffBase,
                    Duration retryBackoffMax, long maxOutstandingRecords, long maxOutstandingBytes, Duration maxBlockTime,
                    int maxRecordSize, boolean failIfThrottled, Ordering ordering, double shardRecordsPerSecond,
                    double shardBytesPerSecond, long shardMapMinRefreshNanos, Aggregation aggregation, String description) {

    /** The service's per-shard write limits, scaled by the configured factor. */
    private static final double SHARD_RECORDS_PER_SECOND = 1000.0;
    private static final double SHARD_BYTES_PER_SECOND = 1024.0 * 1024.0;

    /** @return the engine settings of a Kinesis producer */
    static EngineConfig of(ProducerConfig c) {
        double factor = c.shardRateLimiting() ? c.shardRateLimitFactor() : 0;
        Aggregation aggregation = c.aggregationEnabled()
                ? new Aggregation(c.aggregationMaxSize(), c.aggregationMaxCount(), c.aggregationPreservesPartitionKeys(), null,
                        c.aggregationMaxUserRecordSize())
                : null;
        return new EngineConfig(c.recordMaxBufferedTime().toNanos(), c.collectionMaxCount(), c.collectionMaxSize(),
                c.maxInFlightRequests(), c.requestTimeout(), c.recordTtl().toNanos(), c.maxAttempts().orElse(0),
                c.retryBackoffBase(), c.retryBackoffMax(), c.maxOutstandingRecords(), c.maxOutstandingBytes(), c.maxBlockTime(),
                c.maxRecordSize(), c.failIfThrottled(), c.ordering(), SHARD_RECORDS_PER_SECOND * factor,
                SHARD_BYTES_PER_SECOND * factor, c.shardMapMinRefreshInterval().toNanos(), aggregation, c.toString());
    }

    /**
     * @param packingMaxCount most user records joined into one Firehose record
     * @return the engine settings of a Firehose producer: no shards, so no shard order, pacing or KPL aggregation
     */
    static EngineConfig of(FirehoseProducerConfig c, int packingMaxCount) {
        Aggregation packing = c.packingEnabled()
                ? new Aggregation(c.packingMaxSize(), packingMaxCount, false, c.packingDelimiter(), Integer.MAX_VALUE)
                : null;
        return new EngineConfig(c.recordMaxBufferedTime().toNanos(), c.collectionMaxCount(), c.collectionMaxSize(),
                c.maxInFlightRequests(), c.requestTimeout(), c.recordTtl().toNanos(), c.maxAttempts().orElse(0),
                c.retryBackoffBase(), c.retryBackoffMax(), c.maxOutstandingRecords(), c.maxOutstandingBytes(), c.maxBlockTime(),
                FirehoseProducerConfig.MAX_RECORD_SIZE, false, Ordering.NONE, 0, 0, 0, packing, c.toString());
    }

    /** @return whether a shard has at most one request in flight ({@link Ordering#SHARD} or stricter) */
    boolean shardOrdered() {
        return ordering != Ordering.NONE;
    }

    /** @return whether records of one key keep their order whatever fails ({@link Ordering#KEY_STRICT}) */
    boolean keyStrict() {
        return ordering == Ordering.KEY_STRICT;
    }

    /** @return whether records are paced per shard */
    boolean shardPacing() {
        return shardRecordsPerSecond > 0;
    }
}
