package io.shardwise.producer;

import io.shardwise.producer.internal.Pipeline;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A shard-aware, batching producer for Kinesis data streams.
 *
 * <pre>{@code
 * try (KinesisProducer producer = KinesisProducer.builder()
 *         .kinesisClient(client)          // or .region(...) / .endpointOverride(...)
 *         .streamName("orders")           // default stream; records may name another
 *         .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(50)).build())
 *         .build()) {
 *     producer.addUserRecord("customer-42", bytes)
 *             .thenAccept(r -> log.info("stored in {} as {}", r.shardId(), r.sequenceNumber()));
 * }
 * }</pre>
 *
 * <p>{@code addUserRecord} validates the record at once (throwing a subclass of
 * {@link InvalidUserRecordException}; nothing is enqueued then), predicts its shard from the
 * stream's cached shard map, and queues it. Records are packed into PutRecords requests of at most
 * 500 entries and 5 MiB, sent when full or when the oldest has waited
 * {@link ProducerConfig#recordMaxBufferedTime()}. Every returned future completes: with a
 * {@link PutResult} (shard id, sequence number, attempts), or with a {@link RecordFailedException}
 * saying why, listing every attempt. Delivery is at-least-once: a request that timed out may have
 * been written, and its retry then writes the records again.
 *
 * <p>Thread-safe: any number of threads may add records. Callbacks attached to the returned
 * futures run on the callback executor (see {@link Builder#callbackExecutor(Executor)}), never on
 * the SDK's I/O threads.
 */
public final class KinesisProducer implements AutoCloseable {
    private final Pipeline pipeline;
    private final String defaultStream;
    private final ProducerConfig config;

    private KinesisProducer(Builder b) {
        this.config = b.config;
        this.defaultStream = b.streamName;
        Pipeline.ClientSettings settings = new Pipeline.ClientSettings(b.region, b.endpointOverride, b.credentialsProvider);
        this.pipeline = new Pipeline(b.kinesisClient, settings, b.config, b.callbackExecutor);
    }

    /** @return a builder for a producer */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds a record for the producer's default stream.
     *
     * @param partitionKey 1..256 characters; its MD5 picks the shard
     * @param data the payload (not copied: do not modify it afterwards)
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit, or no default stream was set
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link ProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<PutResult> addUserRecord(String partitionKey, byte[] data) {
        return pipeline.add(defaultStream, partitionKey, null, data);
    }

    /**
     * Adds a record for the given stream.
     *
     * @param streamName the target stream
     * @param partitionKey 1..256 characters; its MD5 picks the shard
     * @param data the payload (not copied: do not modify it afterwards)
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link ProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<PutResult> addUserRecord(String streamName, String partitionKey, byte[] data) {
        return pipeline.add(streamName, partitionKey, null, data);
    }

    /**
     * Adds a record, with an optional stream (else the default) and explicit hash key.
     *
     * @param record the record
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link ProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<PutResult> addUserRecord(UserRecord record) {
        Objects.requireNonNull(record, "record");
        return pipeline.add(record.streamName().orElse(defaultStream), record.partitionKey(),
                record.explicitHashKey().orElse(null), record.data());
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
     * Registers an observer of the pipeline (for metrics: see {@code shardwise-producer-metrics}).
     * Without observers nothing is called.
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
    public ProducerConfig config() {
        return config;
    }

    /**
     * Closes the producer, waiting up to {@code recordTtl + requestTimeout} for buffered records
     * (by then every record has been acknowledged or has expired). See {@link #close(Duration)}.
     */
    @Override
    public void close() {
        close(config.recordTtl().plus(config.requestTimeout()));
    }

    /**
     * Stops accepting records, flushes, and waits up to {@code timeout} for outstanding records.
     * Whatever is still undelivered then fails with {@link ProducerClosedException}; no future is
     * left incomplete. Stops the producer's threads, and closes the Kinesis client if the producer
     * built it (a client passed to the builder is left open). Calling it again does nothing but
     * return the summary again.
     *
     * @param timeout how long to wait for outstanding records
     * @return the final summary: records added, delivered, failed by reason (also logged at INFO)
     */
    public ProducerStats close(Duration timeout) {
        return pipeline.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /** Builder for {@link KinesisProducer}; not thread-safe. */
    public static final class Builder {
        private KinesisAsyncClient kinesisClient;
        private Region region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentialsProvider;
        private String streamName;
        private ProducerConfig config = ProducerConfig.defaults();
        private Executor callbackExecutor;

        private Builder() {
        }

        /**
         * Uses this client for every call. The producer never closes it. Without one, the producer
         * builds a Netty-based client (region and credentials from the default provider chains,
         * {@link #region}, {@link #endpointOverride} and {@link #credentialsProvider} if set), with
         * the SDK's own retries off (the producer retries), and closes it on close.
         *
         * @param client the client to use
         * @return this builder
         */
        public Builder kinesisClient(KinesisAsyncClient client) {
            this.kinesisClient = client;
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
         * @param endpoint endpoint for a producer-built client, e.g. {@code http://localhost:4568} for kinesis-local
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
         * @param streamName the stream for records that name none
         * @return this builder
         */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * @param config the tuning; default {@link ProducerConfig#defaults()}
         * @return this builder
         */
        public Builder config(ProducerConfig config) {
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
         * @throws IllegalArgumentException if the stream name is empty
         */
        public KinesisProducer build() {
            if (streamName != null && streamName.isEmpty()) {
                throw new IllegalArgumentException("streamName must not be empty");
            }
            if (kinesisClient != null && (region != null || endpointOverride != null || credentialsProvider != null)) {
                throw new IllegalArgumentException("region, endpointOverride and credentialsProvider apply to a producer-built client;"
                        + " configure the kinesisClient you pass instead");
            }
            return new KinesisProducer(this);
        }
    }
}
