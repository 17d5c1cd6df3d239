/**
 * Runnable examples. {@link io.shardwise.producer.examples.DemoProducer} is the demo the README
 * starts with: it produces to a local Kinesis-compatible server and reads every record back.
 */
package io.shardwise.producer.examples;
