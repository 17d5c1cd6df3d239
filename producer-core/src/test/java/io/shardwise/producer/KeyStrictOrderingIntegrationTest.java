package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.testkit.KinesisLocal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@link Ordering#KEY_STRICT} against kinesis-local (issue 16): records of 50 keys are produced
 * while a shard of a 2-shard stream of the test's own is split (or the two shards merged), and the
 * stream is read back through the KCL's deaggregator, every parent before its children as the KCL
 * does: per key, the records appear in added order, each succeeded one exactly where its result
 * says. kinesis-local closes the parents and routes to the children as soon as SplitShard or
 * MergeShards returns, then reports the stream UPDATING for half a second. With aggregation,
 * aggregates sent on the map from before a split land on a child that does not hold all their
 * records (the KCL would drop them) and are re-sent; without, the handover from parent to children
 * is what is tested.
 */
class KeyStrictOrderingIntegrationTest {
    private static final int KEYS = 50;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void perKeyOrderHoldsAcrossASplitWhenTheKclReadsParentsBeforeChildren(boolean aggregation) throws Exception {
        produceReshardAndCheck(aggregation, (client, stream) -> {
            Shard parent = KinesisLocal.shared().listShards(stream).get(0);
            BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
            String middle = start.add(end).shiftRight(1).toString();
            return client.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId()).newStartingHashKey(middle));
        }, 2);
    }

    @Test
    void perKeyOrderHoldsAcrossAMergeWhenTheKclReadsBothParentsBeforeTheChild() throws Exception {
        produceReshardAndCheck(true, (client, stream) -> {
            List<Shard> shards = KinesisLocal.shared().listShards(stream);
            return client.mergeShards(b -> b.streamName(stream).shardToMerge(shards.get(0).shardId())
                    .adjacentShardToMerge(shards.get(1).shardId()));
        }, 1);
    }

    /**
     * Produces on a new 2-shard stream, reshards it midway (the first shard is a parent), reads it
     * back and checks per-key order, that records are read both on the first shard and on its
     * {@code children} children, and that records were sent on the map from before the reshard.
     */
    private static void produceReshardAndCheck(boolean aggregation,
            BiFunction<KinesisAsyncClient, String, CompletableFuture<?>> reshard, int children) throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "key-strict-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);
        List<Shard> initial = local.listShards(stream);
        String parent = initial.get(0).shardId();
        ProducerConfig config = ProducerConfig.builder()
                .ordering(Ordering.KEY_STRICT)
                .recordMaxBufferedTime(Duration.ofMillis(5))
                .aggregationEnabled(aggregation)
                .build();
        KeyOrderCheck records = new KeyOrderCheck(KEYS);
        ProducerStats stats;
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).config(config).build()) {
            records.produceResharding(producer, parent, initial.stream().map(Shard::shardId).collect(Collectors.toSet()),
                    () -> reshard.apply(client, stream).orTimeout(1, TimeUnit.MINUTES).join(),
                    () -> client.describeStreamSummary(b -> b.streamName(stream)).orTimeout(1, TimeUnit.MINUTES).join()
                            .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE,
                    10, 20);
            stats = producer.stats();
        }

        List<Shard> shards = local.listShards(stream);
        Set<String> childIds = shards.stream()
                .filter(s -> parent.equals(s.parentShardId()) || parent.equals(s.adjacentParentShardId()))
                .map(Shard::shardId).collect(Collectors.toSet());
        assertThat(childIds).as("children of %s", parent).hasSize(children);
        List<KclConsumer.UserRecord> read = KeyOrderCheck.parentsFirst(KclConsumer.readStream(local, stream), shards);
        KeyOrderCheck.Outcome outcome = records.verify(read);
        Map<String, Integer> perShard = outcome.readPerShard();
        System.out.printf("key-strict %s, aggregation %s: %d records of %d keys added, %d succeeded, %d failed; the KCL"
                + " read %d (%d extra copies) per shard %s; %d prediction misses, %d shard-map loads, %d records re-sent"
                + " because their aggregate landed on a child not holding all its records%n",
                children == 1 ? "merge" : "split", aggregation, records.added().size(), KEYS, outcome.succeeded(),
                outcome.failed(), read.size(), outcome.duplicatesRead(), perShard, stats.shardPredictionMisses(),
                stats.shardMapRefreshes(), records.storedAfter("AggregateOnUnexpectedShard"));

        // The reshard happened while the keys of the parent were being produced: some of their records
        // are read on the parent, some on a child.
        assertThat(perShard.getOrDefault(parent, 0)).as("records read on the parent").isPositive();
        assertThat(childIds.stream().mapToInt(c -> perShard.getOrDefault(c, 0)).sum()).as("records read on the children")
                .isPositive();
        // Records were sent on the map from before the reshard (the producer learns of a reshard only so).
        assertThat(stats.shardPredictionMisses()).as("records sent on the map from before the reshard").isPositive();
        assertThat(stats.shardMapRefreshes()).as("shard-map loads (the first included)").isGreaterThanOrEqualTo(2);
    }
}
