package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.byLocation;
import static io.shardwise.producer.faults.FaultTestSupport.copiesByLabel;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.location;
import static io.shardwise.producer.faults.FaultTestSupport.paced;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.rangeFilteredUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
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
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A stream whose service distributes records itself (AUTO record distribution): records keep
 * landing on shards other than predicted however fresh the map. The producer must stop refreshing
 * the map in a loop, fall back to batching without prediction, and still deliver everything.
 */
class PredictionFallbackTest {
    private static final String STREAM = "auto";

    @Test
    void predictionThatKeepsMissingFallsBackInsteadOfRefreshingInALoop() throws Exception {
        int n = 20_000;
        int perSecond = 5_000;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(91).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            kinesis.autoDistribution(STREAM, true);
            // Refreshes may come every 100 ms: a loop would show as dozens of them in this 4 s run.
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(true)
                    .shardMapMinRefreshInterval(Duration.ofMillis(100)).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            ProducerStats stats;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                paced(n, perSecond, i -> futures.add(producer.addUserRecord("key-" + i, payload(i, 60))));
                producer.flush();
                awaitAll(futures, Duration.ofSeconds(60));
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();
            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, STREAM);
            List<FaultTestSupport.Copy> read = rangeFilteredUserRecords(kinesis, STREAM);
            Map<String, String> at = byLocation(stored);
            Map<String, Integer> storedCopies = copiesByLabel(stored);
            Map<String, Integer> readCopies = copiesByLabel(read);
            long failed = futures.stream().filter(f -> failure(f) != null).count();
            long misreported = IntStream.range(0, n)
                    .filter(i -> failure(futures.get(i)) == null && !("r" + i).equals(at.get(location(futures.get(i).join()))))
                    .count();
            long lost = IntStream.range(0, n).filter(i -> !storedCopies.containsKey("r" + i)).count();
            long unread = IntStream.range(0, n).filter(i -> !readCopies.containsKey("r" + i)).count();
            // Requests (records of one request share an arrival instant) whose aggregates all landed on the shard
            // their explicit hash key predicts: by chance under AUTO distribution; each looks like a "hit" to the producer.
            // (FakeKinesis.shardIdForHashKey would answer by AUTO distribution: compute from the ranges.)
            List<software.amazon.awssdk.services.kinesis.model.Shard> shards = kinesis.shards(STREAM);
            Map<java.time.Instant, Boolean> allHit = new java.util.HashMap<>();
            for (io.shardwise.producer.testkit.StoredRecord s : kinesis.records(STREAM)) {
                if (s.explicitHashKey().isEmpty()) {
                    continue; // plain records: sent unpredicted after the fallback (or aggregates of one)
                }
                boolean hit = shardOf(shards, new java.math.BigInteger(s.explicitHashKey().get())).equals(s.shardId());
                allHit.merge(s.arrivalTime(), hit, Boolean::logicalAnd);
            }
            long lucky = allHit.values().stream().filter(Boolean::booleanValue).count();
            System.out.printf("prediction fallback (AUTO distribution): %d of %d requests carrying aggregates had every aggregate land"
                    + " on its predicted shard by chance%n", lucky, allHit.size());
            System.out.printf("prediction fallback (AUTO distribution): %d records; predictionFallbacks %d, shardMapRefreshes %d,"
                    + " ListShards calls %d, prediction misses %d; failed %d, lost %d, misreported %d, unread by range-filtering"
                    + " consumers %d; %d user records stored for %d (%d extra)%n  producer: %s%n  endpoint: %s%n",
                    n, stats.predictionFallbacks(), stats.shardMapRefreshes(), c.requests("ListShards"),
                    stats.shardPredictionMisses(), failed, lost, misreported, unread, stored.size(), n, stored.size() - n,
                    summary(stats), summary(c));

            assertThat(failed).as("records failed").isZero();
            assertThat(lost).as("records lost").isZero();
            assertThat(misreported).as("results naming a location that does not hold the record").isZero();
            assertThat(unread).as("records range-filtering consumers never read").isZero();
            assertThat(assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r"))
                    .as("records read back by the KCL (which drops a whole aggregate holding a record outside the shard's range)"
                            + " where their results say").isEqualTo(n);
            assertThat(stats.predictionFallbacks()).as("prediction fallbacks").isGreaterThanOrEqualTo(1);
            // First load + 3 fresh maps that missed + 1 settling the records held when it fell back + stragglers
            // whose responses arrive around the fallback (5-9 seen, more under load); a refresh loop shows as
            // dozens (37-41 before the fix), which this bound still catches.
            assertThat(stats.shardMapRefreshes()).as("shard-map loads").isLessThanOrEqualTo(15);
            assertThat(c.requests("ListShards")).as("ListShards calls").isLessThanOrEqualTo(15);
        }
    }

    private static String shardOf(List<software.amazon.awssdk.services.kinesis.model.Shard> shards, java.math.BigInteger hashKey) {
        for (software.amazon.awssdk.services.kinesis.model.Shard s : shards) {
            if (hashKey.compareTo(new java.math.BigInteger(s.hashKeyRange().startingHashKey())) >= 0
                    && hashKey.compareTo(new java.math.BigInteger(s.hashKeyRange().endingHashKey())) <= 0) {
                return s.shardId();
            }
        }
        throw new AssertionError("no shard holds " + hashKey);
    }
}
