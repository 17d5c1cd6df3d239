package io.shardwise.producer.firehose;

import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.InvalidUserRecordException;
import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.ShardwiseProducer;
import io.shardwise.producer.internal.Engines;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * A batching producer for Amazon Data Firehose delivery streams (Direct PUT).
 *
 * <pre>{@code
 * try (FirehoseProducer producer = FirehoseProducer.builder()
 *         .firehoseClient(client)                // or .region(...) / .endpointOverride(...)
 *         .deliveryStreamName("clicks")          // default delivery stream; records may name another
 *         .config(FirehoseProducerConfig.builder().packingEnabled(true).build())
 *         .build()) {
 *     producer.addRecord(jsonLine)
 *             .thenAccept(r -> log.debug("stored as {}", r.recordId()));
 * }
 * }</pre>
 *
 * <p>{@code addRecord} validates the record at once (throwing a subclass of
 * {@link InvalidUserRecordException}; nothing is enqueued then) and queues it. Records are packed
 * into PutRecordBatch calls of at most 500 records and 4 MiB, sent when full or when the oldest has
 * waited {@link FirehoseProducerConfig#recordMaxBufferedTime()}. Entries the service reports failed
 * ({@code ServiceUnavailableException}, {@code InternalFailure}) are retried alone, with exponential
 * back-off and full jitter, until they succeed or their {@link FirehoseProducerConfig#recordTtl()}
 * (or {@code maxAttempts}) is spent; a failed call is retried whole. Errors retrying cannot fix fail
 * the records at once: {@code ResourceNotFoundException} with {@link io.shardwise.producer.StreamNotFoundException},
 * {@code InvalidArgumentException} and {@code InvalidKMSResourceException} with
 * {@link io.shardwise.producer.RecordRejectedException}. Every returned future completes: with a
 * {@link FirehosePutResult}, or with a {@link RecordFailedException} listing every attempt. Delivery
 * is at-least-once: a call that timed out may have been written, and its retry writes the records again.
 *
 * <p>Thread-safe: any number of threads may add records. Callbacks attached to the returned futures
 * run on the callback executor, never on the SDK's I/O threads. Flushing, observing, counters and
 * closing: see {@link ShardwiseProducer}.
 */
public final class FirehoseProducer extends ShardwiseProducer {
    private final String defaultDeliveryStream;
    private final FirehoseProducerConfig config;

    private final Engines.FirehoseEngine engine;

    private FirehoseProducer(Builder b, Engines.FirehoseEngine engine) {
        super(engine, b.config.recordTtl().plus(b.config.requestTimeout()));
        this.engine = engine;
        this.config = b.config;
        this.defaultDeliveryStream = b.deliveryStreamName;
    }

    /** @return a builder for a producer */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a record for the producer's default delivery stream.
     *
     * @param data the payload, at most 1,000 KiB (not copied: do not modify it afterwards)
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit, or no default delivery stream was set
     * @throws RecordContainsDelimiterException with packing on, if the data contains the delimiter other than at its end
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link FirehoseProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<FirehosePutResult> addRecord(byte[] data) {
        return engine.add(defaultDeliveryStream, data);
    }

    /**
     * Adds a record for the given delivery stream.
     *
     * @param deliveryStreamName the target delivery stream
     * @param data the payload, at most 1,000 KiB (not copied: do not modify it afterwards)
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit
     * @throws RecordContainsDelimiterException with packing on, if the data contains the delimiter other than at its end
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link FirehoseProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<FirehosePutResult> addRecord(String deliveryStreamName, byte[] data) {
        return engine.add(deliveryStreamName, data);
    }

    /** @return the configuration this producer runs with */
    public FirehoseProducerConfig config() {
        return config;
    }

    /** Builder for {@link FirehoseProducer}; not thread-safe. */
    public static final class Builder extends ShardwiseProducer.ClientBuilder<Builder> {
        private FirehoseAsyncClient firehoseClient;
        private String deliveryStreamName;
        private FirehoseProducerConfig config = FirehoseProducerConfig.defaults();

        private Builder() {
        }

        /**
         * Uses this client for every call. The producer never closes it. Without one, the producer
         * builds a Netty-based client (region and credentials from the default provider chains, or
         * {@link #region}, {@link #endpointOverride} and {@link #credentialsProvider} if set) with
         * the SDK's own retries off (the producer retries), and closes it on close.
         *
         * @param client the client to use
         * @return this builder
         */
        public Builder firehoseClient(FirehoseAsyncClient client) {
            this.firehoseClient = client;
            return this;
        }

        /**
         * @param deliveryStreamName the delivery stream for records that name none
         * @return this builder
         */
        public Builder deliveryStreamName(String deliveryStreamName) {
            this.deliveryStreamName = deliveryStreamName;
            return this;
        }

        /**
         * @param config the tuning; default {@link FirehoseProducerConfig#defaults()}
         * @return this builder
         */
        public Builder config(FirehoseProducerConfig config) {
            this.config = Objects.requireNonNull(config, "config");
            return this;
        }

        /**
         * @return a running producer
         * @throws IllegalArgumentException if the delivery stream name is empty, or client settings
         *     are given together with a client
         */
        public FirehoseProducer build() {
            if (deliveryStreamName != null && deliveryStreamName.isEmpty()) {
                throw new IllegalArgumentException("deliveryStreamName must not be empty");
            }
            return new FirehoseProducer(this, Engines.firehose(firehoseClient, clientSettings(firehoseClient != null, "firehoseClient"), config,
                    FirehoseProducerConfig.PACKING_MAX_COUNT, callbackExecutor()));
        }
    }
}
