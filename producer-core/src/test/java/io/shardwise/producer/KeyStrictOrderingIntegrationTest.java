package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.testkit.KinesisLocal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@link Ordering#KEY_STRICT} against kinesis-local (issue 16): records of 50 keys are produced
 * while a shard of a 2-shard stream is split (kinesis-local closes the parent and routes to the
 * children at once, then reports the stream UPDATING for half a second), and the stream is read
 * back through the KCL's deaggregator, every parent before its children as the KCL does: per key,
 * the records appear in added order, each succeeded one exactly where its result says. With
 * aggregation, aggregates sent on the stale map land on a child that does not hold all their records
 * (the KCL would drop them) and are re-sent; without, the handover from parent to child is what is
 * tested.
 */
class KeyStrictOrderingIntegrationTest {
    private static final int KEYS = 50;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void perKeyOrderHoldsAcrossASplitWhenTheKclReadsParentsBeforeChildren(boolean aggregation) throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "key-strict-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);
        List<Shard> initial = local.listShards(stream);
        Shard parent = initial.get(0);
        BigInteger start = new BigInteger(parent.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(parent.hashKeyRange().endingHashKey());
        String middle = start.add(end).shiftRight(1).toString();

        ProducerConfig config = ProducerConfig.builder()
                .ordering(Ordering.KEY_STRICT)
                .recordMaxBufferedTime(Duration.ofMillis(5))
                .aggregationEnabled(aggregation)
                .build();
        KeyOrderCheck records = new KeyOrderCheck(KEYS);
        ProducerStats stats;
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).config(config).build()) {
            records.produceSplittingMidway(producer, parent.shardId(),
                    initial.stream().map(Shard::shardId).collect(Collectors.toSet()),
                    () -> client.splitShard(b -> b.streamName(stream).shardToSplit(parent.shardId()).newStartingHashKey(middle))
                            .orTimeout(1, TimeUnit.MINUTES).join(),
                    () -> client.describeStreamSummary(b -> b.streamName(stream)).orTimeout(1, TimeUnit.MINUTES).join()
                            .streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE,
                    10, 20);
            stats = producer.stats();
        }

        List<Shard> shards = local.listShards(stream);
        Set<String> children = shards.stream().filter(s -> parent.shardId().equals(s.parentShardId()))
                .map(Shard::shardId).collect(Collectors.toSet());
        assertThat(children).as("children of %s", parent.shardId()).hasSize(2);
        List<KclConsumer.UserRecord> read = KeyOrderCheck.parentsFirst(KclConsumer.readStream(local, stream), shards);
        KeyOrderCheck.Outcome outcome = records.verify(read);
        Map<String, Integer> perShard = outcome.readPerShard();
        System.out.printf("key-strict split, aggregation %s: %d records of %d keys added, %d succeeded, %d failed; the KCL read %d"
                + " (%d extra copies) per shard %s; %d prediction misses, %d shard-map loads, %d records re-sent"
                + " because their aggregate landed on a child not holding all its records%n",
                aggregation, records.added().size(), KEYS, outcome.succeeded(), outcome.failed(), read.size(),
                outcome.duplicatesRead(), perShard, stats.shardPredictionMisses(), stats.shardMapRefreshes(),
                records.storedAfter("AggregateOnUnexpectedShard"));

        // The split happened while the keys of its range were being produced: some of their records
        // are read on the parent, some on a child.
        assertThat(perShard.getOrDefault(parent.shardId(), 0)).as("records read on the parent").isPositive();
        assertThat(children.stream().mapToInt(c -> perShard.getOrDefault(c, 0)).sum()).as("records read on the children")
                .isPositive();
        // Records were sent on the map from before the split (the producer learns of a reshard only so).
        assertThat(stats.shardPredictionMisses()).as("records sent on the map from before the split").isPositive();
        assertThat(stats.shardMapRefreshes()).as("shard-map loads (the first included)").isGreaterThanOrEqualTo(2);
    }
}
