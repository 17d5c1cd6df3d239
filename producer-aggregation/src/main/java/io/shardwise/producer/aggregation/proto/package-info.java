/**
 * Protobuf message classes of the KPL aggregated-record format, generated at build time by protoc
 * from {@code src/main/proto/kpl_aggregation.proto}: {@code KplAggregation.AggregatedRecord}, {@code
 * KplAggregation.Record} and {@code KplAggregation.Tag}.
 *
 * <p>These are an implementation detail of {@link io.shardwise.producer.aggregation.Deaggregator},
 * public only because protoc generates public classes; start from it and {@link
 * io.shardwise.producer.aggregation.RecordAggregator} instead. (The aggregator writes the same
 * messages by hand, for speed; its tests check it byte for byte against these classes.)
 */
package io.shardwise.producer.aggregation.proto;
