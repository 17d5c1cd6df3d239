package io.shardwise.producer.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KclConsumer;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.UserRecord;
import io.shardwise.producer.testkit.FakeKinesis;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Records of up to 10 MiB, on streams configured for them, against FakeKinesis enforcing the shard
 * limits as the service does (1 MiB/s per shard, large records absorbed by a refilling burst
 * allowance): they are stored whole and read back with the KCL's deaggregator, they go out as soon as
 * their shard's limiter allows, and they hold up only their own shard.
 */
class LargeRecordsTest {
    private static final int TEN_MIB = 10 * 1024 * 1024;

    @Test
    void aTenMebibyteRecordReachesATenMebibyteStream() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("large", 2, 10_240).seed(41).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            String key = "big-one";
            byte[] data = new byte[TEN_MIB - key.length()]; // data plus key: exactly the stream's maximum
            for (int i = 0; i < data.length; i++) {
                data[i] = (byte) (i * 31 + 7);
            }
            PutResult result;
            try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("large")
                    .config(ProducerConfig.builder().requestTimeout(Duration.ofSeconds(60)).build()).build()) {
                CompletableFuture<PutResult> small = producer.addUserRecord("small", new byte[] {1, 2, 3});
                result = producer.addUserRecord(key, data).get(2, TimeUnit.MINUTES);
                assertThat(small.get(1, TimeUnit.MINUTES).shardId()).startsWith("shardId-");
            }
            Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(KclConsumer.readStream(kinesis, "large"));
            KclConsumer.UserRecord back = read.get(KclConsumer.location(result));
            assertThat(back).as("the 10 MiB record, where its result says").isNotNull();
            assertThat(back.partitionKey()).isEqualTo(key);
            assertThat(Arrays.equals(back.data(), data)).as("its data, byte for byte").isTrue();
            assertThat(kinesis.counters().entriesThrottled()).isZero();
        }
    }

    /**
     * 5 % large records: shard 0 gets two 5 MiB records among its small ones; shards 1-3 only small
     * ones. Every record is delivered, nothing is throttled, and the other shards' records are not
     * held up by shard 0's large ones (they all complete before shard 0's second large record).
     */
    @Test
    void largeRecordsHoldUpOnlyTheirOwnShard() throws Exception {
        int smallPerShard = 13;
        int fiveMib = 5 * 1024 * 1024;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("mix", 4, 10_240).seed(43).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            List<Shard> shards = kinesis.shards("mix");
            List<CompletableFuture<PutResult>> otherShards = new ArrayList<>();
            List<CompletableFuture<PutResult>> shardZero = new ArrayList<>();
            List<CompletableFuture<PutResult>> large = new ArrayList<>();
            long[] otherDoneAt = new long[1];
            // Completion order, counted (not timed): each completion takes the next number.
            java.util.concurrent.atomic.AtomicInteger order = new java.util.concurrent.atomic.AtomicInteger();
            int[] otherDoneAs = new int[1];
            int[] secondLargeDoneAs = new int[1];
            ProducerStats stats;
            long start = System.nanoTime();
            try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("mix")
                    .config(ProducerConfig.builder().requestTimeout(Duration.ofSeconds(60)).recordTtl(Duration.ofMinutes(2))
                            .build()).build()) {
                for (int s = 0; s < shards.size(); s++) {
                    String hashKey = new BigInteger(shards.get(s).hashKeyRange().startingHashKey()).add(BigInteger.ONE).toString();
                    for (int i = 0; i < smallPerShard; i++) {
                        UserRecord r = UserRecord.builder().partitionKey("s" + s + "-" + i).explicitHashKey(hashKey)
                                .data(new byte[1000]).build();
                        (s == 0 ? shardZero : otherShards).add(producer.addUserRecord(r));
                        if (s == 0 && (i == 3 || i == 8)) {
                            large.add(producer.addUserRecord(UserRecord.builder().partitionKey("large-" + i).explicitHashKey(hashKey)
                                    .data(new byte[fiveMib]).build()));
                        }
                    }
                }
                large.get(1).whenComplete((r, e) -> secondLargeDoneAs[0] = order.incrementAndGet());
                CompletableFuture.allOf(otherShards.toArray(new CompletableFuture<?>[0])).thenRun(() -> {
                    otherDoneAs[0] = order.incrementAndGet();
                    otherDoneAt[0] = System.nanoTime(); // printed only
                }).get(2, TimeUnit.MINUTES);
                producer.flush().get(2, TimeUnit.MINUTES);
                stats = producer.stats();
            }
            long allDoneAt = System.nanoTime(); // printed only
            for (CompletableFuture<PutResult> f : large) {
                f.get();
            }
            assertThat(stats.userRecordsSucceeded()).isEqualTo(4L * smallPerShard + 2);
            assertThat(kinesis.counters().entriesThrottled()).as("entries the endpoint throttled").isZero();
            // Completion order, not a time limit: the other shards were not held up by shard 0's large records.
            assertThat(otherDoneAs[0]).as("the other shards' records completed before shard 0's second large record")
                    .isLessThan(secondLargeDoneAs[0]);
            System.out.printf("large-record mix (2 x 5 MiB among %d x 1 KB, 4 shards, limits enforced): other shards done after"
                    + " %d ms, everything after %d ms; %d requests, %d throttled%n", 4 * smallPerShard,
                    (otherDoneAt[0] - start) / 1_000_000, (allDoneAt - start) / 1_000_000, stats.putRecordsRequests(),
                    stats.throttledEntries());
        }
    }
}
