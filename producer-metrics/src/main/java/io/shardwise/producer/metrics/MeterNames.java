package io.shardwise.producer.metrics;

/**
 * Every meter name, tag key and fixed tag value {@link ProducerMetrics} uses, in one place (see
 * {@code docs/metrics.md} for the table with types, units, tags and the matching KPL metric).
 *
 * <p>Names are lowercase and dotted under {@value #PREFIX}; exporters convert them to their own
 * conventions (Prometheus: {@code shardwise_producer_user_records_put_records_total}). One name
 * carries tags rather than many names: successes and failures of user records are one meter
 * tagged {@value #TAG_RESULT}, errors one meter tagged {@value #TAG_ERROR_CODE}. No meter is ever
 * tagged by partition key.
 *
 * <p>A {@code FirehoseProducer}'s meters have the same names: its "Kinesis records" are Firehose
 * records (PutRecordBatch entries; with packing, one carries several user records), its requests
 * PutRecordBatch calls, its {@value #TAG_STREAM} tag the delivery stream name. The {@code shard.*}
 * meters are Kinesis-only and not registered for it.
 */
public final class MeterNames {
    /** Prefix of every meter name. */
    public static final String PREFIX = "shardwise.producer.";

    // ---------------------------------------------------------------- read from ProducerStats (producer-wide)

    /** FunctionCounter, records: user records accepted by {@code addUserRecord} (KPL UserRecordsReceived). */
    public static final String USER_RECORDS_RECEIVED = PREFIX + "user.records.received";
    /** Gauge, records: user records added and not yet completed (KPL UserRecordsPending). */
    public static final String USER_RECORDS_PENDING = PREFIX + "user.records.pending";
    /** Gauge, bytes: data plus partition keys of the pending user records. */
    public static final String USER_RECORDS_PENDING_BYTES = PREFIX + "user.records.pending.bytes";
    /** TimeGauge, seconds: age of the oldest pending user record, zero when none is pending. */
    public static final String OLDEST_RECORD_AGE = PREFIX + "user.records.oldest.age";
    /** FunctionCounter, retries: user-record attempts that failed and were scheduled again. */
    public static final String RETRIES = PREFIX + "retries";
    /** FunctionCounter, refreshes: shard-map (ListShards) loads and refreshes. */
    public static final String SHARD_MAP_REFRESHES = PREFIX + "shard.map.refreshes";
    /** FunctionCounter, records: acknowledged user records that landed on a shard other than predicted. */
    public static final String SHARD_PREDICTION_MISSES = PREFIX + "shard.prediction.misses";
    /** FunctionCounter, fallbacks: times a stream fell back to batching without shard prediction. */
    public static final String SHARD_PREDICTION_FALLBACKS = PREFIX + "shard.prediction.fallbacks";

    // ---------------------------------------------------------------- fed by the observer (tagged by stream, shard)

