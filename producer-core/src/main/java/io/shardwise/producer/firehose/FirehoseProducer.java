package io.shardwise.producer.firehose;

import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.InvalidUserRecordException;
import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.internal.Pipeline;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
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
 * run on the callback executor, never on the SDK's I/O threads.
 */
public final class FirehoseProducer implements AutoCloseable {
    private final Pipeline pipeline;
    private final String defaultDeliveryStream;
    private final FirehoseProducerConfig config;

    private FirehoseProducer(Builder b) {
        this.config = b.config;
        this.defaultDeliveryStream = b.deliveryStreamName;
        Pipeline.ClientSettings settings = new Pipeline.ClientSettings(b.region, b.endpointOverride, b.credentialsProvider);
        Pipeline.Packing packing = config.packingEnabled()
                ? new Pipeline.Packing(config.packingMaxSize(), FirehoseProducerConfig.PACKING_MAX_COUNT, config.packingDelimiter())
                : null;
        this.pipeline = Pipeline.forFirehose(b.firehoseClient, settings, config.engineConfig(), packing, b.callbackExecutor);
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
        return pipeline.addToDeliveryStream(defaultDeliveryStream, data);
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
        return pipeline.addToDeliveryStream(deliveryStreamName, data);
    }

    /**
     * Sends every buffered record now, without waiting for the linger time.
     *
     * @return a future completed when every record added before this call has been acknowledged
     *     or has failed (check the records' own futures for which)
     */
    public CompletableFuture<Void> flush() {
        return pipeline.flush();
    }

    /** @return the records added and not yet completed */
    public long outstandingRecords() {
        return pipeline.stats().outstandingRecords();
    }

    /**
     * Registers an observer of the pipeline (requests and record completions; the stream names it
     * reports are delivery stream names, shard ids are {@code null}). Without observers nothing is called.
     *
     * @param observer the observer; fast, thread-safe, never blocking or throwing
     * @return a handle whose {@code close()} unregisters it
     */
    public AutoCloseable addObserver(ProducerObserver observer) {
        return pipeline.addObserver(observer);
    }

    /** @return a snapshot of this producer's counters */
    public ProducerStats stats() {
        return pipeline.stats();
    }

    /** @return whether {@code close} was called (the producer then accepts no records) */
    public boolean isClosed() {
        return pipeline.isClosed();
    }

    /** @return the configuration this producer runs with */
    public FirehoseProducerConfig config() {
        return config;
    }

    /**
     * Closes the producer, waiting up to {@code recordTtl + requestTimeout} for buffered records.
     * See {@link #close(Duration)}.
     */
    @Override
    public void close() {
        close(config.recordTtl().plus(config.requestTimeout()));
    }

    /**
     * Stops accepting records, flushes, and waits up to {@code timeout} for outstanding records.
     * Whatever is still undelivered then fails with {@link ProducerClosedException}; no future is
     * left incomplete. Stops the producer's threads, and closes the Firehose client if the producer
     * built it (a client passed to the builder is left open). Calling it again only returns the summary again.
     *
     * @param timeout how long to wait for outstanding records
     * @return the final summary: records added, delivered, failed by reason (also logged at INFO)
     */
    public ProducerStats close(Duration timeout) {
        return pipeline.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Builder for {@link FirehoseProducer}; not thread-safe. */
    public static final class Builder {
        private FirehoseAsyncClient firehoseClient;
        private Region region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentialsProvider;
        private String deliveryStreamName;
        private FirehoseProducerConfig config = FirehoseProducerConfig.defaults();
        private Executor callbackExecutor;

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
         * @param region region for a producer-built client (default: the SDK's region provider chain)
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = region;
            return this;
        }

        /**
         * @param endpoint endpoint for a producer-built client
         * @return this builder
         */
        public Builder endpointOverride(URI endpoint) {
            this.endpointOverride = endpoint;
            return this;
        }

        /**
         * @param credentials credentials for a producer-built client (default: the SDK's default chain)
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider credentials) {
            this.credentialsProvider = credentials;
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
         * Runs response handling and therefore the callbacks attached to record futures. Default:
         * a small pool of daemon threads owned (and shut down) by the producer. A caller's executor
         * is never shut down by the producer.
         *
         * @param executor the executor
         * @return this builder
         */
        public Builder callbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
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
            if (firehoseClient != null && (region != null || endpointOverride != null || credentialsProvider != null)) {
                throw new IllegalArgumentException("region, endpointOverride and credentialsProvider apply to a producer-built client;"
                        + " configure the firehoseClient you pass instead");
            }
            return new FirehoseProducer(this);
        }
    }
}
