package io.shardwise.producer.config;

import java.time.Duration;
import java.util.List;

/**
 * Every tuning option of the Kinesis and the Firehose producer, each declared once: name, type,
 * default, range and meaning. {@link #KINESIS} lists the options of {@code ProducerConfig},
 * {@link #FIREHOSE} those of {@code FirehoseProducerConfig}; the options both have (linger, request
 * limits, timeouts, retries, back-pressure) are the same declarations in both lists, narrowed where
 * Firehose's service limit is lower. The configurations' validation, defaults, {@code toString},
 * {@code equals}/{@code hashCode} and the Spring Boot properties ({@code shardwise.producer.*},
 * {@code shardwise.firehose.*}) and their metadata all come from here.
 */
public final class Options {
    private static final int KIB = 1024;
    private static final int MIB = 1024 * 1024;

    // ------------------------------------------------------------------ shared by Kinesis and Firehose

    /** Linger: how long a record may wait for others to share its request. */
    public static final Option<Duration> RECORD_MAX_BUFFERED_TIME = Option.duration("recordMaxBufferedTime",
            Duration.ofMillis(100), Duration.ZERO, Duration.ofMinutes(1),
            "How long a record may wait for others to share its request (linger); 0 sends at once.");
    /** Entries per request: the PutRecords and PutRecordBatch limit of 500. */
    public static final Option<Integer> COLLECTION_MAX_COUNT = Option.count("collectionMaxCount", 500, 1, 500,
            "Records per request (PutRecords entries, PutRecordBatch records).");
    /** Bytes per request: 10 MiB for PutRecords; Firehose narrows it to 4 MiB ({@link #FIREHOSE_COLLECTION_MAX_SIZE}). */
    public static final Option<Long> COLLECTION_MAX_SIZE = Option.amount("collectionMaxSize", 10L * MIB, KIB, 10L * MIB,
            "Bytes per request (for Kinesis data plus partition keys, for Firehose record data); a larger record travels alone.");
    /** Requests in flight over all streams. */
    public static final Option<Integer> MAX_IN_FLIGHT_REQUESTS = Option.count("maxInFlightRequests", 32, 1, 10_000,
            "Concurrent requests over all streams.");
    /** Time limit of one call. */
    public static final Option<Duration> REQUEST_TIMEOUT = Option.duration("requestTimeout", Duration.ofSeconds(6),
            Duration.ofMillis(100), Duration.ofMinutes(10),
            "Time limit of one PutRecords or PutRecordBatch call; a call that runs out is retried.");
    /** From add to acknowledgement. */
    public static final Option<Duration> RECORD_TTL = Option.duration("recordTtl", Duration.ofSeconds(30),
            Duration.ofMillis(100), Duration.ofDays(1),
            "From add to acknowledgement; then the record's future fails with RecordExpiredException.");
    /** Attempts per record; unset (the default) means only the TTL bounds them. */
    public static final Option<Integer> MAX_ATTEMPTS = Option.count("maxAttempts", null, 1, 1000,
            "Attempts per record before RetriesExhaustedException; unset means only the TTL bounds retries.");
    /** The first retry's back-off ceiling. */
    public static final Option<Duration> RETRY_BACKOFF_BASE = Option.duration("retryBackoffBase", Duration.ofMillis(100),
            Duration.ofMillis(1), Duration.ofMinutes(1),
            "First back-off ceiling between attempts (exponential, full jitter).");
    /** The largest back-off ceiling; not below the base (checked when a configuration is built). */
    public static final Option<Duration> RETRY_BACKOFF_MAX = Option.duration("retryBackoffMax", Duration.ofSeconds(5),
            Duration.ofMillis(1), Duration.ofMinutes(10),
            "Largest back-off ceiling between attempts, not below retry-backoff-base.");
    /** Records added and not yet completed. */
    public static final Option<Long> MAX_OUTSTANDING_RECORDS = Option.amount("maxOutstandingRecords", 200_000, 1,
            100_000_000L, "Bound on records added and not yet completed.");
    /** Their bytes; the default is an eighth of the JVM's max heap, at least 16 MiB. */
    public static final Option<Long> MAX_OUTSTANDING_BYTES = Option.amount("maxOutstandingBytes",
            Math.max(16L * MIB, Runtime.getRuntime().maxMemory() / 8), MIB, 1024L * 1024 * MIB,
            "Bound on the bytes of records added and not yet completed; default an eighth of the max heap, at least 16 MiB.");
    /** How long an add blocks for room. */
    public static final Option<Duration> MAX_BLOCK_TIME = Option.duration("maxBlockTime", Duration.ofSeconds(10),
            Duration.ZERO, Duration.ofHours(1),
            "How long adding a record may block when the buffer is full before BufferFullException; 0 fails fast.");

    // ------------------------------------------------------------------ Kinesis only

