package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.copiesByLabel;
import static io.shardwise.producer.faults.FaultTestSupport.errorCodes;
import static io.shardwise.producer.faults.FaultTestSupport.fastConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A partial PutRecords failure (FailedRecordCount > 0) re-sends only the failed entries: counted
 * server-side, the endpoint receives every record once plus exactly the entries it failed.
 */
class PartialFailureRetryTest {
    private static final String STREAM = "partial";

    @Test
    void onlyTheFailedEntriesOfAPartialFailureAreSentAgain() throws Exception {
        int n = 20_000;
        double failureRate = 0.2;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(11).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            kinesis.faults().entryFailureRate(failureRate);
            ProducerConfig config = fastConfig().aggregationEnabled(false).shardRateLimiting(false).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            ProducerStats stats;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 40)));
                }
                producer.flush().get(60, TimeUnit.SECONDS);
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();

            long extraAttempts = 0;
            List<Attempt> failedAttempts = new ArrayList<>();
            for (CompletableFuture<PutResult> f : futures) {
                assertThat(f).isCompleted();
                PutResult r = f.join();
                extraAttempts += r.attempts().size() - 1;
                for (Attempt a : r.attempts()) {
                    if (!a.isSuccessful()) {
                        failedAttempts.add(a);
                    }
                }
            }
            System.out.printf("partial failure: %d records, entry failure rate %.0f%%: endpoint received %d entries"
                    + " (= %d records + %d failed and re-sent); producer retried %d entries%n  producer: %s%n  endpoint: %s%n",
                    n, failureRate * 100, c.entriesReceived(), n, c.entriesReceived() - n, stats.retriedEntries(),
                    summary(stats), summary(c));

            assertThat(c.requestsFailedByInjection()).as("no request-level faults in this test").isZero();
            assertThat(c.entriesFailedByInjection()).as("the fault was actually injected").isGreaterThan((long) (n * failureRate * 0.8));
            // The core claim: what the endpoint received is the records once plus exactly the entries it failed.
            assertThat(c.entriesReceived()).as("entries received = records + failed entries (only failed entries re-sent)")
                    .isEqualTo(n + c.entriesFailedByInjection());
            assertThat(c.entriesReceived()).as("entries received = records + extra attempts the results list")
                    .isEqualTo(n + extraAttempts);
            assertThat(stats.retriedEntries()).isEqualTo(c.entriesFailedByInjection());
            assertThat(errorCodes(failedAttempts)).containsOnlyKeys("InternalFailure");
            assertThat(stats.userRecordsSucceeded()).isEqualTo(n);
            assertThat(stats.userRecordsFailed()).isZero();

            // Every record stored exactly once, where its result says.
            assertThat(c.entriesStored()).isEqualTo(n);
            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, STREAM);
            Map<String, Integer> copies = copiesByLabel(stored);
            assertThat(stored).hasSize(n);
            assertThat(copies).hasSize(n).allSatisfy((label, count) -> assertThat(count).as(label).isEqualTo(1));
            assertThat(assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r"))
                    .as("records read back by the KCL where their results say").isEqualTo(n);
        }
    }
}
