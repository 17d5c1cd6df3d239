package io.shardwise.producer.spring;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.firehose.FirehoseProducer;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Actuator health indicators for the producers (when Actuator is on the classpath):
 * {@code shardwiseProducer} for the {@link KinesisProducer} bean, {@code shardwiseFirehoseProducer}
 * for the {@link FirehoseProducer} bean. Each is DOWN when its producer is closed, its sender thread
 * died ({@code ProducerStats.senderFailure()}, given as the reason), or its oldest
 * outstanding record is older than {@code health-max-oldest-record-age} (default 1 minute, under
 * {@code shardwise.producer} and {@code shardwise.firehose}), with the outstanding and completed
 * counts as details. The producers may be the application's own beans.
 */
@AutoConfiguration(after = {ShardwiseProducerAutoConfiguration.class, ShardwiseFirehoseAutoConfiguration.class})
@ConditionalOnClass(HealthIndicator.class)
public class ShardwiseProducerHealthAutoConfiguration {

    /** The Kinesis producer's health indicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnBean(KinesisProducer.class)
    @EnableConfigurationProperties(ShardwiseProducerProperties.class)
    static class KinesisProducerHealth {
        /**
         * @param producer the producer
         * @param properties the bound properties
         * @return the health indicator
         */
        @Bean
        @ConditionalOnMissingBean(name = "shardwiseProducerHealthIndicator")
        HealthIndicator shardwiseProducerHealthIndicator(KinesisProducer producer, ShardwiseProducerProperties properties) {
            return health(producer::stats, producer::isClosed, properties.getHealthMaxOldestRecordAge());
        }
    }

    /** The Firehose producer's health indicator. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(FirehoseProducer.class)
    @ConditionalOnBean(FirehoseProducer.class)
    @EnableConfigurationProperties(ShardwiseFirehoseProperties.class)
    static class FirehoseProducerHealth {
        /**
         * @param producer the producer
         * @param properties the bound properties
         * @return the health indicator
         */
        @Bean
        @ConditionalOnMissingBean(name = "shardwiseFirehoseProducerHealthIndicator")
        HealthIndicator shardwiseFirehoseProducerHealthIndicator(FirehoseProducer producer, ShardwiseFirehoseProperties properties) {
            return health(producer::stats, producer::isClosed, properties.getHealthMaxOldestRecordAge());
        }
    }

    /**
     * @param stats the producer's counters
     * @param closed whether the producer is closed
     * @param threshold the oldest outstanding record's age beyond which the producer is DOWN
     * @return a health indicator reading them on each call
     */
    static HealthIndicator health(Supplier<ProducerStats> stats, BooleanSupplier closed, Duration threshold) {
        return () -> {
            ProducerStats s = stats.get();
            Health.Builder health = s.senderFailure().isPresent()
                    ? Health.down().withDetail("reason", "sender thread died: " + s.senderFailure().get())
                    : closed.getAsBoolean() ? Health.down().withDetail("reason", "closed")
                    : s.oldestRecordAge().compareTo(threshold) > 0
                            ? Health.down().withDetail("reason", "oldest outstanding record is older than " + threshold)
                            : Health.up();
            return health.withDetail("outstandingRecords", s.outstandingRecords())
                    .withDetail("oldestRecordAge", s.oldestRecordAge().toString())
                    .withDetail("recordsSucceeded", s.userRecordsSucceeded())
                    .withDetail("recordsFailed", s.userRecordsFailed())
                    .build();
        };
    }
}
