package io.shardwise.producer.firehose;

import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.config.AbstractConfig;
import io.shardwise.producer.config.Option;
import io.shardwise.producer.config.OptionValues;
import io.shardwise.producer.config.Options;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
 * <p>Each option is declared once, in {@link Options}; the options shared with
 * {@link ProducerConfig} are the same declarations (see {@link Options#FIREHOSE}), so they validate,
 * default, print and bind to Spring Boot properties alike. Defaults and ranges: the README's Firehose
 * section, each setter's javadoc and {@link Options}. There are no shard, aggregation or per-shard rate
 * options here: a delivery stream has no shards. The class is a little over 300 lines only because each
 * option keeps a typed, documented accessor and setter.
 *
 * <p><b>Packing.</b> Firehose bills ingestion per record rounded up to the next 5 KB. With packing
 * on, consecutive user records are joined into one Firehose record, each followed by the delimiter
 * (a record that already ends with it is not given a second one), up to {@link #packingMaxSize()};
 * a user record is never split. A record containing the delimiter anywhere else is refused with
 * {@link RecordContainsDelimiterException}. Use it for destinations that treat the data as a byte
 * stream split on the delimiter (S3, and anything reading newline-delimited JSON from S3); not for
 * destinations that index each Firehose record as one document (OpenSearch, Splunk events).
 *
 * <p>Long because every option keeps a typed accessor and a typed builder setter with javadoc (what
 * users read in their IDE); each is one line over its single declaration in {@code config.Options}.
 */
public final class FirehoseProducerConfig extends AbstractConfig {
    /** 500: the PutRecordBatch limit of records per call. */
    public static final int MAX_RECORDS_PER_REQUEST = 500;
    /** 4 MiB: the PutRecordBatch limit of data per call. */
    public static final long MAX_REQUEST_SIZE = 4L * 1024 * 1024;
    /** 1,000 KiB: the Firehose limit of one record's data (before base64). */
    public static final int MAX_RECORD_SIZE = 1000 * 1024;
    /** Most user records packed into one Firehose record (a bound on memory, not a service limit). */
    static final int PACKING_MAX_COUNT = 1_000_000;

    private static final FirehoseProducerConfig DEFAULTS = new Builder().build();

    private FirehoseProducerConfig(OptionValues values) {
        super(values);
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

    /** @return the declared options of this configuration, in the order of {@link #toString()} */
    public static List<Option<?>> options() {
        return Options.FIREHOSE;
    }

    /** @return how long a record may wait for others to fill a request (linger) */
    public Duration recordMaxBufferedTime() {
        return values().get(Options.RECORD_MAX_BUFFERED_TIME);
    }

    /** @return most Firehose records per PutRecordBatch call */
    public int collectionMaxCount() {
        return values().get(Options.COLLECTION_MAX_COUNT);
    }

    /** @return most bytes of record data per PutRecordBatch call */
    public long collectionMaxSize() {
        return values().get(Options.FIREHOSE_COLLECTION_MAX_SIZE);
    }

    /** @return most PutRecordBatch calls in flight at once */
    public int maxInFlightRequests() {
        return values().get(Options.MAX_IN_FLIGHT_REQUESTS);
    }

    /** @return time limit of one PutRecordBatch call; a call that runs out is retried */
    public Duration requestTimeout() {
        return values().get(Options.REQUEST_TIMEOUT);
    }

    /** @return how long a record may take from add to acknowledgement before it fails with {@code RecordExpiredException} */
    public Duration recordTtl() {
        return values().get(Options.RECORD_TTL);
    }

    /** @return most attempts per record, or empty for unlimited (bounded by {@link #recordTtl()}) */
    public OptionalInt maxAttempts() {
        return attemptLimit();
    }

    /** @return the first retry's back-off ceiling (full jitter below it) */
    public Duration retryBackoffBase() {
        return values().get(Options.RETRY_BACKOFF_BASE);
    }

    /** @return the largest back-off ceiling */
    public Duration retryBackoffMax() {
        return values().get(Options.RETRY_BACKOFF_MAX);
    }

    /** @return most records added and not yet completed before {@code addRecord} blocks */
    public long maxOutstandingRecords() {
        return values().get(Options.MAX_OUTSTANDING_RECORDS);
    }

    /** @return most bytes added and not yet completed before {@code addRecord} blocks */
    public long maxOutstandingBytes() {
        return values().get(Options.MAX_OUTSTANDING_BYTES);
    }

    /** @return how long {@code addRecord} blocks at the outstanding bounds before {@code BufferFullException}; 0 fails fast */
    public Duration maxBlockTime() {
        return values().get(Options.MAX_BLOCK_TIME);
    }

    /** @return whether small user records are joined into one Firehose record with the delimiter */
    public boolean packingEnabled() {
        return values().get(Options.PACKING_ENABLED);
    }

    /** @return largest packed Firehose record, delimiters included */
    public int packingMaxSize() {
        return values().get(Options.PACKING_MAX_SIZE);
    }

    /** @return the bytes that end each user record in a packed Firehose record (a copy) */
    public byte[] packingDelimiter() {
        return values().get(Options.PACKING_DELIMITER);
    }

    /** Builder for {@link FirehoseProducerConfig}; not thread-safe. */
    public static final class Builder {
        private final OptionValues.Builder values;

        private Builder() {
            this.values = OptionValues.defaults(Options.FIREHOSE);
        }

        private Builder(FirehoseProducerConfig c) {
            this.values = c.values().toBuilder();
        }

        /**
         * Sets any option, validated by its declaration: for code that handles every option alike
         * (the Spring Boot binding); the typed setters below are the usual way.
         *
         * @param option one of {@link FirehoseProducerConfig#options()}
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
         */
        public Builder recordMaxBufferedTime(Duration value) {
            values.set(Options.RECORD_MAX_BUFFERED_TIME, value);
            return this;
        }

        /**
         * @param value Firehose records per PutRecordBatch call, 1 .. 500
         * @return this builder
         */
        public Builder collectionMaxCount(int value) {
            values.set(Options.COLLECTION_MAX_COUNT, value);
            return this;
        }

        /**
         * @param value bytes of record data per PutRecordBatch call, 1 KiB .. 4 MiB
         * @return this builder
         */
        public Builder collectionMaxSize(long value) {
            values.set(Options.FIREHOSE_COLLECTION_MAX_SIZE, value);
            return this;
        }

        /**
         * @param value concurrent PutRecordBatch calls, 1 .. 10,000
         * @return this builder
         */
        public Builder maxInFlightRequests(int value) {
            values.set(Options.MAX_IN_FLIGHT_REQUESTS, value);
            return this;
        }

        /**
         * @param value PutRecordBatch call timeout, 100 ms .. 10 min
         * @return this builder
         */
        public Builder requestTimeout(Duration value) {
            values.set(Options.REQUEST_TIMEOUT, value);
            return this;
        }

        /**
         * @param value record time to live, 100 ms .. 1 day
         * @return this builder
         */
        public Builder recordTtl(Duration value) {
            values.set(Options.RECORD_TTL, value);
            return this;
        }

        /**
         * @param value most attempts per record, 1 .. 1,000
         * @return this builder
         */
        public Builder maxAttempts(int value) {
            values.set(Options.MAX_ATTEMPTS, value);
            return this;
        }

        /**
         * Retries until {@link #recordTtl(Duration)} (the default).
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
         */
        public Builder retryBackoffBase(Duration value) {
            values.set(Options.RETRY_BACKOFF_BASE, value);
            return this;
        }

        /**
         * @param value largest back-off ceiling, up to 10 min (at least the base, checked at build)
         * @return this builder
         */
        public Builder retryBackoffMax(Duration value) {
            values.set(Options.RETRY_BACKOFF_MAX, value);
            return this;
        }

        /**
         * @param value outstanding records bound, 1 .. 100,000,000
         * @return this builder
         */
        public Builder maxOutstandingRecords(long value) {
            values.set(Options.MAX_OUTSTANDING_RECORDS, value);
            return this;
        }

        /**
         * @param value outstanding bytes bound, 1 MiB .. 1 TiB
         * @return this builder
         */
        public Builder maxOutstandingBytes(long value) {
            values.set(Options.MAX_OUTSTANDING_BYTES, value);
            return this;
        }

        /**
         * @param value how long {@code addRecord} may block at the bounds, 0 .. 1 h
         * @return this builder
         */
        public Builder maxBlockTime(Duration value) {
            values.set(Options.MAX_BLOCK_TIME, value);
            return this;
        }

        /**
         * @param value whether to join small user records into one Firehose record, each followed by the delimiter
         * @return this builder
         */
        public Builder packingEnabled(boolean value) {
            values.set(Options.PACKING_ENABLED, value);
            return this;
        }

        /**
         * @param value largest packed Firehose record, delimiters included, 1 KiB .. 1,000 KiB
         * @return this builder
         */
        public Builder packingMaxSize(int value) {
            values.set(Options.PACKING_MAX_SIZE, value);
            return this;
        }

        /**
         * @param value the bytes that end each user record when packing, 1 .. 16 bytes (copied)
         * @return this builder
         */
        public Builder packingDelimiter(byte[] value) {
            values.set(Options.PACKING_DELIMITER, value);
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
            Options.checkBackoff(values);
            return new FirehoseProducerConfig(values.build());
        }
    }
}
