package io.shardwise.producer.faults;

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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A shard is split while the producer writes aggregated records: everything is delivered, the map
 * is refreshed, every result names the shard (and sequence and sub-sequence number) the record
 * really landed on, and consumers that drop user records outside their shard's hash-key range
 * (as the KCL does) still read every record.
 */
class ReshardUnderLoadTest {
    private static final String STREAM = "reshard";

    @Test
    void splittingAShardUnderLoadLosesNothingAndMisreportsNothing() throws Exception {
        int n = 30_000;
        int perSecond = 10_000;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(81).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            String parent = kinesis.shards(STREAM).get(0).shardId();
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(true).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            List<String> children = new ArrayList<>();
            ProducerStats stats;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                paced(n, perSecond, i -> {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 60)));
                    if (i == n / 3) {
                        children.addAll(kinesis.splitShard(STREAM, parent));
                    }
                });
                producer.flush();
                awaitAll(futures, Duration.ofSeconds(60));
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();
            Map<String, Integer> storedByShard = kinesis.recordCountsByShard(STREAM);
            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, STREAM);
            List<FaultTestSupport.Copy> readByConsumers = rangeFilteredUserRecords(kinesis, STREAM);
            Map<String, String> at = byLocation(stored);
            Map<String, String> readAt = byLocation(readByConsumers);
            Map<String, Integer> storedCopies = copiesByLabel(stored);
            Map<String, Integer> readCopies = copiesByLabel(readByConsumers);

            int failed = 0;
            int misreported = 0;
            int unreadWhereReported = 0;
            int resultsOnChildren = 0;
            for (int i = 0; i < n; i++) {
                if (failure(futures.get(i)) != null) {
                    failed++;
                    continue;
                }
                PutResult r = futures.get(i).join();
                if (!("r" + i).equals(at.get(location(r)))) {
                    misreported++;
                }
                if (!("r" + i).equals(readAt.get(location(r)))) {
                    unreadWhereReported++;
                }
                if (children.contains(r.shardId())) {
                    resultsOnChildren++;
                }
            }
            long lost = java.util.stream.IntStream.range(0, n).filter(i -> !storedCopies.containsKey("r" + i)).count();
            long unread = java.util.stream.IntStream.range(0, n).filter(i -> !readCopies.containsKey("r" + i)).count();
            System.out.printf("reshard under load: %d records at %d records/s, %s split into %s at record %d;"
                    + " failed %d, lost %d, results not matching the store %d, results a range-filtering consumer cannot read %d;"
                    + " range-filtering consumers read %d of %d records (%d user records read, %d duplicates; %d stored in all);"
                    + " %d results on the children; Kinesis records per shard %s%n  producer: %s%n  endpoint: %s%n",
                    n, perSecond, parent, children, n / 3, failed, lost, misreported, unreadWhereReported, n - unread, n,
                    readByConsumers.size(), readByConsumers.size() - (n - unread), stored.size(), resultsOnChildren,
                    storedByShard, summary(stats), summary(c));

            assertThat(children).hasSize(2);
            assertThat(failed).as("records failed").isZero();
            assertThat(lost).as("records lost").isZero();
            assertThat(stats.shardMapRefreshes()).as("shard-map loads (first load included)").isGreaterThan(1);
            assertThat(misreported).as("results naming a shard/sequence/sub-sequence the record is not at").isZero();
            assertThat(unread).as("records a range-filtering consumer never reads").isZero();
            assertThat(unreadWhereReported).as("results where a range-filtering consumer does not read the record").isZero();
            assertThat(resultsOnChildren).as("records delivered to the new shards").isPositive();
        }
    }
}
