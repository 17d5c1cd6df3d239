package io.shardwise.producer;

import io.shardwise.producer.config.AbstractConfig;
import io.shardwise.producer.config.Option;
import io.shardwise.producer.config.OptionValues;
import io.shardwise.producer.config.Options;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * Immutable tuning of a {@link KinesisProducer}. Build one with {@link #builder()}, start from the
 * defaults with {@link #defaults()}, or change one with {@link #toBuilder()}. Every setter rejects
 * an out-of-range value at once with an {@link IllegalArgumentException} naming the field and the
 * allowed range.
 *
 * <p>Each option is declared once, in {@link Options} (name, type, default, range, meaning): that
 * declaration validates the setters and gives the defaults, {@code toString}, {@code equals},
 * {@code hashCode} and the Spring Boot properties. This class only names them: an accessor and a
 * setter per option, kept for a typed API with javadoc, which is why it is longer than 300 lines.
 *
 * <p>Defaults and ranges: the README's "Configuration" table, each setter's javadoc and {@link Options}.
 *
 * <p>Long because every option keeps a typed accessor and a typed builder setter with javadoc (what
 * users read in their IDE); each is one line over its single declaration in {@code config.Options}.
 */
public final class ProducerConfig extends AbstractConfig {
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

    private ProducerConfig(OptionValues values) {
        super(values);
    }

    /** @return the declared options of this configuration, in the order of {@link #toString()} */
    public static List<Option<?>> options() {
        return Options.KINESIS;
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
        return values().get(Options.RECORD_MAX_BUFFERED_TIME);
    }

    /** @return the most entries in one PutRecords request; default and maximum 500 */
    public int collectionMaxCount() {
        return values().get(Options.COLLECTION_MAX_COUNT);
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
        return values().get(Options.COLLECTION_MAX_SIZE);
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
        return values().get(Options.MAX_RECORD_SIZE);
    }

    /** @return the most PutRecords requests in flight at once, over all streams; default 32 */
    public int maxInFlightRequests() {
        return values().get(Options.MAX_IN_FLIGHT_REQUESTS);
    }

    /**
     * Time limit of one PutRecords call (the SDK's API call timeout). A timed-out request is
     * retried; Kinesis may have written it, so the retry may duplicate records (at-least-once).
     * Default 6 s.
     *
     * @return the request timeout
     */
    public Duration requestTimeout() {
        return values().get(Options.REQUEST_TIMEOUT);
    }

    /**
     * How long a record may take, from {@code addUserRecord} to acknowledgement, before its future
     * fails with {@link RecordExpiredException}. Default 30 s (as the KPL).
     *
     * @return the record time to live
     */
    public Duration recordTtl() {
        return values().get(Options.RECORD_TTL);
    }

    /**
     * The most PutRecords attempts for one record before its future fails with
     * {@link RetriesExhaustedException}; empty (the default) means only {@link #recordTtl()} bounds them.
     *
     * @return the attempt limit, if any
     */
    public OptionalInt maxAttempts() {
        return attemptLimit();
    }

    /** @return the first retry's back-off ceiling (exponential with jitter); default 100 ms */
    public Duration retryBackoffBase() {
        return values().get(Options.RETRY_BACKOFF_BASE);
    }

    /** @return the largest back-off between attempts of one record; default 5 s */
    public Duration retryBackoffMax() {
        return values().get(Options.RETRY_BACKOFF_MAX);
    }

    /**
     * The shortest time between two ListShards refreshes of one stream's shard map. Refreshes
     * asked for within it (a record landed on a shard other than predicted) are coalesced into one.
     * Default 1 s.
     *
     * @return the minimum interval between shard-map refreshes per stream
     */
    public Duration shardMapMinRefreshInterval() {
        return values().get(Options.SHARD_MAP_MIN_REFRESH_INTERVAL);
    }

    /**
     * How strictly records of one key keep the order they were added in; default
     * {@link Ordering#SHARD}: one request in flight per shard, in order unless a record is retried.
     * {@link Ordering#KEY_STRICT} keeps the order whatever fails (a record waiting for its retry
     * holds back the later records of its key; if it fails for good they fail too);
     * {@link Ordering#NONE} lets a shard's requests overlap. The {@link Ordering} javadoc and the
     * README's "Ordering" section say what each level guarantees under each fault.
     *
     * @return the ordering level
     */
    public Ordering ordering() {
        return values().get(Options.ORDERING);
    }

    /**
     * @return whether the ordering is {@link Ordering#SHARD} or stricter
     * @deprecated use {@link #ordering()}; {@code true} for {@link Ordering#SHARD} and {@link Ordering#KEY_STRICT}
     */
    @Deprecated
    public boolean preserveShardOrder() {
        return ordering() != Ordering.NONE;
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
        return values().get(Options.FAIL_IF_THROTTLED);
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
        return values().get(Options.SHARD_RATE_LIMITING);
    }

    /**
     * Multiplies the per-shard ceilings (1,000 records/s, 1 MiB/s); default 1.0. Raise it for
     * streams whose shards take more (or to let the service do the limiting), lower it to leave
     * room for other producers.
     *
     * @return the factor applied to the shard limits
     */
    public double shardRateLimitFactor() {
        return values().get(Options.SHARD_RATE_LIMIT_FACTOR);
    }

    /**
     * The most records added and not yet completed (buffered, in flight or waiting to retry). When
     * reached, {@code addUserRecord} blocks up to {@link #maxBlockTime()} and then throws
     * {@link BufferFullException}. Default 200,000.
     *
     * @return the bound on outstanding records
     */
    public long maxOutstandingRecords() {
        return values().get(Options.MAX_OUTSTANDING_RECORDS);
    }

    /**
     * The most bytes (data plus partition keys) of outstanding records; as
     * {@link #maxOutstandingRecords()}. Default: an eighth of the JVM's max heap, at least 16 MiB.
     * A single record larger than the bound is admitted when nothing else is outstanding.
     *
     * @return the bound on outstanding bytes
     */
    public long maxOutstandingBytes() {
        return values().get(Options.MAX_OUTSTANDING_BYTES);
    }

    /**
     * How long {@code addUserRecord} may block waiting for room when the outstanding bounds are
     * reached, before it throws {@link BufferFullException}; {@link Duration#ZERO} fails fast.
     * Default 10 s.
     *
     * @return the longest block of an add call
     */
    public Duration maxBlockTime() {
        return values().get(Options.MAX_BLOCK_TIME);
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
        return values().get(Options.AGGREGATION_ENABLED);
    }

    /**
     * The largest aggregated Kinesis record, partition key included; default 50 KiB (as the KPL).
     * Larger aggregates mean fewer Kinesis records but more data re-sent when one fails.
     *
     * @return the aggregate size limit in bytes
     */
    public int aggregationMaxSize() {
        return values().get(Options.AGGREGATION_MAX_SIZE);
    }

    /** @return the most user records in one aggregate; default 10,000 */
    public int aggregationMaxCount() {
        return values().get(Options.AGGREGATION_MAX_COUNT);
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
        return values().get(Options.AGGREGATION_MAX_USER_RECORD_SIZE);
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
        return values().get(Options.AGGREGATION_PRESERVES_PARTITION_KEYS);
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
        private final OptionValues.Builder values;

        private Builder() {
            this.values = OptionValues.defaults(Options.KINESIS);
        }

        private Builder(ProducerConfig c) {
            this.values = c.values().toBuilder();
        }

        /**
         * Sets any option, validated by its declaration: for code that handles every option alike
         * (the Spring Boot binding); the typed setters below are the usual way.
         *
         * @param option one of {@link ProducerConfig#options()}
         * @param value its value
         * @param <T> the option's type
         * @return this builder
         * @throws IllegalArgumentException naming the option and its range, if out of range or not an option here
         * @throws NullPointerException naming the option, if {@code value} is null
         */
        public <T> Builder set(Option<T> option, T value) {
            values.set(option, value);
            return this;
        }

        /**
         * @param value linger time, 0 .. 1 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder recordMaxBufferedTime(Duration value) {
            values.set(Options.RECORD_MAX_BUFFERED_TIME, value);
            return this;
        }

        /**
         * @param value entries per PutRecords request, 1 .. 500
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder collectionMaxCount(int value) {
            values.set(Options.COLLECTION_MAX_COUNT, value);
            return this;
        }

        /**
         * @param value bytes per PutRecords request (data plus partition keys), 1 KiB .. 10 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder collectionMaxSize(long value) {
            values.set(Options.COLLECTION_MAX_SIZE, value);
            return this;
        }

        /**
         * @param value largest record (data plus partition key), 1 .. 10 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxRecordSize(int value) {
            values.set(Options.MAX_RECORD_SIZE, value);
            return this;
        }

        /**
         * @param value concurrent PutRecords requests, 1 .. 10,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxInFlightRequests(int value) {
            values.set(Options.MAX_IN_FLIGHT_REQUESTS, value);
            return this;
        }

        /**
         * @param value PutRecords call timeout, 100 ms .. 10 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder requestTimeout(Duration value) {
            values.set(Options.REQUEST_TIMEOUT, value);
            return this;
        }

        /**
         * @param value record time to live, 100 ms .. 1 day
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder recordTtl(Duration value) {
            values.set(Options.RECORD_TTL, value);
            return this;
        }

        /**
         * @param value attempts per record, 1 .. 1,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxAttempts(int value) {
            values.set(Options.MAX_ATTEMPTS, value);
            return this;
        }

        /**
         * Removes the attempt limit: only {@link #recordTtl(Duration)} bounds retries (the default).
         *
         * @return this builder
         */
        public Builder unlimitedAttempts() {
            values.reset(Options.MAX_ATTEMPTS);
            return this;
        }

        /**
         * @param value first back-off ceiling, 1 ms .. 1 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder retryBackoffBase(Duration value) {
            values.set(Options.RETRY_BACKOFF_BASE, value);
            return this;
        }

        /**
         * @param value largest back-off, 1 ms .. 10 min, not below {@code retryBackoffBase} (checked in {@link #build()})
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder retryBackoffMax(Duration value) {
            values.set(Options.RETRY_BACKOFF_MAX, value);
            return this;
        }

        /**
         * @param value shortest interval between shard-map refreshes of one stream, 10 ms .. 10 min
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder shardMapMinRefreshInterval(Duration value) {
            values.set(Options.SHARD_MAP_MIN_REFRESH_INTERVAL, value);
            return this;
        }

        /**
         * @param value how strictly records of one key keep their added order: {@link Ordering#NONE},
         *     {@link Ordering#SHARD} (the default) or {@link Ordering#KEY_STRICT}
         * @return this builder
         */
        public Builder ordering(Ordering value) {
            values.set(Options.ORDERING, value);
            return this;
        }

        /**
         * @param value {@code true} for {@link Ordering#SHARD}, {@code false} for {@link Ordering#NONE}
         * @return this builder
         * @deprecated use {@link #ordering(Ordering)}
         */
        @Deprecated
        public Builder preserveShardOrder(boolean value) {
            return ordering(value ? Ordering.SHARD : Ordering.NONE);
        }

        /**
         * @param value whether throttled records fail at once with {@link RecordThrottledException} instead of being retried
         * @return this builder
         */
        public Builder failIfThrottled(boolean value) {
            values.set(Options.FAIL_IF_THROTTLED, value);
            return this;
        }

        /**
         * @param value whether each shard gets an adaptive rate limiter
         * @return this builder
         */
        public Builder shardRateLimiting(boolean value) {
            values.set(Options.SHARD_RATE_LIMITING, value);
            return this;
        }

        /**
         * @param value factor on the per-shard limits, 0.1 .. 10
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder shardRateLimitFactor(double value) {
            values.set(Options.SHARD_RATE_LIMIT_FACTOR, value);
            return this;
        }

        /**
         * @param value bound on outstanding records, 1 .. 100,000,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxOutstandingRecords(long value) {
            values.set(Options.MAX_OUTSTANDING_RECORDS, value);
            return this;
        }

        /**
         * @param value bound on outstanding bytes, 1 MiB .. 1 TiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxOutstandingBytes(long value) {
            values.set(Options.MAX_OUTSTANDING_BYTES, value);
            return this;
        }

        /**
         * @param value longest block of {@code addUserRecord} when the buffer is full, 0 (fail fast) .. 1 h
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder maxBlockTime(Duration value) {
            values.set(Options.MAX_BLOCK_TIME, value);
            return this;
        }

        /**
         * @param value whether small records are aggregated (KPL format)
         * @return this builder
         */
        public Builder aggregationEnabled(boolean value) {
            values.set(Options.AGGREGATION_ENABLED, value);
            return this;
        }

        /**
         * @param value largest aggregated record including its partition key, 64 B .. 1 MiB
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxSize(int value) {
            values.set(Options.AGGREGATION_MAX_SIZE, value);
            return this;
        }

        /**
         * @param value most user records per aggregate, 1 .. 1,000,000
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxCount(int value) {
            values.set(Options.AGGREGATION_MAX_COUNT, value);
            return this;
        }

        /**
         * @param value the largest user record (data plus partition key) that joins an aggregate, 1 B .. 1 MiB;
         *     larger ones are sent as their own Kinesis record
         * @return this builder
         * @throws IllegalArgumentException if out of range
         */
        public Builder aggregationMaxUserRecordSize(int value) {
            values.set(Options.AGGREGATION_MAX_USER_RECORD_SIZE, value);
            return this;
        }

        /**
         * @param value whether aggregates only hold records of one partition key, sent under that key
         * @return this builder
         */
        public Builder aggregationPreservesPartitionKeys(boolean value) {
            values.set(Options.AGGREGATION_PRESERVES_PARTITION_KEYS, value);
            return this;
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if {@code retryBackoffMax < retryBackoffBase}
         */
        public ProducerConfig build() {
            Options.checkBackoff(values);
            return new ProducerConfig(values.build());
        }
    }
}
