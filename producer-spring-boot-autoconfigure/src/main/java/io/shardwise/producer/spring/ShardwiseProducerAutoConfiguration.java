package io.shardwise.producer.spring;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Creates a {@link KinesisProducer} bean from {@code shardwise.producer.*} properties (disable with
 * {@code shardwise.producer.enabled=false}). A {@link KinesisAsyncClient} bean is used when present
 * (and never closed by the producer); otherwise the producer builds its own client from
 * {@code region} and {@code endpoint}. {@link ProducerCustomizer} beans are applied last. When the
 * context closes, the producer flushes and closes within {@code shutdown-timeout}. With Micrometer
 * and a {@code MeterRegistry} bean its metrics are bound ({@link ShardwiseProducerMetricsAutoConfiguration}); with
 * Actuator a health indicator is added ({@link ShardwiseProducerHealthAutoConfiguration}).
 */
@AutoConfiguration
@ConditionalOnClass(KinesisProducer.class)
@ConditionalOnProperty(prefix = "shardwise.producer", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ShardwiseProducerProperties.class)
public class ShardwiseProducerAutoConfiguration {

    /**
     * @param properties the bound properties
     * @return the producer configuration from properties
     */
    @Bean
    @ConditionalOnMissingBean
    public ProducerConfig shardwiseProducerConfig(ShardwiseProducerProperties properties) {
        return properties.toProducerConfig();
    }

    /**
     * @param properties the bound properties
     * @param config the producer configuration
     * @param client a KinesisAsyncClient bean, if any
     * @param customizers customizers, in order
     * @return the producer; closed by {@link #shardwiseProducerShutdown}
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public KinesisProducer kinesisProducer(ShardwiseProducerProperties properties, ProducerConfig config,
                                           ObjectProvider<KinesisAsyncClient> client,
                                           ObjectProvider<ProducerCustomizer> customizers) {
        KinesisProducer.Builder builder = KinesisProducer.builder().config(config).streamName(properties.getStreamName());
        KinesisAsyncClient supplied = client.getIfUnique();
        if (supplied != null) {
            builder.kinesisClient(supplied);
        } else {
            if (properties.getRegion() != null) {
                builder.region(Region.of(properties.getRegion()));
            }
            if (properties.getEndpoint() != null) {
                builder.endpointOverride(properties.getEndpoint());
            }
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
    @ConditionalOnBean(KinesisProducer.class)
    public ProducerShutdown shardwiseProducerShutdown(KinesisProducer producer, ShardwiseProducerProperties properties) {
        return new ProducerShutdown(producer::close, properties.getShutdownTimeout());
    }

    /**
     * Flushes and closes a producer (the {@code KinesisProducer}, or the {@code FirehoseProducer} of
     * {@link ShardwiseFirehoseAutoConfiguration}) when the application context closes.
     */
    public static final class ProducerShutdown implements DisposableBean {
        private final Consumer<Duration> close;
        private final Duration timeout;

        /**
         * @param close the producer's {@code close(Duration)}
         * @param timeout how long to wait for buffered records
         */
        ProducerShutdown(Consumer<Duration> close, Duration timeout) {
            this.close = close;
            this.timeout = timeout;
        }

        @Override
        public void destroy() {
            close.accept(timeout);
        }
    }

}
