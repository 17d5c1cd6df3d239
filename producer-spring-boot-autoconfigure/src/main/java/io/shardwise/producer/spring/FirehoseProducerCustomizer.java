package io.shardwise.producer.spring;

import io.shardwise.producer.firehose.FirehoseProducer;

/**
 * Customizes the autoconfigured {@link FirehoseProducer} before it is built: every bean of this type
 * is applied, in {@code @Order}, after the properties. Use it for what properties cannot express
 * (a callback executor, a custom credentials provider).
 */
@FunctionalInterface
public interface FirehoseProducerCustomizer {
    /**
     * @param builder the builder, already holding the client settings, delivery stream and
     *     configuration from properties
     */
    void customize(FirehoseProducer.Builder builder);
}
