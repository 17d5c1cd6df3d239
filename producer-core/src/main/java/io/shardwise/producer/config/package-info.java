/**
 * The tuning options of the Kinesis and the Firehose producer, each declared once
 * ({@link io.shardwise.producer.config.Options}): name, type, default, range and meaning. The
 * declarations drive the configurations' validation, defaults, {@code toString} and
 * {@code equals}/{@code hashCode} ({@link io.shardwise.producer.config.OptionValues}) and the Spring
 * Boot properties. This package depends on nothing else of Shardwise.
 */
package io.shardwise.producer.config;