    /** Largest record for any stream; each stream's own maximum applies below it. */
    public static final Option<Integer> MAX_RECORD_SIZE = Option.count("maxRecordSize", 10 * MIB, 1, 10 * MIB,
            "Largest record (data plus partition key) for any stream; each stream's own maximum applies below it.");
    /** Fail throttled records at once. */
    public static final Option<Boolean> FAIL_IF_THROTTLED = Option.flag("failIfThrottled", false,
            "Fail a throttled record at once (RecordThrottledException) instead of retrying it (the KPL's FailIfThrottled).");
    /** Shortest interval between shard-map refreshes of one stream. */
    public static final Option<Duration> SHARD_MAP_MIN_REFRESH_INTERVAL = Option.duration("shardMapMinRefreshInterval",
            Duration.ofSeconds(1), Duration.ofMillis(10), Duration.ofMinutes(10),
            "Shortest interval between ListShards refreshes of one stream.");
    /** How strictly records of one key keep the order they were added in. */
    public static final Option<io.shardwise.producer.Ordering> ORDERING = Option.choice("ordering",
            io.shardwise.producer.Ordering.class, io.shardwise.producer.Ordering.SHARD,
            "Order kept per key: NONE (requests of a shard overlap), SHARD (one request in flight per shard: in order"
                    + " unless a record is retried) or KEY_STRICT (in order whatever fails, is retried or resharded).");
    /** An adaptive rate limiter per shard. */
    public static final Option<Boolean> SHARD_RATE_LIMITING = Option.flag("shardRateLimiting", true,
            "Adaptive (AIMD) rate limiter per predicted shard.");
    /** Factor on the per-shard ceilings. */
    public static final Option<Double> SHARD_RATE_LIMIT_FACTOR = Option.factor("shardRateLimitFactor", 1.0, 0.1, 10.0,
            "Factor on the per-shard ceilings of 1,000 records/s and 1 MiB/s.");
    /** KPL aggregation on or off. */
    public static final Option<Boolean> AGGREGATION_ENABLED = Option.flag("aggregationEnabled", true,
            "Pack small records of one shard into KPL-format aggregated records.");
    /** Largest aggregate. */
    public static final Option<Integer> AGGREGATION_MAX_SIZE = Option.count("aggregationMaxSize", 50 * KIB, 64, MIB,
            "Largest aggregated record, partition key included.");
    /** Records per aggregate. */
    public static final Option<Integer> AGGREGATION_MAX_COUNT = Option.count("aggregationMaxCount", 10_000, 1, 1_000_000,
            "Most user records per aggregated record.");
    /** Largest user record that is aggregated. */
    public static final Option<Integer> AGGREGATION_MAX_USER_RECORD_SIZE = Option.count("aggregationMaxUserRecordSize",
            4 * KIB, 1, MIB, "Largest user record (data plus partition key) that is aggregated; larger ones travel as themselves.");
    /** Key-preserving aggregation. */
    public static final Option<Boolean> AGGREGATION_PRESERVES_PARTITION_KEYS = Option.flag(
            "aggregationPreservesPartitionKeys", false, "Aggregate only records of one partition key, sent under that key.");

    // ------------------------------------------------------------------ Firehose only

    /** Bytes of record data per PutRecordBatch call: Firehose's limit is 4 MiB. */
    public static final Option<Long> FIREHOSE_COLLECTION_MAX_SIZE = COLLECTION_MAX_SIZE.limitedTo(4L * MIB, 4L * MIB);
    /** Record packing on or off. */
    public static final Option<Boolean> PACKING_ENABLED = Option.flag("packingEnabled", false,
            "Join small records into one Firehose record, each followed by the delimiter (for S3-like destinations that split on it).");
    /** Largest packed Firehose record: Firehose's record limit of 1,000 KiB. */
    public static final Option<Integer> PACKING_MAX_SIZE = Option.count("packingMaxSize", 1000 * KIB, KIB, 1000 * KIB,
            "Largest packed Firehose record, delimiters included.");
    /** The bytes ending each packed record. */
    public static final Option<byte[]> PACKING_DELIMITER = Option.bytes("packingDelimiter", new byte[] {'\n'}, 1, 16,
            "The delimiter that ends each packed record, as text written in UTF-8; default a newline.");

    /** The options of {@code ProducerConfig}, in the order of its {@code toString}. */
    public static final List<Option<?>> KINESIS = List.of(RECORD_MAX_BUFFERED_TIME, COLLECTION_MAX_COUNT,
            COLLECTION_MAX_SIZE, MAX_RECORD_SIZE, MAX_IN_FLIGHT_REQUESTS, REQUEST_TIMEOUT, RECORD_TTL, MAX_ATTEMPTS,
            RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX, SHARD_MAP_MIN_REFRESH_INTERVAL, ORDERING,
            FAIL_IF_THROTTLED, SHARD_RATE_LIMITING, SHARD_RATE_LIMIT_FACTOR, MAX_OUTSTANDING_RECORDS,
            MAX_OUTSTANDING_BYTES, MAX_BLOCK_TIME, AGGREGATION_ENABLED, AGGREGATION_MAX_SIZE, AGGREGATION_MAX_COUNT,
            AGGREGATION_MAX_USER_RECORD_SIZE, AGGREGATION_PRESERVES_PARTITION_KEYS);

    /** The options of {@code FirehoseProducerConfig}: the shared ones (request size narrowed to 4 MiB) and packing. */
    public static final List<Option<?>> FIREHOSE = List.of(RECORD_MAX_BUFFERED_TIME, COLLECTION_MAX_COUNT,
            FIREHOSE_COLLECTION_MAX_SIZE, MAX_IN_FLIGHT_REQUESTS, REQUEST_TIMEOUT, RECORD_TTL, MAX_ATTEMPTS,
            RETRY_BACKOFF_BASE, RETRY_BACKOFF_MAX, MAX_OUTSTANDING_RECORDS, MAX_OUTSTANDING_BYTES, MAX_BLOCK_TIME,
            PACKING_ENABLED, PACKING_MAX_SIZE, PACKING_DELIMITER);

    private Options() {
    }

    /**
     * The one rule between two options, checked when a Kinesis or Firehose configuration is built.
     *
     * @param values a configuration's values
     * @throws IllegalArgumentException if {@code retryBackoffMax} is below {@code retryBackoffBase}
     */
    public static void checkBackoff(OptionValues.Builder values) {
        Duration base = values.get(RETRY_BACKOFF_BASE);
        Duration max = values.get(RETRY_BACKOFF_MAX);
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("retryBackoffMax (" + max + ") must not be below retryBackoffBase (" + base + ")");
        }
    }
}
