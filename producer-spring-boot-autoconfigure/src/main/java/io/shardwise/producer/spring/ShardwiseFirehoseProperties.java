package io.shardwise.producer.spring;

import io.shardwise.producer.firehose.FirehoseProducerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;

/**
 * Properties under {@code shardwise.firehose}, one to one with {@link FirehoseProducerConfig}
 * (defaults as there), plus the switch, the default delivery stream, the client settings, the
 * health threshold and the shutdown timeout (the options shared with the Kinesis producer are in
 * {@link AbstractProducerProperties}). Unset options keep {@code FirehoseProducerConfig}'s
 * defaults. Nothing is created unless {@code enabled} is true.
 */
@ConfigurationProperties(prefix = "shardwise.firehose")
public class ShardwiseFirehoseProperties extends AbstractProducerProperties {
    /** Whether to create the FirehoseProducer bean (off unless set: most applications only write to Kinesis). */
    private boolean enabled;
    /** Default delivery stream for records that name none. */
    private String deliveryStreamName;
    /** Join small records into one Firehose record, each followed by the delimiter (for S3-like destinations that split on it). */
    private Boolean packingEnabled;
    /** Largest packed Firehose record, delimiters included, 1 KiB..1,000 KiB; default 1,000 KiB. */
    private Integer packingMaxSize;
    /** The delimiter that ends each packed record, as text written in UTF-8 (1..16 bytes); default a newline. */
    private String packingDelimiter;

    /**
     * @return the producer configuration these properties describe (defaults where unset)
     * @throws IllegalArgumentException naming the option, if a value is out of range
     */
    public FirehoseProducerConfig toFirehoseProducerConfig() {
        FirehoseProducerConfig.Builder b = FirehoseProducerConfig.builder();
        PropertyMapper map = PropertyMapper.get().alwaysApplyingWhenNonNull();
        map.from(getRecordMaxBufferedTime()).to(b::recordMaxBufferedTime);
        map.from(getCollectionMaxCount()).to(b::collectionMaxCount);
        map.from(getCollectionMaxSize()).to(b::collectionMaxSize);
        map.from(getMaxInFlightRequests()).to(b::maxInFlightRequests);
        map.from(getRequestTimeout()).to(b::requestTimeout);
        map.from(getRecordTtl()).to(b::recordTtl);
        map.from(getMaxAttempts()).to(b::maxAttempts);
        map.from(getRetryBackoffBase()).to(b::retryBackoffBase);
        map.from(getRetryBackoffMax()).to(b::retryBackoffMax);
        map.from(getMaxOutstandingRecords()).to(b::maxOutstandingRecords);
        map.from(getMaxOutstandingBytes()).to(b::maxOutstandingBytes);
        map.from(getMaxBlockTime()).to(b::maxBlockTime);
        map.from(packingEnabled).to(b::packingEnabled);
        map.from(packingMaxSize).to(b::packingMaxSize);
        map.from(packingDelimiter).to(b::packingDelimiter);
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

    /** @return the deliveryStreamName property */
    public String getDeliveryStreamName() {
        return deliveryStreamName;
    }

    /** @param deliveryStreamName the deliveryStreamName property */
    public void setDeliveryStreamName(String deliveryStreamName) {
        this.deliveryStreamName = deliveryStreamName;
    }

    /** @return the packingEnabled property */
    public Boolean getPackingEnabled() {
        return packingEnabled;
    }

    /** @param packingEnabled the packingEnabled property */
    public void setPackingEnabled(Boolean packingEnabled) {
        this.packingEnabled = packingEnabled;
    }

    /** @return the packingMaxSize property */
    public Integer getPackingMaxSize() {
        return packingMaxSize;
    }

    /** @param packingMaxSize the packingMaxSize property */
    public void setPackingMaxSize(Integer packingMaxSize) {
        this.packingMaxSize = packingMaxSize;
    }

    /** @return the packingDelimiter property */
    public String getPackingDelimiter() {
        return packingDelimiter;
    }

    /** @param packingDelimiter the packingDelimiter property */
    public void setPackingDelimiter(String packingDelimiter) {
        this.packingDelimiter = packingDelimiter;
    }
}
