package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.Faults;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@link Ordering#KEY_STRICT} under faults injected over HTTP by a {@link FakeKinesis} while a shard
 * is split: records of 50 keys, read back through the KCL's deaggregator with every parent before
 * its children, appear per key in the order added (first copies; a later copy only of a record
 * already read), each succeeded one exactly where its result says. Under {@link Ordering#SHARD} a
 * retried entry is stored after later records of its key, which is what this check catches.
 */
class KeyStrictFaultsTest {
    private static final String STREAM = "key-strict-faults";
    private static final int KEYS = 50;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void perKeyOrderHoldsWhenOnePercentOfEntriesFailAcrossASplit(boolean aggregation) throws Exception {
        Run run = produceSplitAndCheck(aggregation, f -> f.entryFailureRate(0.01), c -> { }, "InternalFailure");
        assertThat(run.storedAfterFault()).as("records stored after an InternalFailure").isPositive();
    }

    @Test
    void recordsOfAKeyQueuedBehindARecordThatFailsForGoodFailTooAndNoGapIsStored() throws Exception {
        // One attempt per record: 1 % of entries fail for good, and the records of their keys queued
        // behind them fail with PrecedingRecordFailedException; records added later start again.
        Run run = produceSplitAndCheck(false, f -> f.entryFailureRate(0.01), c -> c.maxAttempts(1), "InternalFailure");
        assertThat(run.outcome().failed() - run.outcome().failedForAnEarlierRecord()).as("records failed for good on their own")
                .isPositive();
        assertThat(run.outcome().failedForAnEarlierRecord()).as("records failed for an earlier record of their key")
                .isPositive();
        assertThat(run.outcome().succeeded()).as("records stored").isPositive();
    }

    @Test
    void perKeyOrderHoldsWhenRequestsTimeOutAfterBeingStoredAcrossASplit() throws Exception {
        // 2 % of requests are stored at once and answered after 1.5 s, past the 0.5 s request timeout:
        // their records are stored twice, once by the request that timed out and once by its retry.
        Run run = produceSplitAndCheck(true, f -> f.slowResponses(0.02, Duration.ofMillis(1500)),
                c -> c.requestTimeout(Duration.ofMillis(500)), "RequestTimeout");
        assertThat(run.storedAfterFault()).as("records stored after a RequestTimeout").isPositive();
        assertThat(run.outcome().duplicatesRead()).as("later copies the KCL reads").isPositive();
    }

    /** What one run counted. */
    private record Run(KeyOrderCheck.Outcome outcome, long storedAfterFault) {
    }

    private static Run produceSplitAndCheck(boolean aggregation, Consumer<Faults> faults,
            Consumer<ProducerConfig.Builder> settings, String faultCode) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(16).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            faults.accept(kinesis.faults());
            List<Shard> initial = kinesis.shards(STREAM);
            String parent = initial.get(0).shardId();
            ProducerConfig.Builder builder = ProducerConfig.builder()
                    .ordering(Ordering.KEY_STRICT)
                    .recordMaxBufferedTime(Duration.ofMillis(5))
                    .retryBackoffBase(Duration.ofMillis(5))
                    .retryBackoffMax(Duration.ofMillis(50))
                    .aggregationEnabled(aggregation)
                    // small aggregates: many entries, so that a fault on 1 % of them hits many records
                    .aggregationMaxCount(4);
            settings.accept(builder);
            ProducerConfig config = builder.build();
            KeyOrderCheck records = new KeyOrderCheck(KEYS);
            ProducerStats stats;
            try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM).config(config).build()) {
                records.produceResharding(producer, parent, initial.stream().map(Shard::shardId).collect(Collectors.toSet()),
                        () -> kinesis.splitShard(STREAM, parent), () -> true, 20, 100);
                stats = producer.stats();
            }
            List<Shard> shards = kinesis.shards(STREAM);
            Set<String> children = shards.stream().filter(s -> parent.equals(s.parentShardId())).map(Shard::shardId)
                    .collect(Collectors.toSet());
            List<KclConsumer.UserRecord> read = KeyOrderCheck.parentsFirst(KclConsumer.readStream(kinesis, STREAM), shards);
            KeyOrderCheck.Outcome outcome = records.verify(read);
            Map<String, Integer> perShard = outcome.readPerShard();
            FakeKinesis.Counters counters = kinesis.counters();
            long afterFault = records.storedAfter(faultCode);
            System.out.printf("key-strict %s, aggregation %s: %d records of %d keys added, %d succeeded (%d after %s),"
                    + " %d failed (%d for an earlier record); the KCL read %d (%d extra copies) per shard %s; %d entries received, %d stored;"
                    + " %d prediction misses, %d shard-map loads%n",
                    faultCode, aggregation, records.added().size(), KEYS, outcome.succeeded(), afterFault, faultCode,
                    outcome.failed(), outcome.failedForAnEarlierRecord(), read.size(), outcome.duplicatesRead(), perShard, counters.entriesReceived(),
                    counters.entriesStored(), stats.shardPredictionMisses(), stats.shardMapRefreshes());

            assertThat(stats.shardPredictionMisses()).as("records sent on the map from before the split").isPositive();
            assertThat(perShard.getOrDefault(parent, 0)).as("records read on the parent").isPositive();
            assertThat(children.stream().mapToInt(c -> perShard.getOrDefault(c, 0)).sum()).as("records read on the children")
                    .isPositive();
            return new Run(outcome, afterFault);
        }
    }
}
