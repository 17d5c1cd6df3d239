package io.shardwise.producer.spring;

import io.shardwise.producer.ProducerConfig;
import java.net.URI;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties under {@code shardwise.producer}, one to one with {@link ProducerConfig} (defaults
 * as there), plus the client settings, the health threshold and the shutdown timeout. Unset
 * options keep {@code ProducerConfig}'s defaults.
 */
@ConfigurationProperties(prefix = "shardwise.producer")
public class ShardwiseProducerProperties {
    /** Whether to create the KinesisProducer bean. */
    private boolean enabled = true;
    /** Default stream for records that name none. */
    private String streamName;
    /** AWS region for the producer-built client (default: the SDK's region provider chain). Ignored when a KinesisAsyncClient bean exists. */
    private String region;
    /** Endpoint override for the producer-built client, e.g. http://localhost:4568 for kinesis-local. Ignored when a KinesisAsyncClient bean exists. */
    private URI endpoint;
    /** How long a record may wait for others to share its PutRecords request (linger). */
    private Duration recordMaxBufferedTime;
    /** Entries per PutRecords request, 1..500. */
    private Integer collectionMaxCount;
    /** Bytes per PutRecords request (data plus partition keys), up to 10 MiB; default 5 MiB. */
    private Long collectionMaxSize;
    /** Largest record (data plus partition key); default 1 MiB, up to 10 MiB for streams configured for larger records. */
    private Integer maxRecordSize;
    /** Concurrent PutRecords requests over all streams. */
    private Integer maxInFlightRequests;
    /** Time limit of one PutRecords call. */
    private Duration requestTimeout;
    /** From add to acknowledgement; then the record's future fails with RecordExpiredException. */
    private Duration recordTtl;
    /** Attempts per record before RetriesExhaustedException; unset means only the TTL bounds retries. */
    private Integer maxAttempts;
    /** First back-off ceiling between attempts (exponential, full jitter). */
    private Duration retryBackoffBase;
    /** Largest back-off ceiling between attempts. */
    private Duration retryBackoffMax;
    /** Shortest interval between ListShards refreshes of one stream. */
    private Duration shardMapMinRefreshInterval;
    /** At most one request in flight per shard, so records of a partition key are written in order. */
    private Boolean preserveShardOrder;
    /** Adaptive (AIMD) rate limiter per predicted shard. */
    private Boolean shardRateLimiting;
    /** Factor on the per-shard ceilings of 1,000 records/s and 1 MiB/s. */
    private Double shardRateLimitFactor;
    /** Bound on records added and not yet completed. */
    private Long maxOutstandingRecords;
    /** Bound on the bytes of records added and not yet completed. */
    private Long maxOutstandingBytes;
    /** How long addUserRecord may block when the buffer is full before BufferFullException; 0 fails fast. */
    private Duration maxBlockTime;
    /** Pack small records of one shard into KPL-format aggregated records. */
    private Boolean aggregationEnabled;
    /** Largest aggregated record, partition key included. */
    private Integer aggregationMaxSize;
    /** Most user records per aggregated record. */
    private Integer aggregationMaxCount;
    /** Aggregate only records of one partition key, sent under that key. */
    private Boolean aggregationPreservesPartitionKeys;
    /** How long closing the application context waits for buffered records before failing them. */
    private Duration shutdownTimeout = Duration.ofSeconds(30);
    /** The health indicator reports DOWN when the oldest outstanding record is older than this. */
    private Duration healthMaxOldestRecordAge = Duration.ofMinutes(1);

