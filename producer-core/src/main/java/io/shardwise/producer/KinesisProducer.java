package io.shardwise.producer;

import io.shardwise.producer.internal.Engines;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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
 * futures run on the callback executor (see {@link ShardwiseProducer.ClientBuilder#callbackExecutor(Executor)}),
 * never on the SDK's I/O threads. Flushing, observing, counters and closing: see {@link ShardwiseProducer}.
 */
public final class KinesisProducer extends ShardwiseProducer {
    private final String defaultStream;
    private final ProducerConfig config;
    private final Engines.KinesisEngine engine;

    private KinesisProducer(Builder b, Engines.KinesisEngine engine) {
        super(engine, b.config.recordTtl().plus(b.config.requestTimeout()));
        this.engine = engine;
        this.config = b.config;
        this.defaultStream = b.streamName;
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
        return engine.add(defaultStream, partitionKey, null, data);
    }

    /**
     * Adds a record for the given stream.
     *
     * @param streamName the target stream: its name, or its ARN
     *     ({@code arn:aws:kinesis:<region>:<account-id>:stream/<name>}: every call for it then sends
     *     {@code StreamARN}, which also reaches another account's stream through its resource policy)
     * @param partitionKey 1..256 characters; its MD5 picks the shard
     * @param data the payload (not copied: do not modify it afterwards)
     * @return a future completed when the record is acknowledged or has failed
     * @throws InvalidUserRecordException if the record breaks a limit
     * @throws BufferFullException if the outstanding-records bounds stay reached for {@link ProducerConfig#maxBlockTime()}
     * @throws ProducerClosedException if the producer was closed
     */
    public CompletableFuture<PutResult> addUserRecord(String streamName, String partitionKey, byte[] data) {
        return engine.add(streamName, partitionKey, null, data);
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
        return engine.add(record.streamName().orElse(defaultStream), record.partitionKey(),
                record.explicitHashKey().orElse(null), record.data());
    }

    /** @return the configuration this producer runs with */
    public ProducerConfig config() {
        return config;
    }

    /** Builder for {@link KinesisProducer}; not thread-safe. */
    public static final class Builder extends ShardwiseProducer.ClientBuilder<Builder> {
        private KinesisAsyncClient kinesisClient;
        private String streamName;
        private ProducerConfig config = ProducerConfig.defaults();

        private Builder() {
        }

        /**
         * Uses this client for every call. The producer never closes it. Without one, the producer
         * builds a Netty-based client (region and credentials from the default provider chains, or
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
         * @param streamName the stream for records that name none: its name, or its ARN
         *     ({@code arn:aws:kinesis:<region>:<account-id>:stream/<name>}; see {@link #streamArn})
         * @return this builder
         */
        public Builder streamName(String streamName) {
            this.streamName = streamName;
            return this;
        }

        /**
         * The stream for records that name none, by ARN: every Kinesis call for it (PutRecords,
         * ListShards, DescribeStreamSummary) sends {@code StreamARN}, as the API reference recommends;
         * with a resource-based policy on the stream, that writes to another account's stream.
         * Logs and errors name it as {@code stream 'name' (arn)}.
         *
         * @param streamArn {@code arn:<partition>:kinesis:<region>:<account-id>:stream/<name>}
         * @return this builder
         * @throws IllegalArgumentException if it is not a Kinesis stream ARN
         */
        public Builder streamArn(String streamArn) {
            if (streamArn == null || !streamArn.matches("arn:[^:]+:kinesis:[^:]+:[0-9]{12}:stream/[a-zA-Z0-9_.-]{1,128}")) {
                throw new IllegalArgumentException("streamArn must read arn:<partition>:kinesis:<region>:<account-id>:stream/<name>,"
                        + " was '" + streamArn + "'");
            }
            this.streamName = streamArn;
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
         * @return a running producer
         * @throws IllegalArgumentException if the stream name is empty, or client settings are given
         *     together with a client
         */
        public KinesisProducer build() {
            if (streamName != null && streamName.isEmpty()) {
                throw new IllegalArgumentException("streamName must not be empty");
            }
            return new KinesisProducer(this, Engines.kinesis(kinesisClient, clientSettings(kinesisClient != null, "kinesisClient"), config,
                    callbackExecutor()));
        }
    }
}
