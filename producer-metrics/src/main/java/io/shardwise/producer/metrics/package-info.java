/**
 * Micrometer metrics for a Shardwise producer: the KPL's metric set under Micrometer names.
 *
 * <p>Start from {@link io.shardwise.producer.metrics.ProducerMetrics}: {@code
 * ProducerMetrics.builder(producer).granularity(...).commonTags(...).bindTo(registry)} registers
 * the meters and returns the binder, whose {@code close()} removes them again. Every meter name,
 * tag key and fixed tag value is a constant in {@link io.shardwise.producer.metrics.MeterNames};
 * {@code docs/metrics.md} lists the meters with their types, units, tags and KPL counterparts.
 *
 * <p>A {@link io.shardwise.producer.KinesisProducer} or a
 * {@link io.shardwise.producer.firehose.FirehoseProducer} can be bound (the latter without shard
 * meters). Producer-wide meters read the producer's {@code stats()} when polled;
 * stream- and shard-tagged meters, timers and distributions are fed by a package-private
 * {@link io.shardwise.producer.ProducerObserver} ({@code MetricsObserver}) that caches its meters
 * per stream and shard. Nothing is observed while no binder is bound.
 */
package io.shardwise.producer.metrics;
