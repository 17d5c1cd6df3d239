/**
 * The producer's meters in CloudWatch as the KPL published its metrics: the KPL's namespace, metric and
 * dimension names, level and granularity ({@link io.shardwise.producer.examples.cloudwatch.KplCloudWatchMetrics},
 * {@link io.shardwise.producer.examples.cloudwatch.KplMeterFilter}).
 */
package io.shardwise.producer.examples.cloudwatch;
