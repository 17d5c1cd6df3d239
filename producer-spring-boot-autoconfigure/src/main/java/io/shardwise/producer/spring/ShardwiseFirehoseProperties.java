package io.shardwise.producer.spring;

import io.shardwise.producer.firehose.FirehoseProducerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Properties under {@code shardwise.firehose} that are not configuration options: the switch, the
 * default delivery stream, and (in {@link AbstractProducerProperties}) the client settings, the
 * health threshold and the shutdown timeout. Every {@link FirehoseProducerConfig} option is a
 * property under the same prefix too ({@code shardwise.firehose.packing-enabled} ...), bound from its
 * one declaration ({@link FirehoseProducerConfig#options()}) by {@link ShardwiseFirehoseAutoConfiguration};
 * unset options keep {@code FirehoseProducerConfig}'s defaults. Nothing is created unless
 * {@code enabled} is true.
 */
@ConfigurationProperties(prefix = ShardwiseFirehoseProperties.PREFIX)
public class ShardwiseFirehoseProperties extends AbstractProducerProperties {
    /** The properties' prefix. */
    public static final String PREFIX = "shardwise.firehose";

    /** Whether to create the FirehoseProducer bean (off unless set: most applications only write to Kinesis). */
    private boolean enabled;
    /** Default delivery stream for records that name none. */
    private String deliveryStreamName;

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
}
