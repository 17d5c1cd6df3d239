package io.shardwise.producer.spring;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import io.shardwise.producer.ProducerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PropertiesLoaderUtils;
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
 *
 * <p>With {@code shardwise.producer.kpl-properties-file}, a {@link KplProperties} bean reads a KPL
 * properties file: its options (configuration, region, endpoint) are applied first and the
 * {@code shardwise.producer.*} properties set explicitly override them. What became of every key is
 * logged at INFO when the file is read ({@link KplProperties#report()}).
 */
@AutoConfiguration
@ConditionalOnClass(KinesisProducer.class)
@ConditionalOnProperty(prefix = "shardwise.producer", name = "enabled", havingValue = "true", matchIfMissing = true)
@EnableConfigurationProperties(ShardwiseProducerProperties.class)
public class ShardwiseProducerAutoConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ShardwiseProducerAutoConfiguration.class);

    /**
     * Reads the KPL properties file named by {@code shardwise.producer.kpl-properties-file}.
     *
     * @param properties the bound properties
     * @return the file's settings
     * @throws IllegalStateException if the file cannot be read
     * @throws IllegalArgumentException if a key is unknown or a value cannot be honoured (the message names each)
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "shardwise.producer", name = "kpl-properties-file")
    public KplProperties shardwiseKplProperties(ShardwiseProducerProperties properties) {
        Resource file = properties.getKplPropertiesFile();
        Properties kpl;
        try {
            kpl = PropertiesLoaderUtils.loadProperties(file);
        } catch (IOException e) {
            throw new UncheckedIOException("shardwise.producer.kpl-properties-file: cannot read " + file, e);
        }
        KplProperties parsed = KplProperties.parse(kpl);
        log.info("KPL properties from {}: {} keys (explicit shardwise.producer.* properties override them)",
                file, parsed.report().size());
        parsed.report().forEach(e -> log.info("  {}", e));
        return parsed;
    }

    /**
     * Every {@link ProducerConfig} option set under {@code shardwise.producer} (its declaration names
     * the property), over the KPL file's configuration if there is one, else over the defaults.
     *
     * @param environment the environment the options are bound from
     * @param kpl the KPL properties file's settings, if one is configured
     * @return the producer configuration
     * @throws IllegalArgumentException naming the option and its range, if a value is out of range, or
     *     naming the replacement of a property that no longer exists ({@code preserve-shard-order})
     */
    @Bean
    @ConditionalOnMissingBean
    public ProducerConfig shardwiseProducerConfig(Environment environment, ObjectProvider<KplProperties> kpl) {
        KplProperties file = kpl.getIfAvailable();
        ProducerConfig.Builder builder = (file == null ? ProducerConfig.defaults() : file.producerConfig()).toBuilder();
        OptionBinding.bind(environment, ShardwiseProducerProperties.PREFIX, ProducerConfig.options(), builder::set);
        OptionBinding.refuseReplaced(environment, ShardwiseProducerProperties.PREFIX, "preserve-shard-order",
                "ordering (SHARD for true, NONE for false, or KEY_STRICT: see the README's Ordering section)");
        return builder.build();
    }

    /**
     * @param properties the bound properties
     * @param config the producer configuration
     * @param client a KinesisAsyncClient bean, if any
     * @param kpl the KPL properties file's settings, if one is configured
     * @param customizers customizers, in order
     * @return the producer; closed by {@link #shardwiseProducerShutdown}
     * @throws IllegalStateException if the KPL file names a proxy and the application has no client bean
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public KinesisProducer kinesisProducer(ShardwiseProducerProperties properties, ProducerConfig config,
                                           ObjectProvider<KinesisAsyncClient> client, ObjectProvider<KplProperties> kpl,
                                           ObjectProvider<ProducerCustomizer> customizers) {
        KinesisProducer.Builder builder = KinesisProducer.builder().config(config).streamName(properties.getStreamName());
        KinesisAsyncClient supplied = client.getIfUnique();
        KplProperties file = kpl.getIfAvailable();
        if (supplied != null) {
            builder.kinesisClient(supplied);
        } else {
            if (file != null) {
                if (file.needsOwnClient()) {
                    throw new IllegalStateException("The KPL properties file sets ProxyHost, which a producer-built client"
                            + " cannot use: define a client bean built from it, e.g. @Bean(destroyMethod = \"close\")"
                            + " KinesisAsyncClient kinesisClient(KplProperties kpl) { return kpl.kinesisClientBuilder().build(); }");
                }
                file.region().ifPresent(builder::region);
                file.endpointOverride().ifPresent(builder::endpointOverride);
            }
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
