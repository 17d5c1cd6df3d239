package io.shardwise.producer;

import io.shardwise.producer.internal.Engines;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * What every Shardwise producer offers besides adding records: flushing, observing, counters and
 * closing. The producers are {@link KinesisProducer} and
 * {@link io.shardwise.producer.firehose.FirehoseProducer}; this type is not meant to be extended
 * outside the library (its constructor takes the library's internal engine). It is not {@code sealed}
 * because its two subclasses live in different packages, which a sealed class outside a named
 * module does not allow.
 *
 * <p>Thread-safe: any number of threads may call these methods.
 */
public abstract class ShardwiseProducer implements AutoCloseable {
    private final Engines.ProducerEngine engine;
    private final Duration defaultCloseTimeout;

    /**
     * @param engine the engine the producer runs on
     * @param defaultCloseTimeout how long {@link #close()} waits for outstanding records
     */
    protected ShardwiseProducer(Engines.ProducerEngine engine, Duration defaultCloseTimeout) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.defaultCloseTimeout = Objects.requireNonNull(defaultCloseTimeout, "defaultCloseTimeout");
    }

    /**
     * Sends every buffered record now, without waiting for the linger time.
     *
     * @return a future completed when every record added before this call has been acknowledged
     *     or has failed (check the records' own futures for which)
     */
    public final CompletableFuture<Void> flush() {
        return engine.flush();
    }

    /** @return the records added and not yet completed */
    public final long outstandingRecords() {
        return engine.stats().outstandingRecords();
    }

    /**
     * Registers an observer of the pipeline (for metrics: see {@code shardwise-producer-metrics}).
     * Without observers nothing is called. For a Firehose producer the stream names it reports are
     * delivery stream names and shard ids are {@code null}.
     *
     * @param observer the observer; fast, thread-safe, never blocking or throwing
     * @return a handle whose {@code close()} unregisters it
     */
    public final AutoCloseable addObserver(ProducerObserver observer) {
        return engine.addObserver(observer);
    }

    /** @return a snapshot of this producer's counters */
    public final ProducerStats stats() {
        return engine.stats();
    }

    /** @return whether {@code close} was called (the producer then accepts no records) */
    public final boolean isClosed() {
        return engine.isClosed();
    }

    /**
     * Closes the producer, waiting up to {@code recordTtl + requestTimeout} for buffered records
     * (by then every record has been acknowledged or has expired). See {@link #close(Duration)}.
     */
    @Override
    public final void close() {
        close(defaultCloseTimeout);
    }

    /**
     * Stops accepting records, flushes, and waits up to {@code timeout} for outstanding records.
     * Whatever is still undelivered then fails with {@link ProducerClosedException}; no future is
     * left incomplete. Stops the producer's threads, and closes the AWS client if the producer
     * built it (a client passed to the builder is left open). Calling it again does nothing but
     * return the summary again.
     *
     * @param timeout how long to wait for outstanding records
     * @return the final summary: records added, delivered, failed by reason (also logged at INFO)
     */
    public final ProducerStats close(Duration timeout) {
        return engine.close(Objects.requireNonNull(timeout, "timeout"));
    }

    /**
     * The builder settings every producer shares: how to build its AWS client when none is given,
     * and where callbacks run. Not thread-safe.
     *
     * @param <B> the concrete builder, returned by every setter
     */
    public abstract static class ClientBuilder<B extends ClientBuilder<B>> {
        private Region region;
        private URI endpointOverride;
        private AwsCredentialsProvider credentialsProvider;
        private Executor callbackExecutor;

        /** For the library's producers. */
        protected ClientBuilder() {
        }

        /** @return this builder, typed as the concrete one */
        @SuppressWarnings("unchecked")
        protected final B self() {
            return (B) this;
        }

        /**
         * @param region region for a producer-built client (default: the SDK's region provider chain)
         * @return this builder
         */
        public B region(Region region) {
            this.region = region;
            return self();
        }

        /**
         * @param endpoint endpoint for a producer-built client, e.g. {@code http://localhost:4568} for kinesis-local
         * @return this builder
         */
        public B endpointOverride(URI endpoint) {
            this.endpointOverride = endpoint;
            return self();
        }

        /**
         * @param credentials credentials for a producer-built client (default: the SDK's default chain)
         * @return this builder
         */
        public B credentialsProvider(AwsCredentialsProvider credentials) {
            this.credentialsProvider = credentials;
            return self();
        }

        /**
         * Runs response handling and therefore the callbacks attached to record futures. Default:
         * a small pool of daemon threads owned (and shut down) by the producer. A caller's executor
         * is never shut down by the producer.
         *
         * @param executor the executor
         * @return this builder
         */
        public B callbackExecutor(Executor executor) {
            this.callbackExecutor = executor;
            return self();
        }

        /**
         * @param clientGiven whether the caller passed a client of its own
         * @param clientSetter the name of the builder method that passed it, for the message
         * @return the settings for a producer-built client
         * @throws IllegalArgumentException if client settings are given together with a client
         */
        protected final Engines.ClientSettings clientSettings(boolean clientGiven, String clientSetter) {
            if (clientGiven && (region != null || endpointOverride != null || credentialsProvider != null)) {
                throw new IllegalArgumentException("region, endpointOverride and credentialsProvider apply to a producer-built client;"
                        + " configure the " + clientSetter + " you pass instead");
            }
            return new Engines.ClientSettings(region, endpointOverride, credentialsProvider);
        }

        /** @return the executor set with {@link #callbackExecutor}, or {@code null} for the producer's own */
        protected final Executor callbackExecutor() {
            return callbackExecutor;
        }
    }
}
