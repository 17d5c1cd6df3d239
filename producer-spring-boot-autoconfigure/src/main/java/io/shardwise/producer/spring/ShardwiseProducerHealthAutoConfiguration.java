package io.shardwise.producer.spring;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerStats;
import java.time.Duration;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * An Actuator health indicator for the producer (when Actuator is on the classpath): DOWN when the
 * producer is closed or its oldest outstanding record is older than
 * {@code shardwise.producer.health-max-oldest-record-age} (default 1 minute), with the outstanding
 * and completed counts as details.
 */
@AutoConfiguration(after = ShardwiseProducerAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(KinesisProducer.class)
public class ShardwiseProducerHealthAutoConfiguration {

    /**
     * @param producer the producer
     * @param properties the bound properties
     * @return the health indicator
     */
    @Bean
    @ConditionalOnMissingBean(name = "shardwiseProducerHealthIndicator")
    public HealthIndicator shardwiseProducerHealthIndicator(KinesisProducer producer, ShardwiseProducerProperties properties) {
        Duration threshold = properties.getHealthMaxOldestRecordAge();
        return () -> {
            ProducerStats stats = producer.stats();
            Health.Builder health = producer.isClosed() ? Health.down().withDetail("reason", "closed")
                    : stats.oldestRecordAge().compareTo(threshold) > 0
                            ? Health.down().withDetail("reason", "oldest outstanding record is older than " + threshold)
                            : Health.up();
            return health.withDetail("outstandingRecords", stats.outstandingRecords())
                    .withDetail("oldestRecordAge", stats.oldestRecordAge().toString())
                    .withDetail("recordsSucceeded", stats.userRecordsSucceeded())
                    .withDetail("recordsFailed", stats.userRecordsFailed())
                    .build();
        };
    }
}