    /** @return the producer configuration these properties describe (defaults where unset) */
    public ProducerConfig toProducerConfig() {
        ProducerConfig.Builder b = ProducerConfig.builder();
        if (recordMaxBufferedTime != null) {
            b.recordMaxBufferedTime(recordMaxBufferedTime);
        }
        if (collectionMaxCount != null) {
            b.collectionMaxCount(collectionMaxCount);
        }
        if (collectionMaxSize != null) {
            b.collectionMaxSize(collectionMaxSize);
        }
        if (maxRecordSize != null) {
            b.maxRecordSize(maxRecordSize);
        }
        if (maxInFlightRequests != null) {
            b.maxInFlightRequests(maxInFlightRequests);
        }
        if (requestTimeout != null) {
            b.requestTimeout(requestTimeout);
        }
        if (recordTtl != null) {
            b.recordTtl(recordTtl);
        }
        if (maxAttempts != null) {
            b.maxAttempts(maxAttempts);
        }
        if (retryBackoffBase != null) {
            b.retryBackoffBase(retryBackoffBase);
        }
        if (retryBackoffMax != null) {
            b.retryBackoffMax(retryBackoffMax);
        }
        if (shardMapMinRefreshInterval != null) {
            b.shardMapMinRefreshInterval(shardMapMinRefreshInterval);
        }
        if (preserveShardOrder != null) {
            b.preserveShardOrder(preserveShardOrder);
        }
        if (shardRateLimiting != null) {
            b.shardRateLimiting(shardRateLimiting);
        }
        if (shardRateLimitFactor != null) {
            b.shardRateLimitFactor(shardRateLimitFactor);
        }
        if (maxOutstandingRecords != null) {
            b.maxOutstandingRecords(maxOutstandingRecords);
        }
        if (maxOutstandingBytes != null) {
            b.maxOutstandingBytes(maxOutstandingBytes);
        }
        if (maxBlockTime != null) {
            b.maxBlockTime(maxBlockTime);
        }
        if (aggregationEnabled != null) {
            b.aggregationEnabled(aggregationEnabled);
        }
        if (aggregationMaxSize != null) {
            b.aggregationMaxSize(aggregationMaxSize);
        }
        if (aggregationMaxCount != null) {
            b.aggregationMaxCount(aggregationMaxCount);
        }
        if (aggregationPreservesPartitionKeys != null) {
            b.aggregationPreservesPartitionKeys(aggregationPreservesPartitionKeys);
        }
        return b.build();
    }

    /** @return the enabled property */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled the enabled property */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return the streamName property */
    public String getStreamName() {
        return streamName;
    }

    /** @param streamName the streamName property */
    public void setStreamName(String streamName) {
        this.streamName = streamName;
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

    /** @return the maxRecordSize property */
    public Integer getMaxRecordSize() {
        return maxRecordSize;
    }

    /** @param maxRecordSize the maxRecordSize property */
    public void setMaxRecordSize(Integer maxRecordSize) {
        this.maxRecordSize = maxRecordSize;
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

    /** @return the shardMapMinRefreshInterval property */
    public Duration getShardMapMinRefreshInterval() {
        return shardMapMinRefreshInterval;
    }

    /** @param shardMapMinRefreshInterval the shardMapMinRefreshInterval property */
    public void setShardMapMinRefreshInterval(Duration shardMapMinRefreshInterval) {
        this.shardMapMinRefreshInterval = shardMapMinRefreshInterval;
    }

    /** @return the preserveShardOrder property */
    public Boolean getPreserveShardOrder() {
        return preserveShardOrder;
    }

    /** @param preserveShardOrder the preserveShardOrder property */
    public void setPreserveShardOrder(Boolean preserveShardOrder) {
        this.preserveShardOrder = preserveShardOrder;
    }

    /** @return the shardRateLimiting property */
    public Boolean getShardRateLimiting() {
        return shardRateLimiting;
    }

    /** @param shardRateLimiting the shardRateLimiting property */
    public void setShardRateLimiting(Boolean shardRateLimiting) {
        this.shardRateLimiting = shardRateLimiting;
    }

    /** @return the shardRateLimitFactor property */
    public Double getShardRateLimitFactor() {
        return shardRateLimitFactor;
    }

    /** @param shardRateLimitFactor the shardRateLimitFactor property */
    public void setShardRateLimitFactor(Double shardRateLimitFactor) {
        this.shardRateLimitFactor = shardRateLimitFactor;
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

    /** @return the aggregationEnabled property */
    public Boolean getAggregationEnabled() {
        return aggregationEnabled;
    }

    /** @param aggregationEnabled the aggregationEnabled property */
    public void setAggregationEnabled(Boolean aggregationEnabled) {
        this.aggregationEnabled = aggregationEnabled;
    }

    /** @return the aggregationMaxSize property */
    public Integer getAggregationMaxSize() {
        return aggregationMaxSize;
    }

    /** @param aggregationMaxSize the aggregationMaxSize property */
    public void setAggregationMaxSize(Integer aggregationMaxSize) {
        this.aggregationMaxSize = aggregationMaxSize;
    }

    /** @return the aggregationMaxCount property */
    public Integer getAggregationMaxCount() {
        return aggregationMaxCount;
    }

    /** @param aggregationMaxCount the aggregationMaxCount property */
    public void setAggregationMaxCount(Integer aggregationMaxCount) {
        this.aggregationMaxCount = aggregationMaxCount;
    }

    /** @return the aggregationPreservesPartitionKeys property */
    public Boolean getAggregationPreservesPartitionKeys() {
        return aggregationPreservesPartitionKeys;
    }

    /** @param aggregationPreservesPartitionKeys the aggregationPreservesPartitionKeys property */
    public void setAggregationPreservesPartitionKeys(Boolean aggregationPreservesPartitionKeys) {
        this.aggregationPreservesPartitionKeys = aggregationPreservesPartitionKeys;
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
