package io.shardwise.producer.firehose;

import io.shardwise.producer.ProducerConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * Immutable tuning of a {@link FirehoseProducer}. Build one with {@link #builder()}, start from the
 * defaults with {@link #defaults()}, or change one with {@link #toBuilder()}. Every setter rejects
 * an out-of-range value at once with an {@link IllegalArgumentException} naming the field and the
 * allowed range. The options shared with {@link ProducerConfig} mean the same and have the same
 * defaults; Firehose's own limits (PutRecordBatch: 500 records, 4 MiB, 1,000 KiB per record) bound
 * the batch options.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th><th>range</th></tr>
 *   <tr><td>{@link #recordMaxBufferedTime()}</td><td>100 ms</td><td>0 .. 1 min</td></tr>
 *   <tr><td>{@link #collectionMaxCount()}</td><td>500</td><td>1 .. 500</td></tr>
 *   <tr><td>{@link #collectionMaxSize()}</td><td>4 MiB</td><td>1 KiB .. 4 MiB</td></tr>
 *   <tr><td>{@link #maxInFlightRequests()}</td><td>32</td><td>1 .. 10,000</td></tr>
 *   <tr><td>{@link #requestTimeout()}</td><td>6 s</td><td>100 ms .. 10 min</td></tr>
 *   <tr><td>{@link #recordTtl()}</td><td>30 s</td><td>100 ms .. 1 day</td></tr>
 *   <tr><td>{@link #maxAttempts()}</td><td>unlimited (TTL bounds it)</td><td>1 .. 1,000</td></tr>
 *   <tr><td>{@link #retryBackoffBase()}</td><td>100 ms</td><td>1 ms .. 1 min</td></tr>
 *   <tr><td>{@link #retryBackoffMax()}</td><td>5 s</td><td>&gt;= base, &lt;= 10 min</td></tr>
 *   <tr><td>{@link #maxOutstandingRecords()}</td><td>200,000</td><td>1 .. 100,000,000</td></tr>
 *   <tr><td>{@link #maxOutstandingBytes()}</td><td>1/8 of the max heap, at least 16 MiB</td><td>1 MiB .. 1 TiB</td></tr>
 *   <tr><td>{@link #maxBlockTime()}</td><td>10 s</td><td>0 (fail fast) .. 1 h</td></tr>
 *   <tr><td>{@link #packingEnabled()}</td><td>false</td><td></td></tr>
 *   <tr><td>{@link #packingMaxSize()}</td><td>1,000 KiB (1,024,000 B)</td><td>1 KiB .. 1,000 KiB</td></tr>
 *   <tr><td>{@link #packingDelimiter()}</td><td>{@code "\n"}</td><td>1 .. 16 bytes</td></tr>
 * </table>
 *
 * <p><b>Packing.</b> Firehose bills ingestion per record rounded up to the next 5 KB. With packing
 * on, consecutive user records are joined into one Firehose record, each followed by the delimiter
 * (a record that already ends with it is not given a second one), up to {@link #packingMaxSize()};
 * a user record is never split. A record containing the delimiter anywhere else is refused with
 * {@link RecordContainsDelimiterException}. Use it for destinations that treat the data as a byte
 * stream split on the delimiter (S3, and anything reading newline-delimited JSON from S3); not for
 * destinations that index each Firehose record as one document (OpenSearch, Splunk events).
 */
public final class FirehoseProducerConfig {
    /** 500: the PutRecordBatch limit of records per call. */
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    /** 4 MiB: the PutRecordBatch limit of data per call. */
    public static final long MAX_REQUEST_SIZE = 4L * 1024 * 1024;
    /** 1,000 KiB: the Firehose limit of one record's data (before base64). */
    public static final int MAX_RECORD_SIZE = 1000 * 1024;
    /** Most user records packed into one Firehose record (a bound on memory, not a service limit). */
    static final int PACKING_MAX_COUNT = 1_000_000;

    private static final FirehoseProducerConfig DEFAULTS = new Builder().build();

    private final ProducerConfig engine;
    private final boolean packingEnabled;
    private final int packingMaxSize;
    private final byte[] packingDelimiter;

    private FirehoseProducerConfig(Builder b) {
        this.engine = b.engine.build();
        this.packingEnabled = b.packingEnabled;
        this.packingMaxSize = b.packingMaxSize;
        this.packingDelimiter = b.packingDelimiter.clone();
    }

    /** @return a builder starting from the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the default configuration */
    public static FirehoseProducerConfig defaults() {
        return DEFAULTS;
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The engine's settings: Kinesis-only options (shards, aggregation) are off. */
    ProducerConfig engineConfig() {
        return engine;
    }

    /** @return how long a record may wait for others to fill a request (linger) */
    public Duration recordMaxBufferedTime() {
        return engine.recordMaxBufferedTime();
    }

    /** @return most Firehose records per PutRecordBatch call */
    public int collectionMaxCount() {
        return engine.collectionMaxCount();
    }

    /** @return most bytes of record data per PutRecordBatch call */
    public long collectionMaxSize() {
        return engine.collectionMaxSize();
    }

    /** @return most PutRecordBatch calls in flight at once */
    public int maxInFlightRequests() {
        return engine.maxInFlightRequests();
    }

    /** @return time limit of one PutRecordBatch call; a call that runs out is retried */
    public Duration requestTimeout() {
        return engine.requestTimeout();
    }

    /** @return how long a record may take from add to acknowledgement before it fails with {@code RecordExpiredException} */
    public Duration recordTtl() {
        return engine.recordTtl();
    }

    /** @return most attempts per record, or empty for unlimited (bounded by {@link #recordTtl()}) */
    public OptionalInt maxAttempts() {
        return engine.maxAttempts();
    }

    /** @return the first retry's back-off ceiling (full jitter below it) */
    public Duration retryBackoffBase() {
        return engine.retryBackoffBase();
    }

    /** @return the largest back-off ceiling */
    public Duration retryBackoffMax() {
        return engine.retryBackoffMax();
    }

    /** @return most records added and not yet completed before {@code addRecord} blocks */
    public long maxOutstandingRecords() {
        return engine.maxOutstandingRecords();
    }

    /** @return most bytes added and not yet completed before {@code addRecord} blocks */
    public long maxOutstandingBytes() {
        return engine.maxOutstandingBytes();
    }

    /** @return how long {@code addRecord} blocks at the outstanding bounds before {@code BufferFullException}; 0 fails fast */
    public Duration maxBlockTime() {
        return engine.maxBlockTime();
    }

    /** @return whether small user records are joined into one Firehose record with the delimiter */
    public boolean packingEnabled() {
        return packingEnabled;
    }

    /** @return largest packed Firehose record, delimiters included */
    public int packingMaxSize() {
        return packingMaxSize;
    }

    /** @return the bytes that end each user record in a packed Firehose record (a copy) */
    public byte[] packingDelimiter() {
        return packingDelimiter.clone();
    }

    @Override
    public String toString() {
        return "FirehoseProducerConfig{recordMaxBufferedTime=" + recordMaxBufferedTime() + ", collectionMaxCount="
                + collectionMaxCount() + ", collectionMaxSize=" + collectionMaxSize() + ", maxInFlightRequests="
                + maxInFlightRequests() + ", requestTimeout=" + requestTimeout() + ", recordTtl=" + recordTtl()
                + ", maxAttempts=" + (maxAttempts().isPresent() ? maxAttempts().getAsInt() : "unlimited")
                + ", retryBackoff=" + retryBackoffBase() + ".." + retryBackoffMax() + ", maxOutstandingRecords="
                + maxOutstandingRecords() + ", maxOutstandingBytes=" + maxOutstandingBytes() + ", maxBlockTime="
                + maxBlockTime() + ", packingEnabled=" + packingEnabled + ", packingMaxSize=" + packingMaxSize
                + ", packingDelimiter=" + Arrays.toString(packingDelimiter) + "}";
    }

    /** Builder for {@link FirehoseProducerConfig}; not thread-safe. */
    public static final class Builder {
        private final ProducerConfig.Builder engine;
        private boolean packingEnabled;
        private int packingMaxSize = MAX_RECORD_SIZE;
        private byte[] packingDelimiter = {'\n'};

        private Builder() {
            this.engine = ProducerConfig.builder()
                    .collectionMaxSize(MAX_REQUEST_SIZE)
                    .maxRecordSize(MAX_RECORD_SIZE)
                    // No shards: no shard order, no per-shard limiter, no KPL aggregation.
                    .preserveShardOrder(false)
                    .shardRateLimiting(false)
                    .aggregationEnabled(false);
        }

        private Builder(FirehoseProducerConfig c) {
            this.engine = c.engine.toBuilder();
            this.packingEnabled = c.packingEnabled;
            this.packingMaxSize = c.packingMaxSize;
            this.packingDelimiter = c.packingDelimiter.clone();
        }

        /**
         * @param value linger time, 0 .. 1 min
         * @return this builder
         */
        public Builder recordMaxBufferedTime(Duration value) {
            engine.recordMaxBufferedTime(value);
            return this;
        }

        /**
         * @param value Firehose records per PutRecordBatch call, 1 .. 500
         * @return this builder
         */
        public Builder collectionMaxCount(int value) {
            engine.collectionMaxCount(value);
            return this;
        }

        /**
         * @param value bytes of record data per PutRecordBatch call, 1 KiB .. 4 MiB
         * @return this builder
         */
        public Builder collectionMaxSize(long value) {
            checkRange("collectionMaxSize", value, 1024, MAX_REQUEST_SIZE);
            engine.collectionMaxSize(value);
            return this;
        }

        /**
         * @param value concurrent PutRecordBatch calls, 1 .. 10,000
         * @return this builder
         */
        public Builder maxInFlightRequests(int value) {
            engine.maxInFlightRequests(value);
            return this;
        }

        /**
         * @param value PutRecordBatch call timeout, 100 ms .. 10 min
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            engine.requestTimeout(value);
            return this;
        }

        /**
         * @param value record time to live, 100 ms .. 1 day
         * @return this builder
         */
        public Builder recordTtl(Duration value) {
            engine.recordTtl(value);
            return this;
        }

        /**
         * @param value most attempts per record, 1 .. 1,000
         * @return this builder
         */
        public Builder maxAttempts(int value) {
            engine.maxAttempts(value);
            return this;
        }

        /**
         * Retries until {@link #recordTtl(Duration)} (the default).
         *
         * @return this builder
         */
        public Builder unlimitedAttempts() {
            engine.unlimitedAttempts();
            return this;
        }

        /**
         * @param value first back-off ceiling, 1 ms .. 1 min
         * @return this builder
         */
        public Builder retryBackoffBase(Duration value) {
            engine.retryBackoffBase(value);
            return this;
        }

        /**
         * @param value largest back-off ceiling, up to 10 min (at least the base, checked at build)
         * @return this builder
         */
        public Builder retryBackoffMax(Duration value) {
            engine.retryBackoffMax(value);
            return this;
        }

        /**
         * @param value outstanding records bound, 1 .. 100,000,000
         * @return this builder
         */
        public Builder maxOutstandingRecords(long value) {
            engine.maxOutstandingRecords(value);
            return this;
        }

        /**
         * @param value outstanding bytes bound, 1 MiB .. 1 TiB
         * @return this builder
         */
        public Builder maxOutstandingBytes(long value) {
            engine.maxOutstandingBytes(value);
            return this;
        }

        /**
         * @param value how long {@code addRecord} may block at the bounds, 0 .. 1 h
         * @return this builder
         */
        public Builder maxBlockTime(Duration value) {
            engine.maxBlockTime(value);
            return this;
        }

        /**
         * @param value whether to join small user records into one Firehose record, each followed by the delimiter
         * @return this builder
         */
        public Builder packingEnabled(boolean value) {
            this.packingEnabled = value;
            return this;
        }

        /**
         * @param value largest packed Firehose record, delimiters included, 1 KiB .. 1,000 KiB
         * @return this builder
         */
        public Builder packingMaxSize(int value) {
            this.packingMaxSize = (int) checkRange("packingMaxSize", value, 1024, MAX_RECORD_SIZE);
            return this;
        }

        /**
         * @param value the bytes that end each user record when packing, 1 .. 16 bytes (copied)
         * @return this builder
         */
        public Builder packingDelimiter(byte[] value) {
            Objects.requireNonNull(value, "packingDelimiter");
            checkRange("packingDelimiter length", value.length, 1, 16);
            this.packingDelimiter = value.clone();
            return this;
        }

        /**
         * @param value the delimiter as text, written in UTF-8 (e.g. {@code "\n"} or {@code "\r\n"}), 1 .. 16 bytes
         * @return this builder
         */
        public Builder packingDelimiter(String value) {
            Objects.requireNonNull(value, "packingDelimiter");
            return packingDelimiter(value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * @return the configuration
         * @throws IllegalArgumentException if {@code retryBackoffMax < retryBackoffBase}
         */
        public FirehoseProducerConfig build() {
            return new FirehoseProducerConfig(this);
        }

        private static long checkRange(String field, long value, long min, long max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(field + " must be between " + min + " and " + max + ", was " + value);
            }
            return value;
        }
    }
}