    /**
     * Counter, records: user records completed, tagged {@value #TAG_RESULT}, {@value #TAG_REASON} and
     * {@value #TAG_ERROR_CODE} (KPL UserRecordsPut).
     */
    public static final String USER_RECORDS_PUT = PREFIX + "user.records.put";
    /** Counter, records: user records failed because their time to live passed (KPL UserRecordExpired). */
    public static final String USER_RECORDS_EXPIRED = PREFIX + "user.records.expired";
    /** Counter, bytes: data plus partition keys of the user records in acknowledged Kinesis records (KPL UserRecordsDataPut). */
    public static final String USER_RECORDS_BYTES = PREFIX + "user.records.bytes";
    /** Counter, records: Kinesis records (PutRecords entries) acknowledged (KPL KinesisRecordsPut). */
    public static final String KINESIS_RECORDS_PUT = PREFIX + "kinesis.records.put";
    /** Counter, bytes: data plus partition keys of the acknowledged Kinesis records (KPL KinesisRecordsDataPut). */
    public static final String KINESIS_RECORDS_BYTES = PREFIX + "kinesis.records.bytes";
    /** Counter, records: Kinesis records answered with a throttling error. */
    public static final String KINESIS_RECORDS_THROTTLED = PREFIX + "kinesis.records.throttled";
    /** Counter, records: Kinesis records whose attempt failed, tagged {@value #TAG_ERROR_CODE} (KPL ErrorsByCode; their sum is AllErrors). */
    public static final String ERRORS = PREFIX + "errors";
    /** DistributionSummary, records: user records per Kinesis record sent (KPL UserRecordsPerKinesisRecord). */
    public static final String USER_RECORDS_PER_KINESIS_RECORD = PREFIX + "user.records.per.kinesis.record";
    /** DistributionSummary, records: Kinesis records per PutRecords request (KPL KinesisRecordsPerPutRecordsRequest). */
    public static final String KINESIS_RECORDS_PER_REQUEST = PREFIX + "kinesis.records.per.request";
    /** DistributionSummary, records: user records per PutRecords request (KPL UserRecordsPerPutRecordsRequest). */
    public static final String USER_RECORDS_PER_REQUEST = PREFIX + "user.records.per.request";
    /** DistributionSummary, retries: retries a user record took, recorded when it completes (KPL RetriesPerRecord). */
    public static final String RETRIES_PER_RECORD = PREFIX + "retries.per.record";
    /** Timer: from {@code addUserRecord} to the record's first send (KPL BufferingTime). */
    public static final String BUFFERING_TIME = PREFIX + "buffering.time";
    /** Timer: from {@code addUserRecord} to the record's acknowledgement, retries included. */
    public static final String DELIVERY_TIME = PREFIX + "delivery.time";
    /** Timer: PutRecords requests, from sending to response, tagged {@value #TAG_RESULT} and {@value #TAG_ERROR_CODE} (KPL RequestTime). */
    public static final String REQUEST_TIME = PREFIX + "request.time";
    /** Gauge, records per second: a shard's current adaptive records/s limit (shard granularity only). */
    public static final String SHARD_RATE_LIMIT_RECORDS = PREFIX + "shard.rate.limit.records";
    /** Gauge, bytes per second: a shard's current adaptive bytes/s limit (shard granularity only). */
    public static final String SHARD_RATE_LIMIT_BYTES = PREFIX + "shard.rate.limit.bytes";

    // ---------------------------------------------------------------- tags

    /** Tag key: the stream name (granularity STREAM and SHARD). */
    public static final String TAG_STREAM = "stream";
    /** Tag key: the shard id (granularity SHARD, on per-record meters and rate limits). */
    public static final String TAG_SHARD = "shard";
    /** Tag key: {@value #RESULT_SUCCESS} or {@value #RESULT_FAILURE}. */
    public static final String TAG_RESULT = "result";
    /** Tag key: why a user record failed, the exception's simple name, e.g. {@code RecordExpiredException}. */
    public static final String TAG_REASON = "reason";
    /** Tag key: the service's (or client's) error code, e.g. {@code ProvisionedThroughputExceededException}. */
    public static final String TAG_ERROR_CODE = "error.code";

    /** Tag value of {@value #TAG_RESULT} for success. */
    public static final String RESULT_SUCCESS = "success";
    /** Tag value of {@value #TAG_RESULT} for failure. */
    public static final String RESULT_FAILURE = "failure";
    /** Tag value when there is nothing to say: no error code, no failure reason, no shard (a failed record). */
    public static final String NONE = "none";
    /**
     * {@value #TAG_ERROR_CODE} of a failed PutRecords entry that was not throttled: the producer
     * reports how many entries failed, not their codes.
     */
    public static final String OTHER_ENTRY_ERROR = "other";
    /** {@value #TAG_ERROR_CODE} of a throttled PutRecords entry. */
    public static final String THROTTLED_ENTRY_ERROR = "ProvisionedThroughputExceededException";
    /** {@value #TAG_ERROR_CODE} of a throttled PutRecordBatch entry (a {@code FirehoseProducer}'s; Firehose's "slow down"). */
    public static final String FIREHOSE_THROTTLED_ENTRY_ERROR = "ServiceUnavailableException";

    // ---------------------------------------------------------------- units

    /** Base unit of record counts. */
    public static final String UNIT_RECORDS = "records";
    /** Base unit of byte counts. */
    public static final String UNIT_BYTES = "bytes";
    /** Base unit of retry counts. */
    public static final String UNIT_RETRIES = "retries";
    /** Base unit of shard-map refreshes. */
    public static final String UNIT_REFRESHES = "refreshes";
    /** Base unit of prediction fallbacks. */
    public static final String UNIT_FALLBACKS = "fallbacks";
    /** Base unit of the records/s rate limit. */
    public static final String UNIT_RECORDS_PER_SECOND = "records.per.second";
    /** Base unit of the bytes/s rate limit. */
    public static final String UNIT_BYTES_PER_SECOND = "bytes.per.second";

    private MeterNames() {
    }
}
