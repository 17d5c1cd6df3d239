/**
 * Local Kinesis-compatible endpoints for tests and demos. Start from
 * {@link io.shardwise.producer.testkit.KinesisLocal#shared()}: it connects to the server named by
 * {@code SHARDWISE_KINESIS_ENDPOINT}, or installs and starts kinesis-local (kinesis-mock, the
 * engine LocalStack uses) on a free loopback port.
 */
package io.shardwise.producer.testkit;
