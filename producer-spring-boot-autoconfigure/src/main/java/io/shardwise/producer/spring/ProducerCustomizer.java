package io.shardwise.producer.spring;

import io.shardwise.producer.KinesisProducer;

/**
 * Customizes the autoconfigured {@link KinesisProducer} before it is built: every bean of this type
 * is applied, in {@code @Order}, after the properties. Use it for what properties cannot express
 * (a callback executor, a custom credentials provider).
 */
@FunctionalInterface
public interface ProducerCustomizer {
    /**
     * @param builder the builder, already holding the client and configuration from properties
     */
    void customize(KinesisProducer.Builder builder);
}
