package io.shardwise.producer.spring;

import java.net.URI;
import java.time.Duration;

/**
 * The properties the Kinesis and the Firehose producer share that are not configuration options:
 * client settings, the shutdown timeout and the health threshold. The configuration options
 * ({@code record-ttl}, {@code collection-max-count} ...) are not fields here: each is declared once
 * in {@code io.shardwise.producer.config.Options} and bound from the same prefix by the
 * auto-configurations, which also describe them in the configuration metadata. Bound under
 * {@code shardwise.producer} by {@link ShardwiseProducerProperties} and under
 * {@code shardwise.firehose} by {@link ShardwiseFirehoseProperties}.
 */
public abstract class AbstractProducerProperties {
    /** AWS region for the producer-built client (default: the SDK's region provider chain). Ignored when the application has a client bean for the producer's service (KinesisAsyncClient, FirehoseAsyncClient). */
    private String region;
    /** Endpoint override for the producer-built client, e.g. http://localhost:4568 for kinesis-local or http://localhost:4566 for LocalStack. Ignored when the application has a client bean for the producer's service. */
    private URI endpoint;
    /** How long closing the application context waits for buffered records before failing them. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    /** The health indicator reports DOWN when the oldest outstanding record is older than this. */
    private Duration healthMaxOldestRecordAge = Duration.ofMinutes(1);

    /** Only the two properties classes of this package extend it. */
    AbstractProducerProperties() {
    }

    /** @return the region property */
    public String getRegion() {
        return region;
    }

    /** @param region the region property */
    public void setRegion(String region) {
        this.region = region;
    }

    /** @return the endpoint property */
    public URI getEndpoint() {
        return endpoint;
    }

    /** @param endpoint the endpoint property */
    public void setEndpoint(URI endpoint) {
        this.endpoint = endpoint;
    }

    /** @return the shutdownTimeout property */
    public Duration getShutdownTimeout() {
        return shutdownTimeout;
    }

    /** @param shutdownTimeout the shutdownTimeout property */
    public void setShutdownTimeout(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** @return the healthMaxOldestRecordAge property */
    public Duration getHealthMaxOldestRecordAge() {
        return healthMaxOldestRecordAge;
    }

    /** @param healthMaxOldestRecordAge the healthMaxOldestRecordAge property */
    public void setHealthMaxOldestRecordAge(Duration healthMaxOldestRecordAge) {
        this.healthMaxOldestRecordAge = healthMaxOldestRecordAge;
    }
}
