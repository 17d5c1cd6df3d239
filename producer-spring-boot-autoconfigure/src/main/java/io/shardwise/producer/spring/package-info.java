/**
 * Spring Boot autoconfiguration for Shardwise. Start from
 * {@link io.shardwise.producer.spring.ShardwiseProducerAutoConfiguration}: it creates a
 * {@code KinesisProducer} bean from {@link io.shardwise.producer.spring.ShardwiseProducerProperties}
 * ({@code shardwise.producer.*}), binds its Micrometer metrics when a {@code MeterRegistry} bean
 * exists, adds an Actuator health indicator when Actuator is present, and closes the producer
 * (flushing first) when the context closes. With {@code shardwise.firehose.enabled=true},
 * {@link io.shardwise.producer.spring.ShardwiseFirehoseAutoConfiguration} does the same for a
 * {@code FirehoseProducer} from {@link io.shardwise.producer.spring.ShardwiseFirehoseProperties}
 * ({@code shardwise.firehose.*}), next to the Kinesis one. Every bean backs off when the
 * application defines its own.
 */
package io.shardwise.producer.spring;
