package io.shardwise.producer;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Immutable tuning of a {@link KinesisProducer}. Build one with {@link #builder()}, start from the
 * defaults with {@link #defaults()}, or change one with {@link #toBuilder()}. Every setter rejects
 * an out-of-range value at once with an {@link IllegalArgumentException} naming the field and the
 * allowed range.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@link #recordMaxBufferedTime()}</td><td>100 ms</td><td>0 .. 1 min</td></tr>
 *   <tr><td>{@link #collectionMaxCount()}</td><td>500</td><td>1 .. 500</td></tr>
 *   <tr><td>{@link #collectionMaxSize()}</td><td>10 MiB</td><td>1 KiB .. 10 MiB</td></tr>
 *   <tr><td>{@link #maxRecordSize()}</td><td>10 MiB (each stream's own maximum applies)</td><td>1 .. 10 MiB</td></tr>
 *   <tr><td>{@link #maxInFlightRequests()}</td><td>32</td><td>1 .. 10,000</td></tr>
 *   <tr><td>{@link #requestTimeout()}</td><td>6 s</td><td>100 ms .. 10 min</td></tr>
 *   <tr><td>{@link #recordTtl()}</td><td>30 s</td><td>100 ms .. 1 day</td></tr>
 *   <tr><td>{@link #maxAttempts()}</td><td>unlimited (TTL bounds it)</td><td>1 .. 1,000</td></tr>
 *   <tr><td>{@link #failIfThrottled()}</td><td>false</td><td></td></tr>
 *   <tr><td>{@link #retryBackoffBase()}</td><td>100 ms</td><td>1 ms .. 1 min</td></tr>
 *   <tr><td>{@link #retryBackoffMax()}</td><td>5 s</td><td>&gt;= base, &lt;= 10 min</td></tr>
 *   <tr><td>{@link #shardMapMinRefreshInterval()}</td><td>1 s</td><td>10 ms .. 10 min</td></tr>
 *   <tr><td>{@link #preserveShardOrder()}</td><td>true</td><td></td></tr>
 *   <tr><td>{@link #shardRateLimiting()}</td><td>true</td><td></td></tr>
 *   <tr><td>{@link #shardRateLimitFactor()}</td><td>1.0</td><td>0.1 .. 10</td></tr>
 *   <tr><td>{@link #maxOutstandingRecords()}</td><td>200,000</td><td>1 .. 100,000,000</td></tr>
 *   <tr><td>{@link #maxOutstandingBytes()}</td><td>1/8 of the max heap, at least 16 MiB</td><td>1 MiB .. 1 TiB</td></tr>
 *   <tr><td>{@link #maxBlockTime()}</td><td>10 s</td><td>0 (fail fast) .. 1 h</td></tr>
 *   <tr><td>{@link #aggregationEnabled()}</td><td>true</td><td></td></tr>
 *   <tr><td>{@link #aggregationMaxSize()}</td><td>50 KiB</td><td>64 B .. 1 MiB</td></tr>
 *   <tr><td>{@link #aggregationMaxCount()}</td><td>10,000</td><td>1 .. 1,000,000</td></tr>
 *   <tr><td>{@link #aggregationMaxUserRecordSize()}</td><td>4 KiB</td><td>1 B .. 1 MiB</td></tr>
 *   <tr><td>{@link #aggregationPreservesPartitionKeys()}</td><td>false</td><td></td></tr>
 * </table>
 */
public final class ProducerConfig {
    /** 1 MiB: the Kinesis limit for one record's data plus partition key. */
    public static final int DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;
    /** 10 MiB: the largest record size a stream can be configured for. */
    public static final int MAX_RECORD_SIZE_LIMIT = 10 * 1024 * 1024;
    /** 500: the Kinesis limit of entries in one PutRecords request. */
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    /**
     * 10 MiB: the Kinesis limit for one PutRecords request, partition keys included (the PutRecords
     * reference, as in the SDK's KinesisAsyncClient javadoc since the 10 MiB record change; it was 5 MiB).
     * A request the service still rejects for its size is split, never failed whole.
     */
    public static final long DEFAULT_MAX_REQUEST_SIZE = 10L * 1024 * 1024;

    private static final ProducerConfig DEFAULTS = new Builder().build();

    private final Duration recordMaxBufferedTime;
    private final int collectionMaxCount;
    private final long collectionMaxSize;
    private final int maxRecordSize;
    private final int maxInFlightRequests;
    private final Duration requestTimeout;
    private final Duration recordTtl;
    private final int maxAttempts;
    private final Duration retryBackoffBase;
    private final Duration retryBackoffMax;
    private final Duration shardMapMinRefreshInterval;
    private final boolean preserveShardOrder;
    private final boolean failIfThrottled;
    private final boolean shardRateLimiting;
    private final double shardRateLimitFactor;
    private final long maxOutstandingRecords;
    private final long maxOutstandingBytes;
    private final Duration maxBlockTime;
    private final boolean aggregationEnabled;
    private final int aggregationMaxSize;
    private final int aggregationMaxCount;
    private final int aggregationMaxUserRecordSize;
    private final boolean aggregationPreservesPartitionKeys;

    private ProducerConfig(Builder b) {
        this.recordMaxBufferedTime = b.recordMaxBufferedTime;
        this.collectionMaxCount = b.collectionMaxCount;
        this.collectionMaxSize = b.collectionMaxSize;
        this.maxRecordSize = b.maxRecordSize;
        this.maxInFlightRequests = b.maxInFlightRequests;
        this.requestTimeout = b.requestTimeout;
        this.recordTtl = b.recordTtl;
        this.maxAttempts = b.maxAttempts;
        this.retryBackoffBase = b.retryBackoffBase;
        this.retryBackoffMax = b.retryBackoffMax;
        this.shardMapMinRefreshInterval = b.shardMapMinRefreshInterval;
        this.preserveShardOrder = b.preserveShardOrder;
        this.failIfThrottled = b.failIfThrottled;
        this.shardRateLimiting = b.shardRateLimiting;
        this.shardRateLimitFactor = b.shardRateLimitFactor;
        this.maxOutstandingRecords = b.maxOutstandingRecords;
        this.maxOutstandingBytes = b.maxOutstandingBytes;
        this.maxBlockTime = b.maxBlockTime;
        this.aggregationEnabled = b.aggregationEnabled;
        this.aggregationMaxSize = b.aggregationMaxSize;
        this.aggregationMaxCount = b.aggregationMaxCount;
        this.aggregationMaxUserRecordSize = b.aggregationMaxUserRecordSize;
        this.aggregationPreservesPartitionKeys = b.aggregationPreservesPartitionKeys;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the default configuration */
    public static ProducerConfig defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding this configuration's values */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * How long a record may wait for more records to share its PutRecords request (the linger
     * time). A request goes out when it is full or when its oldest record has waited this long.
     * Default 100 ms; 0 sends as soon as the sender thread sees the record.
     *
     * @return the linger time
     */
    public Duration recordMaxBufferedTime() {
        return recordMaxBufferedTime;
    }

    /** @return the most entries in one PutRecords request; default and maximum 500 */
    public int collectionMaxCount() {
        return collectionMaxCount;
    }

    /**
     * The most bytes (data plus partition keys) in one PutRecords request; default 10 MiB, the
     * service limit ({@link #DEFAULT_MAX_REQUEST_SIZE}). A single record larger than this is sent
     * alone. A request the service rejects as a whole (an endpoint with a smaller limit) is split and
     * sent again, never failed whole; set 5 MiB for endpoints that still have the old limit.
     *
     * @return the request size limit in bytes
     */
    public long collectionMaxSize() {
        return collectionMaxSize;
    }

    /**
     * The largest record accepted for any stream: data plus partition key in UTF-8 bytes. Default
     * 10 MiB, the most a stream can be configured for. Each stream's own maximum
     * ({@code MaxRecordSizeInKiB}: 1 MiB unless the stream was created or updated with more) is read
     * with DescribeStreamSummary when the stream is first used and applies below this: from then on
     * {@code addUserRecord} throws {@link RecordTooLargeException} naming the stream's limit, and a
     * record added before it was known that exceeds it fails with {@link RecordRejectedException}
     * (code {@code RecordTooLarge}) before it is sent. Lower this to refuse large records everywhere.
     *
     * @return the record size limit in bytes
     */
    public int maxRecordSize() {
        return maxRecordSize;
    }

    /** @return the most PutRecords requests in flight at once, over all streams; default 32 */
    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    /**
     * Time limit of one PutRecords call (the SDK's API call timeout). A timed-out request is
     * retried; Kinesis may have written it, so the retry may duplicate records (at-least-once).
     * Default 6 s.
     *
     * @return the request timeout
     */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * How long a record may take, from {@code addUserRecord} to acknowledgement, before its future
     * fails with {@link RecordExpiredException}. Default 30 s (as the KPL).
     *
     * @return the record time to live
     */
    public Duration recordTtl() {
        return recordTtl;
    }

    /**
     * The most PutRecords attempts for one record before its future fails with
     * {@link RetriesExhaustedException}; empty (the default) means only {@link #recordTtl()} bounds them.
     *
     * @return the attempt limit, if any
     */
    public OptionalInt maxAttempts() {
        return maxAttempts == 0 ? OptionalInt.empty() : OptionalInt.of(maxAttempts);
    }

    /** @return the first retry's back-off ceiling (exponential with jitter); default 100 ms */
    public Duration retryBackoffBase() {
        return retryBackoffBase;
    }

    /** @return the largest back-off between attempts of one record; default 5 s */
    public Duration retryBackoffMax() {
        return retryBackoffMax;
    }

    /**
     * The shortest time between two ListShards refreshes of one stream's shard map. Refreshes
     * asked for within it (a record landed on a shard other than predicted) are coalesced into one.
     * Default 1 s.
     *
     * @return the minimum interval between shard-map refreshes per stream
     */
    public Duration shardMapMinRefreshInterval() {
        return shardMapMinRefreshInterval;
    }

    /**
     * When {@code true} (the default), a shard never has more than one PutRecords request in
     * flight, so records with the same partition key are written in the order they were added
     * (as long as none of them needs a retry). When {@code false}, requests for a shard may
     * overlap, which can reorder records of one key but adds concurrency for hot shards.
     *
     * @return whether per-shard write order is preserved
     */
    public boolean preserveShardOrder() {
        return preserveShardOrder;
    }

    /**
     * Whether a throttled record fails at once instead of being retried (default {@code false}): its
     * future fails with {@link RecordThrottledException} listing the throttled attempt. For
     * applications that shed load themselves when the stream is over its limits (the KPL's
     * {@code FailIfThrottled}); with the default the shard's rate limiter slows down and the record
     * is retried within {@link #recordTtl()}.
     *
     * @return whether throttled records fail without retry
     */
    public boolean failIfThrottled() {
        return failIfThrottled;
    }

    /**
     * Whether every predicted shard gets its own adaptive rate limiter (default {@code true}): writes
     * to a shard are paced to {@code 1,000 records/s} and {@code 1 MiB/s} times
     * {@link #shardRateLimitFactor()}, with a sliding one-second window that never holds more than 99 %
     * of that ceiling. A throttled entry cuts that shard's rate by 10 % after a quiet spell of 3 s and
     * by 30 % while throttling goes on (once per congestion event; never below 5 % of the ceiling);
     * every second without throttling adds a tenth of the ceiling back (AIMD). Producers sharing a
     * stream converge to their share instead of storming it; a hot shard slows only itself. The
     * README's "Per-shard rate limiting" section has the details.
     *
     * @return whether per-shard rate limiting is on
     */
    public boolean shardRateLimiting() {
        return shardRateLimiting;
    }

    /**
     * Multiplies the per-shard ceilings (1,000 records/s, 1 MiB/s); default 1.0. Raise it for
     * streams whose shards take more (or to let the service do the limiting), lower it to leave
     * room for other producers.
     *
     * @return the factor applied to the shard limits
     */
    public double shardRateLimitFactor() {
        return shardRateLimitFactor;
    }

    /**
     * The most records added and not yet completed (buffered, in flight or waiting to retry). When
     * reached, {@code addUserRecord} blocks up to {@link #maxBlockTime()} and then throws
     * {@link BufferFullException}. Default 200,000.
     *
     * @return the bound on outstanding records
     */
    public long maxOutstandingRecords() {
        return maxOutstandingRecords;
    }

    /**
     * The most bytes (data plus partition keys) of outstanding records; as
     * {@link #maxOutstandingRecords()}. Default: an eighth of the JVM's max heap, at least 16 MiB.
     * A single record larger than the bound is admitted when nothing else is outstanding.
     *
     * @return the bound on outstanding bytes
     */
    public long maxOutstandingBytes() {
        return maxOutstandingBytes;
    }

    /**
     * How long {@code addUserRecord} may block waiting for room when the outstanding bounds are
     * reached, before it throws {@link BufferFullException}; {@link Duration#ZERO} fails fast.
     * Default 10 s.
     *
     * @return the longest block of an add call
     */
    public Duration maxBlockTime() {
        return maxBlockTime;
    }

    /**
     * Whether small user records are packed into KPL-format aggregated Kinesis records (default
     * {@code true}). Only records predicted for the same shard share an aggregate; the aggregate is
     * sent with partition key {@code "a"} and its first record's hash key as explicit hash key, so it
     * lands on that shard. The KCL, AWS's Lambda helpers and {@code Deaggregator} read them. Turn it
     * off when consumers read raw Kinesis records without deaggregating.
     *
     * @return whether aggregation is on
     */
    public boolean aggregationEnabled() {
        return aggregationEnabled;
    }

    /**
     * The largest aggregated Kinesis record, partition key included; default 50 KiB (as the KPL).
     * Larger aggregates mean fewer Kinesis records but more data re-sent when one fails.
     *
     * @return the aggregate size limit in bytes
     */
    public int aggregationMaxSize() {
        return aggregationMaxSize;
    }

    /** @return the most user records in one aggregate; default 10,000 */
    public int aggregationMaxCount() {
        return aggregationMaxCount;
    }

    /**
     * The largest user record (data plus partition key) that is aggregated; larger ones travel as
     * their own Kinesis record, in order with the aggregates of their shard. Default 4 KiB. From
     * about 1 KiB a record reaches a shard's byte limit before its records-per-second limit, so
     * aggregating it no longer raises what a shard can take; it only saves request entries, and
     * copying and MD5-hashing every byte once more costs more CPU than that saves from a few KiB on
     * (measured with the benchmark harness: 5 KB records 20-25 % faster unaggregated, 1 KB records
     * ~20 % slower). {@link #aggregationMaxSize()} or more aggregates whatever fits, as the KPL does.
     *
     * @return the size limit in bytes for a user record to join an aggregate
     */
    public int aggregationMaxUserRecordSize() {
        return aggregationMaxUserRecordSize;
    }

    /**
     * Key-preserving aggregation (default {@code false}): aggregate only records with the same
     * partition key (and explicit hash key), and send the aggregate under that real key. Consumers
     * that parallelise by partition key (Lambda's parallelization factor) then keep per-key order
     * and see the real keys, at the price of fewer records per aggregate when keys are many.
     *
     * @return whether aggregates keep their records' partition key
     */
    public boolean aggregationPreservesPartitionKeys() {
        return aggregationPreservesPartitionKeys;
    }

    @Override
    public String toString() {
        return "ProducerConfig{recordMaxBufferedTime=" + recordMaxBufferedTime
                + ", collectionMaxCount=" + collectionMaxCount
                + ", collectionMaxSize=" + collectionMaxSize
                + ", maxRecordSize=" + maxRecordSize
                + ", maxInFlightRequests=" + maxInFlightRequests
                + ", requestTimeout=" + requestTimeout
                + ", recordTtl=" + recordTtl
                + ", maxAttempts=" + (maxAttempts == 0 ? "unlimited" : maxAttempts)
                + ", retryBackoffBase=" + retryBackoffBase
                + ", retryBackoffMax=" + retryBackoffMax
                + ", shardMapMinRefreshInterval=" + shardMapMinRefreshInterval
                + ", preserveShardOrder=" + preserveShardOrder
                + ", failIfThrottled=" + failIfThrottled
                + ", shardRateLimiting=" + shardRateLimiting
                + ", shardRateLimitFactor=" + shardRateLimitFactor
                + ", maxOutstandingRecords=" + maxOutstandingRecords
                + ", maxOutstandingBytes=" + maxOutstandingBytes
                + ", maxBlockTime=" + maxBlockTime
                + ", aggregationEnabled=" + aggregationEnabled
                + ", aggregationMaxSize=" + aggregationMaxSize
                + ", aggregationMaxCount=" + aggregationMaxCount
                + ", aggregationMaxUserRecordSize=" + aggregationMaxUserRecordSize
                + ", aggregationPreservesPartitionKeys=" + aggregationPreservesPartitionKeys + '}';
    }

    /**
     * The configuration a KPL {@code default_config.properties} describes: every KPL option is
     * mapped, reported as not needed, or rejected with the reason (unknown keys too); see
     * {@link KplProperties} for the client, region and metrics settings the file also holds, and
     * for the report of what became of each option.
     *
     * @param kplProperties the KPL's properties, keys as the KPL spells them
     * @return the equivalent configuration
     * @throws IllegalArgumentException listing every option that cannot be honoured, with what to do instead
     */
    public static ProducerConfig fromKplProperties(java.util.Properties kplProperties) {
        return KplProperties.parse(kplProperties).producerConfig();
    }

    /** Builder for {@link ProducerConfig}. Not thread-safe; every setter validates its argument. */
    public static final class Builder {
        private Duration recordMaxBufferedTime = Duration.ofMillis(100);
        private int collectionMaxCount = MAX_RECORDS_PER_REQUEST;
        private long collectionMaxSize = DEFAULT_MAX_REQUEST_SIZE;
        private int maxRecordSize = MAX_RECORD_SIZE_LIMIT;
        private int maxInFlightRequests = 32;
        private Duration requestTimeout = Duration.ofSeconds(6);
        private Duration recordTtl = Duration.ofSeconds(30);
        private int maxAttempts;
        private Duration retryBackoffBase = Duration.ofMillis(100);
        private Duration retryBackoffMax = Duration.ofSeconds(5);
        private Duration shardMapMinRefreshInterval = Duration.ofSeconds(1);
        private boolean preserveShardOrder = true;
        private boolean failIfThrottled;
        private boolean shardRateLimiting = true;
        private double shardRateLimitFactor = 1.0;
        private long maxOutstandingRecords = 200_000;
        private long maxOutstandingBytes = Math.max(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8);
        private Duration maxBlockTime = Duration.ofSeconds(10);
        private boolean aggregationEnabled = true;
        private int aggregationMaxSize = 50 * 1024;
        private int aggregationMaxCount = 10_000;
        private int aggregationMaxUserRecordSize = 4 * 1024;
        private boolean aggregationPreservesPartitionKeys;

        private Builder() {
        }

        private Builder(ProducerConfig c) {
            this.recordMaxBufferedTime = c.recordMaxBufferedTime;
            this.collectionMaxCount = c.collectionMaxCount;
            this.collectionMaxSize = c.collectionMaxSize;
            this.maxRecordSize = c.maxRecordSize;
            this.maxInFlightRequests = c.maxInFlightRequests;
            this.requestTimeout = c.requestTimeout;
            this.recordTtl = c.recordTtl;
            this.maxAttempts = c.maxAttempts;
            this.retryBackoffBase = c.retryBackoffBase;
            this.retryBackoffMax = c.retryBackoffMax;
            this.shardMapMinRefreshInterval = c.shardMapMinRefreshInterval;
            this.preserveShardOrder = c.preserveShardOrder;
            this.failIfThrottled = c.failIfThrottled;
            this.shardRateLimiting = c.shardRateLimiting;
            this.shardRateLimitFactor = c.shardRateLimitFactor;
            this.maxOutstandingRecords = c.maxOutstandingRecords;
            this.maxOutstandingBytes = c.maxOutstandingBytes;
            this.maxBlockTime = c.maxBlockTime;
            this.aggregationEnabled = c.aggregationEnabled;
            this.aggregationMaxSize = c.aggregationMaxSize;
            this.aggregationMaxCount = c.aggregationMaxCount;
            this.aggregationMaxUserRecordSize = c.aggregationMaxUserRecordSize;
            this.aggregationPreservesPartitionKeys = c.aggregationPreservesPartitionKeys;
        }

        /**
         * @param value linger time, 0 .. 1 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder recordMaxBufferedTime(Duration value) {
            this.recordMaxBufferedTime = checkDuration("recordMaxBufferedTime", value, Duration.ZERO, Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param value entries per PutRecords request, 1 .. 500
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder collectionMaxCount(int value) {
            this.collectionMaxCount = (int) checkRange("collectionMaxCount", value, 1, MAX_RECORDS_PER_REQUEST);
            return this;
        }

        /**
         * @param value bytes per PutRecords request (data plus partition keys), 1 KiB .. 10 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder collectionMaxSize(long value) {
            this.collectionMaxSize = checkRange("collectionMaxSize", value, 1024, MAX_RECORD_SIZE_LIMIT);
            return this;
        }

        /**
         * @param value largest record (data plus partition key), 1 .. 10 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxRecordSize(int value) {
            this.maxRecordSize = (int) checkRange("maxRecordSize", value, 1, MAX_RECORD_SIZE_LIMIT);
            return this;
        }

        /**
         * @param value concurrent PutRecords requests, 1 .. 10,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxInFlightRequests(int value) {
            this.maxInFlightRequests = (int) checkRange("maxInFlightRequests", value, 1, 10_000);
            return this;
        }

        /**
         * @param value PutRecords call timeout, 100 ms .. 10 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder requestTimeout(Duration value) {
            this.requestTimeout = checkDuration("requestTimeout", value, Duration.ofMillis(100), Duration.ofMinutes(10));
            return this;
        }

        /**
         * @param value record time to live, 100 ms .. 1 day
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder recordTtl(Duration value) {
            this.recordTtl = checkDuration("recordTtl", value, Duration.ofMillis(100), Duration.ofDays(1));
            return this;
        }

        /**
         * @param value attempts per record, 1 .. 1,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxAttempts(int value) {
            this.maxAttempts = (int) checkRange("maxAttempts", value, 1, 1000);
            return this;
        }

        /**
         * Removes the attempt limit: only {@link #recordTtl(Duration)} bounds retries (the default).
         *
         * @return this builder
         */
        public Builder unlimitedAttempts() {
            this.maxAttempts = 0;
            return this;
        }

        /**
         * @param value first back-off ceiling, 1 ms .. 1 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder retryBackoffBase(Duration value) {
            this.retryBackoffBase = checkDuration("retryBackoffBase", value, Duration.ofMillis(1), Duration.ofMinutes(1));
            return this;
        }

        /**
         * @param value largest back-off, 1 ms .. 10 min, not below {@code retryBackoffBase} (checked in {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder retryBackoffMax(Duration value) {
            this.retryBackoffMax = checkDuration("retryBackoffMax", value, Duration.ofMillis(1), Duration.ofMinutes(10));
            return this;
        }

        /**
         * @param value shortest interval between shard-map refreshes of one stream, 10 ms .. 10 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder shardMapMinRefreshInterval(Duration value) {
            this.shardMapMinRefreshInterval = checkDuration("shardMapMinRefreshInterval", value, Duration.ofMillis(10), Duration.ofMinutes(10));
            return this;
        }

        /**
         * @param value whether a shard has at most one request in flight (per-key order)
         * @return this builder
         */
        public Builder preserveShardOrder(boolean value) {
            this.preserveShardOrder = value;
            return this;
        }

        /**
         * @param value whether throttled records fail at once with {@link RecordThrottledException} instead of being retried
         * @return this builder
         */
        public Builder failIfThrottled(boolean value) {
            this.failIfThrottled = value;
            return this;
        }

        /**
         * @param value whether each shard gets an adaptive rate limiter
         * @return this builder
         */
        public Builder shardRateLimiting(boolean value) {
            this.shardRateLimiting = value;
            return this;
        }

        /**
         * @param value factor on the per-shard limits, 0.1 .. 10
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder shardRateLimitFactor(double value) {
            if (!(value >= 0.1 && value <= 10.0)) {
                throw new IllegalArgumentException("shardRateLimitFactor must be between 0.1 and 10, was " + value);
            }
            this.shardRateLimitFactor = value;
            return this;
        }

        /**
         * @param value bound on outstanding records, 1 .. 100,000,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxOutstandingRecords(long value) {
            this.maxOutstandingRecords = checkRange("maxOutstandingRecords", value, 1, 100_000_000L);
            return this;
        }

        /**
         * @param value bound on outstanding bytes, 1 MiB .. 1 TiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxOutstandingBytes(long value) {
            this.maxOutstandingBytes = checkRange("maxOutstandingBytes", value, 1024L * 1024, 1024L * 1024 * 1024 * 1024);
            return this;
        }

        /**
         * @param value longest block of {@code addUserRecord} when the buffer is full, 0 (fail fast) .. 1 h
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBlockTime(Duration value) {
            this.maxBlockTime = checkDuration("maxBlockTime", value, Duration.ZERO, Duration.ofHours(1));
            return this;
        }

        /**
         * @param value whether small records are aggregated (KPL format)
         * @return this builder
         */
        public Builder aggregationEnabled(boolean value) {
            this.aggregationEnabled = value;
            return this;
        }

        /**
         * @param value largest aggregated record including its partition key, 64 B .. 1 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxSize(int value) {
            this.aggregationMaxSize = (int) checkRange("aggregationMaxSize", value, 64, DEFAULT_MAX_RECORD_SIZE);
            return this;
        }

        /**
         * @param value most user records per aggregate, 1 .. 1,000,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxCount(int value) {
            this.aggregationMaxCount = (int) checkRange("aggregationMaxCount", value, 1, 1_000_000);
            return this;
        }

        /**
         * @param value the largest user record (data plus partition key) that joins an aggregate, 1 B .. 1 MiB;
         *     larger ones are sent as their own Kinesis record
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxUserRecordSize(int value) {
            this.aggregationMaxUserRecordSize = (int) checkRange("aggregationMaxUserRecordSize", value, 1, DEFAULT_MAX_RECORD_SIZE);
            return this;
        }

        /**
         * @param value whether aggregates only hold records of one partition key, sent under that key
         * @return this builder
         */
        public Builder aggregationPreservesPartitionKeys(boolean value) {
            this.aggregationPreservesPartitionKeys = value;
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if {@code retryBackoffMax < retryBackoffBase}
         */
        public ProducerConfig build() {
            if (retryBackoffMax.compareTo(retryBackoffBase) < 0) {
                throw new IllegalArgumentException("retryBackoffMax (" + retryBackoffMax
                        + ") must not be below retryBackoffBase (" + retryBackoffBase + ")");
            }
            return new ProducerConfig(this);
        }

        private static long checkRange(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }

        private static Duration checkDuration(String field, Duration value, Duration min, Duration max) {
            Objects.requireNonNull(value, field);
            if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
