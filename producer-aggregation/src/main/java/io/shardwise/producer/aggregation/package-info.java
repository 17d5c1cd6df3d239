/**
 * The KPL aggregated-record format: packing many small user records into one Kinesis record, and
 * unpacking them again, byte-compatible with the Kinesis Producer Library, the KCL and AWS's Lambda
 * deaggregation helpers.
 *
 * <p>Where to start:
 *
 * <ul>
 *   <li>{@link io.shardwise.producer.aggregation.AggregatedRecordFormat} — the wire format (magic
 *       bytes {@code F3 89 9A C2}, a protobuf {@code AggregatedRecord}, the 16-byte MD5 of the
 *       protobuf bytes) and {@code isAggregated(byte[])}.
 *   <li>{@link io.shardwise.producer.aggregation.RecordAggregator} — the producer side: one
 *       not-thread-safe buffer per shard with exact size accounting ({@code sizeIfAdded}), {@code
 *       tryAdd} and {@code toBytes}.
 *   <li>{@link io.shardwise.producer.aggregation.Deaggregator} — the consumer side, for plain bytes
 *       and SDK v2 {@code Record}s, with a configurable policy for corrupt aggregates ({@link
 *       io.shardwise.producer.aggregation.InvalidRecordPolicy}) and optional filtering to a shard's
 *       hash-key range; it returns {@link io.shardwise.producer.aggregation.DeaggregatedRecord}s.
 *   <li>{@link io.shardwise.producer.aggregation.LambdaDeaggregator} — the same for AWS Lambda's
 *       {@code KinesisEvent} (needs {@code com.amazonaws:aws-lambda-java-events} on the class path).
 * </ul>
 *
 * <p>The protobuf messages are generated at build time from {@code kpl_aggregation.proto} into
 * {@code io.shardwise.producer.aggregation.proto}. This module depends on {@code protobuf-java}
 * only; the AWS SDK ({@code software.amazon.awssdk:kinesis}) and the Lambda events library are
 * optional dependencies, touched only by the overloads that take their types.
 */
package io.shardwise.producer.aggregation;
