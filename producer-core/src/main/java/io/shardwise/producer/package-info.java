/**
 * Shardwise: a shard-aware, high-throughput producer for Amazon Kinesis Data Streams.
 *
 * <p>Start from {@link io.shardwise.producer.KinesisProducer#builder()}. Records are added with
 * {@link io.shardwise.producer.KinesisProducer#addUserRecord(String, String, byte[])}, which validates
 * the record at once (throwing a subclass of {@link io.shardwise.producer.InvalidUserRecordException})
 * and returns a future that completes with a {@link io.shardwise.producer.PutResult} (where the record
 * landed) or fails with a {@link io.shardwise.producer.RecordFailedException} listing every attempt.
 * Tuning lives in the immutable {@link io.shardwise.producer.ProducerConfig}.
 *
 * <p>The engine behind it lives in {@code io.shardwise.producer.internal} and is not public API.
 */
package io.shardwise.producer;
