/**
 * Runnable examples. {@link io.shardwise.producer.examples.DemoProducer} is the demo the README
 * starts with: it produces to a local Kinesis-compatible server and reads every record back.
 * {@code kpl} holds a KPL migration before and after, {@code cloudwatch} the producer's metrics in
 * CloudWatch under the KPL's names.
 */
package io.shardwise.producer.examples;
