package io.shardwise.producer.spring;

import io.shardwise.producer.ProducerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.core.io.Resource;

/**
 * Properties under {@code shardwise.producer} that are not configuration options: the switch, the
 * default stream, the KPL file, and (in {@link AbstractProducerProperties}) the client settings, the
 * health threshold and the shutdown timeout. Every {@link ProducerConfig} option is a property under
 * the same prefix too ({@code shardwise.producer.record-ttl} ...), bound from its one declaration
 * ({@link ProducerConfig#options()}) by {@link ShardwiseProducerAutoConfiguration}. Unset options keep
 * {@code ProducerConfig}'s defaults, or, with {@code kpl-properties-file}, what the KPL file says:
 * the file's options are applied first and the properties set explicitly override them.
 */
@ConfigurationProperties(prefix = ShardwiseProducerProperties.PREFIX)
public class ShardwiseProducerProperties extends AbstractProducerProperties {
    /** The properties' prefix. */
    public static final String PREFIX = "shardwise.producer";

    /** Whether to create the KinesisProducer bean. */
    private boolean enabled = true;
    /** Default stream for records that name none. */
    private String streamName;
    /** A KPL properties file (a Spring resource location, e.g. classpath:kpl.properties or file:/etc/app/kpl.properties) whose options are applied first; the properties set here override them. Unknown keys and values Shardwise cannot honour fail the context start. */
    private Resource kplPropertiesFile;

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
}
