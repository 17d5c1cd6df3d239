package io.shardwise.producer.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.metrics.ProducerMetrics;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the producer's Micrometer metrics ({@code shardwise.producer.*} meters, see
 * {@code docs/metrics.md}) to the application's {@link MeterRegistry}, when Micrometer and
 * {@code shardwise-producer-metrics} are on the classpath and both beans exist. The meters are
 * removed when the context closes.
 */
@AutoConfiguration(after = ShardwiseProducerAutoConfiguration.class,
        afterName = {"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, ProducerMetrics.class})
@ConditionalOnBean({MeterRegistry.class, KinesisProducer.class})
public class ShardwiseProducerMetricsAutoConfiguration {

    /**
     * @param producer the producer
     * @param registry the registry
     * @return the bound metrics
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public ShardwiseMetricsBinding shardwiseProducerMetrics(KinesisProducer producer, MeterRegistry registry) {
        return new ShardwiseMetricsBinding(ProducerMetrics.builder(producer).bindTo(registry));
    }

    /**
     * The producer's metrics bound to the application's registry. Not a {@code MeterBinder} bean
     * itself, so Spring Boot's own binder post-processing does not bind them a second time.
     */
    public static final class ShardwiseMetricsBinding implements AutoCloseable {
        private final ProducerMetrics metrics;

        ShardwiseMetricsBinding(ProducerMetrics metrics) {
            this.metrics = metrics;
        }

        /** @return the bound metrics */
        public ProducerMetrics metrics() {
            return metrics;
        }

        @Override
        public void close() {
            metrics.close();
        }
    }
}
