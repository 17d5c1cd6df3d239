package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.firehose.FirehosePutResult;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The one door from the public API into the engine: builds and starts the engine of a
 * {@code KinesisProducer} or a {@code FirehoseProducer}, behind the small interfaces below. Nothing
 * else of this package is public. Not API: its types may change in any release.
 */
public final class Engines {
    private Engines() {
    }

    /** What every producer asks of its engine besides adding records. Thread-safe. */
    public interface ProducerEngine {
        /** @return a future completed when every record added before the call has completed */
        CompletableFuture<Void> flush();

        /** @return a handle whose {@code close()} unregisters the observer */
        AutoCloseable addObserver(ProducerObserver observer);

        /** @return whether {@link #close} was called */
        boolean isClosed();

        /** @return the counters */
        ProducerStats stats();

        /** @return the final counters, after waiting up to {@code timeout} for outstanding records */
        ProducerStats close(Duration timeout);
    }

    /** The engine of a {@code KinesisProducer}. */
    public interface KinesisEngine extends ProducerEngine {
        /**
         * Validates, hashes and queues one record (caller's thread; never blocks on I/O).
         *
         * @param stream the stream's name or ARN
         * @param partitionKey the partition key
         * @param explicitHashKey the explicit hash key, or {@code null}
         * @param data the payload
         * @return the record's future
         */
        CompletableFuture<PutResult> add(String stream, String partitionKey, String explicitHashKey, byte[] data);
    }

    /** The engine of a {@code FirehoseProducer}. */
    public interface FirehoseEngine extends ProducerEngine {
        /**
         * Validates and queues one record for a delivery stream (caller's thread; never blocks on I/O).
         *
         * @param deliveryStream the delivery stream
         * @param data the payload
         * @return the record's future
         */
        CompletableFuture<FirehosePutResult> add(String deliveryStream, byte[] data);
    }

    /**
     * How to build a client when the user gave none.
     *
     * @param region region, or {@code null} for the default chain
     * @param endpointOverride endpoint, or {@code null}
     * @param credentialsProvider credentials, or {@code null} for the default chain
     */
    public record ClientSettings(Region region, URI endpointOverride, AwsCredentialsProvider credentialsProvider) {
        /** Sets what was given on an SDK client builder; leaves the rest to the SDK's default chains. */
        void applyTo(AwsClientBuilder<?, ?> b) {
            if (region != null) {
                b.region(region);
            }
            if (endpointOverride != null) {
                b.endpointOverride(endpointOverride);
            }
            if (credentialsProvider != null) {
                b.credentialsProvider(credentialsProvider);
            }
        }
    }

    /**
     * Builds and starts the engine of a Kinesis producer.
     *
     * @param client the user's client, or {@code null} to build one from {@code settings} (then closed with the engine)
     * @param settings used only when {@code client} is {@code null}
     * @param config the configuration
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     * @return the running engine
     */
    public static KinesisEngine kinesis(KinesisAsyncClient client, ClientSettings settings, ProducerConfig config,
                                        Executor callbackExecutor) {
        EngineConfig engineConfig = EngineConfig.of(config);
        KinesisDestination destination = new KinesisDestination(
                client != null ? client : KinesisDestination.buildClient(settings, engineConfig), client == null,
                config.requestTimeout());
        return Engine.start(new Engine(destination, client != null, engineConfig, callbackExecutor, EngineRuntime.SYSTEM));
    }

    /**
     * Builds and starts the engine of a Firehose producer.
     *
     * @param client the user's client, or {@code null} to build one from {@code settings} (then closed with the engine)
     * @param settings used only when {@code client} is {@code null}
     * @param config the configuration
     * @param packingMaxCount most user records joined into one Firehose record when packing
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     * @return the running engine
     */
    public static FirehoseEngine firehose(FirehoseAsyncClient client, ClientSettings settings, FirehoseProducerConfig config,
                                          int packingMaxCount, Executor callbackExecutor) {
        EngineConfig engineConfig = EngineConfig.of(config, packingMaxCount);
        FirehoseDestination destination = new FirehoseDestination(
                client != null ? client : FirehoseDestination.buildClient(settings, engineConfig), client == null);
        return Engine.start(new Engine(destination, client != null, engineConfig, callbackExecutor, EngineRuntime.SYSTEM));
    }
}
