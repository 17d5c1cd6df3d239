/**
 * The producer for Amazon Data Firehose delivery streams: {@link io.shardwise.producer.firehose.FirehoseProducer}
 * batches records into PutRecordBatch calls (500 records, 4 MiB, 1,000 KiB per record), retries
 * only the entries the service reports failed, and optionally packs small records into one
 * Firehose record with a delimiter ({@link io.shardwise.producer.firehose.FirehoseProducerConfig#packingEnabled()}).
 * It runs on the same engine as {@link io.shardwise.producer.KinesisProducer}: the same back-off,
 * record TTL, backpressure, flush and close guarantees, and the same exception types
 * ({@link io.shardwise.producer.RecordFailedException} and its subclasses).
 */
package io.shardwise.producer.firehose;
