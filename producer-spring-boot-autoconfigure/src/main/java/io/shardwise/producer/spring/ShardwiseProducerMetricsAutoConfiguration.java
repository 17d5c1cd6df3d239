package io.shardwise.producer.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.firehose.FirehoseProducer;
import io.shardwise.producer.metrics.ProducerMetrics;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Binds the producers' Micrometer metrics ({@code shardwise.producer.*} meters, see
 * {@code docs/metrics.md}) to the application's {@link MeterRegistry}, when Micrometer and
 * {@code shardwise-producer-metrics} are on the classpath and a registry bean exists: those of the
 * {@link KinesisProducer} bean and those of the {@link FirehoseProducer} bean, whichever exist. The
 * meters are removed when the context closes.
 *
 * <p>Both producers' meters have the same names. When both beans exist, each binding gets the
 * common tag {@value #PRODUCER_TAG} ({@value #KINESIS} or {@value #FIREHOSE}) so that they stay
 * apart and every meter of a name has the same tag keys (Prometheus requires it); with one
 * producer there is no such tag.
 */
@AutoConfiguration(after = {ShardwiseProducerAutoConfiguration.class, ShardwiseFirehoseAutoConfiguration.class},
        afterName = {"org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
                "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass({MeterRegistry.class, ProducerMetrics.class})
@ConditionalOnBean(MeterRegistry.class)
public class ShardwiseProducerMetricsAutoConfiguration {
    /** Common tag key telling the Kinesis and the Firehose producer's meters apart, when both are bound. */
    public static final String PRODUCER_TAG = "producer";
    /** {@value #PRODUCER_TAG} of the Kinesis producer's meters. */
    public static final String KINESIS = "kinesis";
    /** {@value #PRODUCER_TAG} of the Firehose producer's meters. */
    public static final String FIREHOSE = "firehose";

    /**
     * @param producer the producer
     * @param registry the registry
     * @param beans to see whether a FirehoseProducer bean exists too
     * @return the bound metrics
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean(KinesisProducer.class)
    @ConditionalOnMissingBean
    public ShardwiseMetricsBinding shardwiseProducerMetrics(KinesisProducer producer, MeterRegistry registry,
                                                            ListableBeanFactory beans) {
        return bind(ProducerMetrics.builder(producer), beans, FirehoseProducer.class, KINESIS, registry);
    }

    /**
     * @param producer the Firehose producer
     * @param registry the registry
     * @param beans to see whether a KinesisProducer bean exists too
     * @return the bound metrics
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnBean(FirehoseProducer.class)
    @ConditionalOnMissingBean(name = "shardwiseFirehoseProducerMetrics")
    public ShardwiseMetricsBinding shardwiseFirehoseProducerMetrics(FirehoseProducer producer, MeterRegistry registry,
                                                                    ListableBeanFactory beans) {
        return bind(ProducerMetrics.builder(producer), beans, KinesisProducer.class, FIREHOSE, registry);
    }

    /** Binds the metrics, tagged {@code producer=name} when a producer of the other kind is a bean too. */
    private static ShardwiseMetricsBinding bind(ProducerMetrics.Builder metrics, ListableBeanFactory beans, Class<?> otherKind,
                                                String name, MeterRegistry registry) {
        if (beans.getBeanNamesForType(otherKind, true, false).length > 0) {
            metrics.commonTags(PRODUCER_TAG, name);
        }
        return new ShardwiseMetricsBinding(metrics.bindTo(registry));
    }

    /**
     * A producer's metrics bound to the application's registry. Not a {@code MeterBinder} bean
     * itself, so Spring Boot's own binder post-processing does not bind them a second time.
     */
    public static final class ShardwiseMetricsBinding implements AutoCloseable {
        private final ProducerMetrics metrics;

        /** @param metrics the producer's metrics, already bound */
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
