/**
 * JMH micro-benchmarks of the hot path, through public API only (the engine's classes are
 * package-private): hash + shard lookup ({@code HashShardLookupBenchmark}), KPL-format aggregation
 * ({@code AggregationBenchmark}), PutRecords request building ({@code PutRecordsPackingBenchmark})
 * and {@code addUserRecord} under contention from 1, 2 and 8 threads ({@code AddRecordBenchmark}).
 * Run with {@code benchmarks/run --jmh [JMH options]}, e.g. {@code --jmh -prof gc}.
 */
package io.shardwise.benchmarks.jmh;
