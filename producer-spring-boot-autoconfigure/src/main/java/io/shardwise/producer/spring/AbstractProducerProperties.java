package io.shardwise.producer.spring;

import java.net.URI;
import java.time.Duration;

/**
 * The properties the Kinesis and the Firehose producer share: client settings, the options both
 * producers' configurations have (same meaning, same defaults, the service's own limits), the
 * shutdown timeout and the health threshold. Unset options keep the configuration's defaults.
 * Bound under {@code shardwise.producer} by {@link ShardwiseProducerProperties} and under
 * {@code shardwise.firehose} by {@link ShardwiseFirehoseProperties}.
 */
public abstract class AbstractProducerProperties {
    /** AWS region for the producer-built client (default: the SDK's region provider chain). Ignored when the application has a client bean for the producer's service (KinesisAsyncClient, FirehoseAsyncClient). */
    private String region;
    /** Endpoint override for the producer-built client, e.g. http://localhost:4568 for kinesis-local or http://localhost:4566 for LocalStack. Ignored when the application has a client bean for the producer's service. */
    private URI endpoint;
    /** How long a record may wait for others to share its request (linger), up to 1 minute. */
    private Duration recordMaxBufferedTime;
    /** Records per request (PutRecords entries, PutRecordBatch records), 1..500. */
    private Integer collectionMaxCount;
    /** Bytes per request: for Kinesis data plus partition keys, up to 10 MiB (default 5 MiB); for Firehose record data, 1 KiB..4 MiB (default 4 MiB). */
    private Long collectionMaxSize;
    /** Concurrent requests over all streams. */
    private Integer maxInFlightRequests;
    /** Time limit of one PutRecords or PutRecordBatch call; a call that runs out is retried. */
    private Duration requestTimeout;
    /** From add to acknowledgement; then the record's future fails with RecordExpiredException. */
    private Duration recordTtl;
    /** Attempts per record before RetriesExhaustedException; unset means only the TTL bounds retries. */
    private Integer maxAttempts;
    /** First back-off ceiling between attempts (exponential, full jitter). */
    private Duration retryBackoffBase;
    /** Largest back-off ceiling between attempts. */
    private Duration retryBackoffMax;
    /** Bound on records added and not yet completed. */
    private Long maxOutstandingRecords;
    /** Bound on the bytes of records added and not yet completed. */
    private Long maxOutstandingBytes;
    /** How long adding a record may block when the buffer is full before BufferFullException; 0 fails fast. */
    private Duration maxBlockTime;
    /** How long closing the application context waits for buffered records before failing them. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    /** The health indicator reports DOWN when the oldest outstanding record is older than this. */
    private Duration healthMaxOldestRecordAge = Duration.ofMinutes(1);

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

    /** @return the recordMaxBufferedTime property */
    public Duration getRecordMaxBufferedTime() {
        return recordMaxBufferedTime;
    }

    /** @param recordMaxBufferedTime the recordMaxBufferedTime property */
    public void setRecordMaxBufferedTime(Duration recordMaxBufferedTime) {
        this.recordMaxBufferedTime = recordMaxBufferedTime;
    }

    /** @return the collectionMaxCount property */
    public Integer getCollectionMaxCount() {
        return collectionMaxCount;
    }

    /** @param collectionMaxCount the collectionMaxCount property */
    public void setCollectionMaxCount(Integer collectionMaxCount) {
        this.collectionMaxCount = collectionMaxCount;
    }

    /** @return the collectionMaxSize property */
    public Long getCollectionMaxSize() {
        return collectionMaxSize;
    }

    /** @param collectionMaxSize the collectionMaxSize property */
    public void setCollectionMaxSize(Long collectionMaxSize) {
        this.collectionMaxSize = collectionMaxSize;
    }

    /** @return the maxInFlightRequests property */
    public Integer getMaxInFlightRequests() {
        return maxInFlightRequests;
    }

    /** @param maxInFlightRequests the maxInFlightRequests property */
    public void setMaxInFlightRequests(Integer maxInFlightRequests) {
        this.maxInFlightRequests = maxInFlightRequests;
    }

    /** @return the requestTimeout property */
    public Duration getRequestTimeout() {
        return requestTimeout;
    }

    /** @param requestTimeout the requestTimeout property */
    public void setRequestTimeout(Duration requestTimeout) {
        this.requestTimeout = requestTimeout;
    }

    /** @return the recordTtl property */
    public Duration getRecordTtl() {
        return recordTtl;
    }

    /** @param recordTtl the recordTtl property */
    public void setRecordTtl(Duration recordTtl) {
        this.recordTtl = recordTtl;
    }

    /** @return the maxAttempts property */
    public Integer getMaxAttempts() {
        return maxAttempts;
    }

    /** @param maxAttempts the maxAttempts property */
    public void setMaxAttempts(Integer maxAttempts) {
        this.maxAttempts = maxAttempts;
    }

    /** @return the retryBackoffBase property */
    public Duration getRetryBackoffBase() {
        return retryBackoffBase;
    }

    /** @param retryBackoffBase the retryBackoffBase property */
    public void setRetryBackoffBase(Duration retryBackoffBase) {
        this.retryBackoffBase = retryBackoffBase;
    }

    /** @return the retryBackoffMax property */
    public Duration getRetryBackoffMax() {
        return retryBackoffMax;
    }

    /** @param retryBackoffMax the retryBackoffMax property */
    public void setRetryBackoffMax(Duration retryBackoffMax) {
        this.retryBackoffMax = retryBackoffMax;
    }

    /** @return the maxOutstandingRecords property */
    public Long getMaxOutstandingRecords() {
        return maxOutstandingRecords;
    }

    /** @param maxOutstandingRecords the maxOutstandingRecords property */
    public void setMaxOutstandingRecords(Long maxOutstandingRecords) {
        this.maxOutstandingRecords = maxOutstandingRecords;
    }

    /** @return the maxOutstandingBytes property */
    public Long getMaxOutstandingBytes() {
        return maxOutstandingBytes;
    }

    /** @param maxOutstandingBytes the maxOutstandingBytes property */
    public void setMaxOutstandingBytes(Long maxOutstandingBytes) {
        this.maxOutstandingBytes = maxOutstandingBytes;
    }

    /** @return the maxBlockTime property */
    public Duration getMaxBlockTime() {
        return maxBlockTime;
    }

    /** @param maxBlockTime the maxBlockTime property */
    public void setMaxBlockTime(Duration maxBlockTime) {
        this.maxBlockTime = maxBlockTime;
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
