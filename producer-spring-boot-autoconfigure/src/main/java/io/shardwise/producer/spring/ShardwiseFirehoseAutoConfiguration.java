package io.shardwise.producer.spring;

import io.shardwise.producer.firehose.FirehoseProducer;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import io.shardwise.producer.spring.ShardwiseProducerAutoConfiguration.ProducerShutdown;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * Creates a {@link FirehoseProducer} bean from {@code shardwise.firehose.*} properties, only when
 * {@code shardwise.firehose.enabled=true} (most applications write to Kinesis only). It is
 * independent of the {@code KinesisProducer} bean of {@link ShardwiseProducerAutoConfiguration}:
 * either, both or neither may exist. A unique {@link FirehoseAsyncClient} bean is used when present
 * (and never closed by the producer); otherwise the producer builds its own client from
 * {@code region} and {@code endpoint}. {@link FirehoseProducerCustomizer} beans are applied last.
 * When the context closes, the producer flushes and closes within {@code shutdown-timeout}. Metrics
 * and health are added as for the Kinesis producer ({@link ShardwiseProducerMetricsAutoConfiguration},
 * {@link ShardwiseProducerHealthAutoConfiguration}).
 */
@AutoConfiguration
@ConditionalOnClass({FirehoseProducer.class, FirehoseAsyncClient.class})
@ConditionalOnProperty(prefix = "shardwise.firehose", name = "enabled", havingValue = "true")
@EnableConfigurationProperties(ShardwiseFirehoseProperties.class)
public class ShardwiseFirehoseAutoConfiguration {

    /**
     * Every {@link FirehoseProducerConfig} option set under {@code shardwise.firehose} (its
     * declaration names the property), over the defaults.
     *
     * @param environment the environment the options are bound from
     * @return the Firehose producer configuration
     * @throws IllegalArgumentException naming the option and its range, if a value is out of range
     */
    @Bean
    @ConditionalOnMissingBean
    public FirehoseProducerConfig shardwiseFirehoseProducerConfig(Environment environment) {
        FirehoseProducerConfig.Builder builder = FirehoseProducerConfig.builder();
        OptionBinding.bind(environment, ShardwiseFirehoseProperties.PREFIX, FirehoseProducerConfig.options(), builder::set);
        return builder.build();
    }

    /**
     * @param properties the bound properties
     * @param config the producer configuration
     * @param client a FirehoseAsyncClient bean, if any
     * @param customizers customizers, in order
     * @return the producer; closed by {@link #shardwiseFirehoseProducerShutdown}
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public FirehoseProducer firehoseProducer(ShardwiseFirehoseProperties properties, FirehoseProducerConfig config,
                                             ObjectProvider<FirehoseAsyncClient> client,
                                             ObjectProvider<FirehoseProducerCustomizer> customizers) {
        FirehoseProducer.Builder builder = FirehoseProducer.builder().config(config)
                .deliveryStreamName(properties.getDeliveryStreamName());
        FirehoseAsyncClient supplied = client.getIfUnique();
        if (supplied != null) {
            builder.firehoseClient(supplied);
        } else {
            PropertyMapper map = PropertyMapper.get().alwaysApplyingWhenNonNull();
            map.from(properties.getRegion()).as(Region::of).to(builder::region);
            map.from(properties.getEndpoint()).to(builder::endpointOverride);
        }
        customizers.orderedStream().forEach(c -> c.customize(builder));
        return builder.build();
    }

    /**
     * Closes the producer when the context closes: stops accepting records, flushes, waits up to
     * {@code shutdown-timeout}, then fails what is left.
     *
     * @param producer the producer
     * @param properties the bound properties
     * @return the shutdown hook bean
     */
    @Bean
    @ConditionalOnBean(FirehoseProducer.class)
    public ProducerShutdown shardwiseFirehoseProducerShutdown(FirehoseProducer producer, ShardwiseFirehoseProperties properties) {
        return new ProducerShutdown(producer::close, properties.getShutdownTimeout());
    }
}
