/**
 * The end-to-end benchmark harness: Shardwise, the KPL 1.1.1 and a plain AWS SDK v2 putRecords loop
 * side by side against a local {@code FakeKinesis} over TLS. Start at {@link io.shardwise.benchmarks.BenchmarkMain}
 * (the harness: endpoint, workloads, table, Markdown), which forks one
 * {@link io.shardwise.benchmarks.ProducerRunner} JVM per producer process (the drivers:
 * {@code ShardwiseDriver}, {@code KplDriver}, {@code SdkDriver}); {@code Verifier} checks every stored
 * user record; {@link io.shardwise.benchmarks.JfrSummary} summarises a JFR profile. Run it with
 * {@code benchmarks/run}. Not published; not part of the test suite.
 */
package io.shardwise.benchmarks;
