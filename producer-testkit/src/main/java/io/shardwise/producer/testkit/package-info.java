/**
 * Local Kinesis-compatible (and Firehose-compatible) endpoints for tests, demos and benchmarks.
 *
 * <ul>
 *   <li>{@link io.shardwise.producer.testkit.FakeKinesis}: an in-process, fast endpoint speaking the
 *       Kinesis JSON and CBOR protocols over HTTP/1.1 and HTTP/2 (optionally TLS), with per-shard
 *       limits like the service (with the burst allowance the service gives records larger than a
 *       shard's one-second budget), streams named by name or ARN, per-stream maximum record sizes
 *       (UpdateMaxRecordSize), and fault injection ({@link io.shardwise.producer.testkit.Faults}):
 *       failed entries, 500/503, slow responses, dropped connections, request-level errors, a
 *       resharding split, hot shards. It records every accepted record. The same endpoint also
 *       speaks Amazon Data Firehose (PutRecordBatch, PutRecord, DescribeDeliveryStream,
 *       ListDeliveryStreams) with the same faults, keeping what it accepted as
 *       {@link io.shardwise.producer.testkit.FirehoseRecord}s. Start here for tests of delivery
 *       guarantees and for throughput runs.</li>
 *   <li>{@link io.shardwise.producer.testkit.KinesisLocal#shared()}: a real kinesis-local
 *       (kinesis-mock, the engine LocalStack uses) server: connects to the one named by
 *       {@code SHARDWISE_KINESIS_ENDPOINT}, or installs and starts it on a free loopback port.
 *       Slow, but a second implementation of the service's semantics.</li>
 * </ul>
 */
package io.shardwise.producer.testkit;
