package io.shardwise.producer.spring;

import io.shardwise.producer.KplProperties;
import io.shardwise.producer.ProducerConfig;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Properties under {@code shardwise.producer}, one to one with {@link ProducerConfig} (defaults
 * as there), plus the client settings, the health threshold and the shutdown timeout (the options
 * shared with the Firehose producer are in {@link AbstractProducerProperties}). Unset options keep
 * {@code ProducerConfig}'s defaults, or, with {@code kpl-properties-file}, what the KPL file says:
 * the file's options are applied first and the properties set here override them.
 */
@ConfigurationProperties(prefix = "shardwise.producer")
public class ShardwiseProducerProperties extends AbstractProducerProperties {
    /** Whether to create the KinesisProducer bean. */
    private boolean enabled = true;
    /** Default stream for records that name none. */
    private String streamName;
    /** A KPL properties file (a Spring resource location, e.g. classpath:kpl.properties or file:/etc/app/kpl.properties) whose options are applied first; the properties set here override them. Unknown keys and values Shardwise cannot honour fail the context start. */
    private Resource kplPropertiesFile;
    /** Fail a throttled record at once (RecordThrottledException) instead of retrying it (the KPL's FailIfThrottled). */
    private Boolean failIfThrottled;
    /** Largest record (data plus partition key); default 1 MiB, up to 10 MiB for streams configured for larger records. */
    private Integer maxRecordSize;
    /** Shortest interval between ListShards refreshes of one stream. */
    private Duration shardMapMinRefreshInterval;
    /** At most one request in flight per shard, so records of a partition key are written in order. */
    private Boolean preserveShardOrder;
    /** Adaptive (AIMD) rate limiter per predicted shard. */
    private Boolean shardRateLimiting;
    /** Factor on the per-shard ceilings of 1,000 records/s and 1 MiB/s. */
    private Double shardRateLimitFactor;
    /** Pack small records of one shard into KPL-format aggregated records. */
    private Boolean aggregationEnabled;
    /** Largest aggregated record, partition key included. */
    private Integer aggregationMaxSize;
    /** Most user records per aggregated record. */
    private Integer aggregationMaxCount;
    /** Largest user record (data plus partition key) that is aggregated; larger ones travel as themselves. */
    private Integer aggregationMaxUserRecordSize;
    /** Aggregate only records of one partition key, sent under that key. */
    private Boolean aggregationPreservesPartitionKeys;

    /** @return the producer configuration these properties describe (defaults where unset) */
    public ProducerConfig toProducerConfig() {
        return toProducerConfig(ProducerConfig.defaults());
    }

    /**
     * @param base the configuration for what is unset here, e.g. {@link KplProperties#producerConfig()}
     * @return {@code base} with the options set here
     */
    public ProducerConfig toProducerConfig(ProducerConfig base) {
        ProducerConfig.Builder b = base.toBuilder();
        if (getRecordMaxBufferedTime() != null) {
            b.recordMaxBufferedTime(getRecordMaxBufferedTime());
        }
        if (getCollectionMaxCount() != null) {
            b.collectionMaxCount(getCollectionMaxCount());
        }
        if (getCollectionMaxSize() != null) {
            b.collectionMaxSize(getCollectionMaxSize());
        }
        if (maxRecordSize != null) {
            b.maxRecordSize(maxRecordSize);
        }
        if (getMaxInFlightRequests() != null) {
            b.maxInFlightRequests(getMaxInFlightRequests());
        }
        if (getRequestTimeout() != null) {
            b.requestTimeout(getRequestTimeout());
        }
        if (getRecordTtl() != null) {
            b.recordTtl(getRecordTtl());
        }
        if (getMaxAttempts() != null) {
            b.maxAttempts(getMaxAttempts());
        }
        if (getRetryBackoffBase() != null) {
            b.retryBackoffBase(getRetryBackoffBase());
        }
        if (getRetryBackoffMax() != null) {
            b.retryBackoffMax(getRetryBackoffMax());
        }
        if (shardMapMinRefreshInterval != null) {
            b.shardMapMinRefreshInterval(shardMapMinRefreshInterval);
        }
        if (preserveShardOrder != null) {
            b.preserveShardOrder(preserveShardOrder);
        }
        if (failIfThrottled != null) {
            b.failIfThrottled(failIfThrottled);
        }
        if (shardRateLimiting != null) {
            b.shardRateLimiting(shardRateLimiting);
        }
        if (shardRateLimitFactor != null) {
            b.shardRateLimitFactor(shardRateLimitFactor);
        }
        if (getMaxOutstandingRecords() != null) {
            b.maxOutstandingRecords(getMaxOutstandingRecords());
        }
        if (getMaxOutstandingBytes() != null) {
            b.maxOutstandingBytes(getMaxOutstandingBytes());
        }
        if (getMaxBlockTime() != null) {
            b.maxBlockTime(getMaxBlockTime());
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
        if (aggregationMaxUserRecordSize != null) {
            b.aggregationMaxUserRecordSize(aggregationMaxUserRecordSize);
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

    /** @return the kplPropertiesFile property */
    public Resource getKplPropertiesFile() {
        return kplPropertiesFile;
    }

    /** @param kplPropertiesFile the kplPropertiesFile property */
    public void setKplPropertiesFile(Resource kplPropertiesFile) {
        this.kplPropertiesFile = kplPropertiesFile;
    }

    /** @return the failIfThrottled property */
    public Boolean getFailIfThrottled() {
        return failIfThrottled;
    }

    /** @param failIfThrottled the failIfThrottled property */
    public void setFailIfThrottled(Boolean failIfThrottled) {
        this.failIfThrottled = failIfThrottled;
    }

    /** @return the maxRecordSize property */
    public Integer getMaxRecordSize() {
        return maxRecordSize;
    }

    /** @param maxRecordSize the maxRecordSize property */
    public void setMaxRecordSize(Integer maxRecordSize) {
        this.maxRecordSize = maxRecordSize;
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

    /** @return the aggregationMaxUserRecordSize property */
    public Integer getAggregationMaxUserRecordSize() {
        return aggregationMaxUserRecordSize;
    }

    /** @param aggregationMaxUserRecordSize the aggregationMaxUserRecordSize property */
    public void setAggregationMaxUserRecordSize(Integer aggregationMaxUserRecordSize) {
        this.aggregationMaxUserRecordSize = aggregationMaxUserRecordSize;
    }

    /** @return the aggregationPreservesPartitionKeys property */
    public Boolean getAggregationPreservesPartitionKeys() {
        return aggregationPreservesPartitionKeys;
    }

    /** @param aggregationPreservesPartitionKeys the aggregationPreservesPartitionKeys property */
    public void setAggregationPreservesPartitionKeys(Boolean aggregationPreservesPartitionKeys) {
        this.aggregationPreservesPartitionKeys = aggregationPreservesPartitionKeys;
    }
}
