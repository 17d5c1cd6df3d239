package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.byLocation;
import static io.shardwise.producer.faults.FaultTestSupport.copiesByLabel;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.label;
import static io.shardwise.producer.faults.FaultTestSupport.location;
import static io.shardwise.producer.faults.FaultTestSupport.paced;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.KclConsumer;
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
 * A shard is split while the producer writes aggregated records: everything is delivered, the map
 * is refreshed, every result names the shard (and sequence and sub-sequence number) the record
 * really landed on, and the KCL (which drops a whole aggregate if any of its user records lies
 * outside the shard's hash-key range) reads every delivered record exactly where its result says.
 * Records read more than once are counted, not forbidden: re-sending members of an aggregate that
 * landed on a shard not covering all of them may duplicate them.
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
                        // Split only once the parent holds records: the producer's map then predates the split.
                        await().atMost(Duration.ofSeconds(60)).until(() -> kinesis.recordCountsByShard(STREAM).get(parent) > 0);
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
            List<KclConsumer.UserRecord> readByKcl = KclConsumer.readStream(kinesis, STREAM);
            Map<String, String> at = byLocation(stored);
            Map<String, KclConsumer.UserRecord> kclAt = KclConsumer.byLocation(readByKcl);
            Map<String, Integer> storedCopies = copiesByLabel(stored);
            Map<String, Integer> kclCopies = KclConsumer.copies(readByKcl, u -> label(u.data()));

            int failed = 0;
            int misreported = 0;
            int unreadByKcl = 0;
            int unreadWhereReported = 0;
            int resultsOnChildren = 0;
            List<String> examples = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                if (failure(futures.get(i)) != null) {
                    failed++;
                    continue;
                }
                PutResult r = futures.get(i).join();
                String label = "r" + i;
                if (!label.equals(at.get(location(r)))) {
                    misreported++;
                }
                if (!kclCopies.containsKey(label)) {
                    unreadByKcl++;
                }
                KclConsumer.UserRecord read = kclAt.get(location(r));
                if (read == null || !label.equals(label(read.data()))) {
                    unreadWhereReported++;
                    if (examples.size() < 5) {
                        examples.add(label + " at " + location(r) + " (KCL read there: "
                                + (read == null ? "nothing" : label(read.data())) + ", copies read: "
                                + kclCopies.getOrDefault(label, 0) + ")");
                    }
                }
                if (children.contains(r.shardId())) {
                    resultsOnChildren++;
                }
            }
            long lost = IntStream.range(0, n).filter(i -> !storedCopies.containsKey("r" + i)).count();
            long duplicates = kclCopies.values().stream().filter(copies -> copies > 1).count();
            System.out.printf("reshard under load: %d records at %d records/s, %s split into %s at record %d;"
                    + " failed %d, lost %d, results not matching the store %d;"
                    + " delivered but never read by the KCL %d, delivered but not read by the KCL where the result says %d %s;"
                    + " the KCL read %d of %d records (%d user records read, %d records read more than once; %d stored in all);"
                    + " %d results on the children; Kinesis records per shard %s%n  producer: %s%n  endpoint: %s%n",
                    n, perSecond, parent, children, n / 3, failed, lost, misreported, unreadByKcl, unreadWhereReported,
                    examples, kclCopies.size(), n, readByKcl.size(), duplicates, stored.size(), resultsOnChildren,
                    storedByShard, summary(stats), summary(c));

            assertThat(children).hasSize(2);
            assertThat(failed).as("records failed").isZero();
            assertThat(lost).as("records lost").isZero();
            assertThat(stats.shardMapRefreshes()).as("shard-map loads (first load included)").isGreaterThan(1);
            assertThat(misreported).as("results naming a shard/sequence/sub-sequence the record is not stored at").isZero();
            assertThat(unreadByKcl).as("delivered records the KCL never reads").isZero();
            assertThat(unreadWhereReported).as("delivered records the KCL does not read where their result says, e.g. %s",
                    examples).isZero();
            assertThat(resultsOnChildren).as("records delivered to the new shards").isPositive();
        }
    }
}
