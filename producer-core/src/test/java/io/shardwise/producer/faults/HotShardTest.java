package io.shardwise.producer.faults;

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
 * One shard throttles every entry for a while (a hot shard); the other shards keep running at full
 * speed: their records complete at once, on their first attempt, while the hot shard's records
 * wait and retry, and are delivered once it cools down.
 */
class HotShardTest {
    private static final String STREAM = "hot";

    @Test
    void aHotShardSlowsOnlyItself() throws Exception {
        int shards = 4;
        int perSecond = 2_000; // 500 records/s per shard: half a shard's limit
        int n = perSecond * 3;
        long hotMillis = 3_500;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, shards).seed(41).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            String hot = kinesis.shards(STREAM).get(0).shardId();
            kinesis.hotShard(STREAM, hot);
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(500)).build();
            boolean[] isHot = new boolean[n];
            long[] addedAt = new long[n];
            long[] doneAt = new long[n];
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            List<CompletableFuture<PutResult>> observed = new ArrayList<>(n);
            ProducerStats stats;
            long start = System.nanoTime();
            long cooledAt;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                paced(n, perSecond, i -> {
                    String key = "key-" + i;
                    isHot[i] = kinesis.shardIdForPartitionKey(STREAM, key).equals(hot);
                    addedAt[i] = System.nanoTime();
                    CompletableFuture<PutResult> f = producer.addUserRecord(key, payload(i, 100));
                    futures.add(f);
                    observed.add(f.whenComplete((r, e) -> doneAt[i] = System.nanoTime()));
                });
                long left = hotMillis - (System.nanoTime() - start) / 1_000_000;
                if (left > 0) {
                    Thread.sleep(left);
                }
                List<CompletableFuture<PutResult>> hotBefore = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (isHot[i]) {
                        hotBefore.add(futures.get(i));
                    }
                }
                long hotDoneWhileHot = hotBefore.stream().filter(CompletableFuture::isDone).count();
                cooledAt = System.nanoTime();
                kinesis.clearShardOverrides(STREAM, hot);
                producer.flush();
                awaitAll(observed, Duration.ofSeconds(40));
                stats = producer.stats();
                assertThat(hotDoneWhileHot).as("hot-shard records completed while the shard was hot").isZero();
            }
            FakeKinesis.Counters c = kinesis.counters();

            List<Long> coolLatency = new ArrayList<>();
            List<Long> hotAfterCooling = new ArrayList<>();
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
                    hotAfterCooling.add((doneAt[i] - cooledAt) / 1_000_000);
                } else {
                    coolLatency.add((doneAt[i] - addedAt[i]) / 1_000_000);
                    if (r.attempts().size() > 1) {
                        coolRetried++;
                    }
                }
            }
            long[] cool = coolLatency.stream().mapToLong(Long::longValue).toArray();
            long[] hotDone = hotAfterCooling.stream().mapToLong(Long::longValue).toArray();
            System.out.printf("hot shard: %d records over %d shards at %d records/s, %s hot for %d ms;"
                    + " other shards: %d records, latency p50 %d ms, p99 %d ms, max %d ms, %d retried;"
                    + " hot shard: %d records (%d throttled and retried, the rest held back by its limiter), %d..%d attempts each, all delivered %d ms after it cooled down (p50 %d ms)%n"
                    + "  producer: %s%n  endpoint: %s%n",
                    n, shards, perSecond, hot, hotMillis, cool.length, quantile(cool, 0.5), quantile(cool, 0.99),
                    quantile(cool, 1), coolRetried, hotDone.length, hotRetried, hotMinAttempts, hotMaxAttempts, quantile(hotDone, 1),
                    quantile(hotDone, 0.5), summary(stats), summary(c));

            assertThat(failed).as("records failed").isZero();
            assertThat(hotDone.length).as("records of the hot shard").isGreaterThan(n / shards / 2);
            assertThat(hotRetried).as("hot-shard records throttled and retried").isPositive();
            assertThat(stats.throttledEntries()).as("throttled entries").isEqualTo(c.entriesThrottled());
            assertThat(coolRetried).as("records of other shards that needed a retry").isZero();
            assertThat(quantile(cool, 0.99)).as("p99 latency of other shards' records, ms").isLessThan(500);
            assertThat(quantile(cool, 1)).as("max latency of other shards' records, ms").isLessThan(1_000);
        }
    }
}
