package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.paced;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.quantile;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * One shard throttles every entry for a while (a hot shard); the other shards keep running: all
 * their records complete while the hot shard is still hot, on their first attempt, while the hot
 * shard's records wait and retry, and are delivered once it cools down. Every acknowledged record is
 * read back by the KCL where its result says. Correctness only: the other shards' latency is
 * printed, not asserted (it depends on what else the machine is doing).
 */
class HotShardTest {
    private static final String STREAM = "hot";

    @Test
    void aHotShardHoldsUpOnlyItself() throws Exception {
        int shards = 4;
        int perSecond = 2_000; // 500 records/s per shard: half a shard's limit
        int n = perSecond * 3;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, shards).seed(41).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            String hot = kinesis.shards(STREAM).get(0).shardId();
            kinesis.hotShard(STREAM, hot);
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(500)).build();
            boolean[] isHot = new boolean[n];
            long[] addedAt = new long[n]; // printed only
            long[] doneAt = new long[n]; // printed only
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            List<CompletableFuture<PutResult>> observed = new ArrayList<>(n);
            List<CompletableFuture<PutResult>> cool = new ArrayList<>();
            List<CompletableFuture<PutResult>> hotOnes = new ArrayList<>();
            ProducerStats stats;
            long hotDoneWhileHot;
            long throttledWhileHot;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                paced(n, perSecond, i -> {
                    String key = "key-" + i;
                    isHot[i] = kinesis.shardIdForPartitionKey(STREAM, key).equals(hot);
                    addedAt[i] = System.nanoTime();
                    CompletableFuture<PutResult> f = producer.addUserRecord(key, payload(i, 100));
                    futures.add(f);
                    observed.add(f.whenComplete((r, e) -> doneAt[i] = System.nanoTime()));
                    (isHot[i] ? hotOnes : cool).add(observed.get(i));
                });
                producer.flush();
                // The other shards' records all complete while the hot shard still throttles every entry.
                awaitAll(cool, HANG);
                hotDoneWhileHot = hotOnes.stream().filter(CompletableFuture::isDone).count();
                throttledWhileHot = kinesis.counters().entriesThrottled();
                kinesis.clearShardOverrides(STREAM, hot);
                producer.flush();
                awaitAll(observed, HANG);
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();

            List<Long> coolLatency = new ArrayList<>();
            int coolRetried = 0;
            int hotRetried = 0;
            int hotMinAttempts = Integer.MAX_VALUE;
            int hotMaxAttempts = 0;
            int failed = 0;
            for (int i = 0; i < n; i++) {
                if (failure(futures.get(i)) != null) {
                    failed++;
                    continue;
                }
                PutResult r = futures.get(i).join();
                if (isHot[i]) {
                    assertThat(r.shardId()).isEqualTo(hot);
                    hotMinAttempts = Math.min(hotMinAttempts, r.attempts().size());
                    hotMaxAttempts = Math.max(hotMaxAttempts, r.attempts().size());
                    if (r.attempts().size() > 1) {
                        hotRetried++; // throttled, then retried: the rest waited in the shard's queue, paced by its limiter
                    }
                    for (int k = 0; k < r.attempts().size() - 1; k++) {
                        assertThat(r.attempts().get(k).errorCode()).hasValue("ProvisionedThroughputExceededException");
                    }
                } else {
                    assertThat(r.shardId()).isNotEqualTo(hot);
                    coolLatency.add((doneAt[i] - addedAt[i]) / 1_000_000);
                    if (r.attempts().size() > 1) {
                        coolRetried++;
                    }
                }
            }
            long[] coolMillis = coolLatency.stream().mapToLong(Long::longValue).toArray();
            int readBack = assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r");
            System.out.printf("hot shard: %d records over %d shards at %d records/s, %s hot until the other %d records completed"
                    + " (latency p50 %d ms, p99 %d ms, max %d ms, printed only; %d retried); hot shard: %d records, %d throttled and"
                    + " retried, %d..%d attempts each; %d read back by the KCL; producer: %s; endpoint: %s%n",
                    n, shards, perSecond, hot, cool.size(), quantile(coolMillis, 0.5), quantile(coolMillis, 0.99),
                    quantile(coolMillis, 1), coolRetried, hotOnes.size(), hotRetried, hotMinAttempts, hotMaxAttempts, readBack,
                    summary(stats), summary(c));

            assertThat(hotDoneWhileHot).as("hot-shard records completed while the shard was hot").isZero();
            assertThat(throttledWhileHot).as("entries the hot shard throttled before it cooled down").isPositive();
            assertThat(failed).as("records failed").isZero();
            assertThat(hotOnes.size()).as("records of the hot shard").isGreaterThan(n / shards / 2);
            assertThat(hotRetried).as("hot-shard records throttled and retried").isPositive();
            assertThat(stats.throttledEntries()).as("throttled entries").isEqualTo(c.entriesThrottled());
            assertThat(coolRetried).as("records of other shards that needed a retry").isZero();
            assertThat(readBack).as("records read back by the KCL where their results say").isEqualTo(n);
        }
    }
}
