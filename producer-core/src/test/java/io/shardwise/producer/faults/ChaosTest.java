package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.byLocation;
import static io.shardwise.producer.faults.FaultTestSupport.copiesByLabel;
import static io.shardwise.producer.faults.FaultTestSupport.errorCodes;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.location;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Many faults at once: 10% of entries fail with InternalFailure, 5% of requests are answered 500,
 * some connections are dropped and some answers come after the request timeout (the endpoint has
 * stored those records: the retry duplicates them, as against the service). Every future completes,
 * every acknowledged record is where its result says, nothing is lost, and every duplicate is
 * explained by a timed-out or dropped attempt of that very record.
 */
class ChaosTest {
    private static final String STREAM = "chaos";
    /** Attempts whose request may have been written although the producer saw no answer. */
    private static final Set<String> AMBIGUOUS = Set.of("RequestTimeout", "ClientError");

    @Test
    void hundredThousandAggregatedRecordsThroughEveryKindOfFault() throws Exception {
        // Small aggregates and requests so that 100,000 records make a few hundred requests for the
        // request-level faults to hit (with the 50 KiB / 5 MiB defaults they would fit in ~20).
        ProducerConfig config = chaosConfig().aggregationEnabled(true).aggregationMaxSize(4096)
                .collectionMaxSize(48 * 1024).build();
        runChaos("aggregation on", 100_000, 100, config, 21);
    }

    @Test
    void twentyThousandPlainRecordsThroughEveryKindOfFault() throws Exception {
        ProducerConfig config = chaosConfig().aggregationEnabled(false).collectionMaxCount(100).build();
        runChaos("aggregation off", 20_000, 100, config, 22);
    }

    private static ProducerConfig.Builder chaosConfig() {
        return FaultTestSupport.fastConfig()
                .requestTimeout(Duration.ofMillis(500))
                .retryBackoffBase(Duration.ofMillis(10))
                .retryBackoffMax(Duration.ofMillis(200))
                .recordTtl(Duration.ofMinutes(2));
    }

    private static void runChaos(String label, int n, int size, ProducerConfig config, long seed) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 8).seed(seed).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            kinesis.faults()
                    .entryFailureRate(0.10)
                    .serverErrorRate(0.05)
                    .dropConnectionRate(0.02)
                    .slowResponses(0.02, Duration.ofMillis(1500));
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            ProducerStats stats;
            long start = System.nanoTime();
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, size)));
                }
                producer.flush();
                awaitAll(futures, Duration.ofSeconds(90));
                stats = producer.stats();
            }
            long millis = (System.nanoTime() - start) / 1_000_000;
            FakeKinesis.Counters c = kinesis.counters();

            // Every future completed, and (TTL being ample, attempts unlimited) successfully.
            List<Attempt> attempts = new ArrayList<>();
            int failed = 0;
            for (CompletableFuture<PutResult> f : futures) {
                assertThat(f).isDone();
                Throwable t = failure(f);
                if (t != null) {
                    failed++;
                    continue;
                }
                attempts.addAll(f.join().attempts());
            }

            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, STREAM);
            Map<String, String> at = byLocation(stored);
            Map<String, Integer> copies = copiesByLabel(stored);
            int wrongPlace = 0;
            int lost = 0;
            long duplicates = 0;
            int duplicatedRecords = 0;
            int unexplained = 0;
            for (int i = 0; i < n; i++) {
                String id = "r" + i;
                int k = copies.getOrDefault(id, 0);
                if (k == 0) {
                    lost++;
                }
                if (k > 1) {
                    duplicates += k - 1;
                    duplicatedRecords++;
                }
                if (failure(futures.get(i)) != null) {
                    continue;
                }
                PutResult r = futures.get(i).join();
                if (!id.equals(at.get(location(r)))) {
                    wrongPlace++;
                }
                long ambiguous = r.attempts().stream().filter(a -> a.errorCode().map(AMBIGUOUS::contains).orElse(false)).count();
                if (k - 1 > ambiguous) {
                    unexplained++;
                }
            }
            int readBack = assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r");
            Map<String, Long> codes = errorCodes(attempts);
            Map<Integer, Integer> attemptHistogram = new TreeMap<>();
            for (CompletableFuture<PutResult> f : futures) {
                if (failure(f) == null) {
                    attemptHistogram.merge(f.join().attempts().size(), 1, Integer::sum);
                }
            }
            System.out.printf("chaos (%s): %d records in %d ms (printed only); failed %d, lost %d, misplaced %d, %d read back by the KCL;"
                    + " duplicates %d (%d records stored more than once, %d not explained by a timed-out/dropped attempt);"
                    + " failed attempts by code %s; attempts per record %s; producer: %s; endpoint: %s%n",
                    label, n, millis, failed, lost, wrongPlace, readBack, duplicates, duplicatedRecords, unexplained,
                    codes, attemptHistogram, summary(stats), summary(c));

            // The faults were really injected.
            assertThat(c.entriesFailedByInjection()).as("entries failed by injection").isPositive();
            assertThat(c.requestsFailedByInjection()).as("requests failed by injection (500s, drops)").isPositive();
            assertThat(c.droppedConnections()).as("dropped connections").isPositive();
            assertThat(c.slowResponses()).as("slow responses").isPositive();
            assertThat(codes).as("failed attempts by error code").containsKeys("InternalFailure", "RequestTimeout");

            assertThat(failed).as("futures failed").isZero();
            assertThat(stats.userRecordsSucceeded()).isEqualTo(n);
            assertThat(stats.outstandingRecords()).isZero();
            assertThat(lost).as("records lost (in no Kinesis record of the store)").isZero();
            assertThat(wrongPlace).as("acknowledged records not at the shard/sequence/sub-sequence their result names").isZero();
            assertThat(readBack).as("records read back by the KCL where their results say").isEqualTo(n);
            assertThat(unexplained).as("records with more copies than timed-out or dropped attempts").isZero();
            if (c.slowResponses() == 0) {
                assertThat(duplicates).isZero();
            }
        }
    }
}
