package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.StreamNotFoundException;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Errors retrying cannot fix fail the affected records with a typed exception saying what to fix,
 * after one attempt each: no retry storm (counted in requests, not timed; how long the failures
 * took is printed only).
 */
class FatalErrorTest {
    private static final String STREAM = "fatal";
    private static final int N = 2_000;

    private static ProducerConfig config() {
        return FaultTestSupport.fastConfig().recordTtl(Duration.ofSeconds(30)).build();
    }

    /** Adds N records, waits for them all, and checks that each failed after a single attempt, in a handful of requests. */
    private static List<RecordFailedException> addAndExpectFastFailures(FakeKinesis kinesis, KinesisProducer producer, String tag,
                                                                        int offset) throws Exception {
        long putsBefore = kinesis.counters().requests("PutRecords");
        ProducerStats before = producer.stats();
        long start = System.nanoTime();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            futures.add(producer.addUserRecord("key-" + (offset + i), payload(offset + i, 50)));
        }
        producer.flush();
        awaitAll(futures, HANG);
        long millis = (System.nanoTime() - start) / 1_000_000;
        ProducerStats after = producer.stats();
        long puts = kinesis.counters().requests("PutRecords") - putsBefore;
        List<RecordFailedException> failures = new ArrayList<>();
        for (CompletableFuture<PutResult> f : futures) {
            Throwable t = failure(f);
            assertThat(t).as("every record failed").isInstanceOf(RecordFailedException.class);
            failures.add((RecordFailedException) t);
        }
        long attempts = failures.stream().mapToLong(e -> e.attempts().size()).sum();
        System.out.printf("fatal error (%s): %d records failed in %d ms (printed only) with %s after %d PutRecords requests"
                + " (%d attempts in all); message: %s; producer: %s; endpoint: %s%n", tag, N, millis, failures.get(0).getClass().getSimpleName(), puts,
                attempts, failures.get(0).getMessage(), summary(after), summary(kinesis.counters()));
        assertThat(failures).allSatisfy(e -> assertThat(e.attempts()).as("attempts of a rejected record").hasSize(1));
        assertThat(after.retriedEntries() - before.retriedEntries()).as("entries retried").isZero();
        assertThat(puts).as("PutRecords requests the endpoint received").isEqualTo(after.putRecordsRequests() - before.putRecordsRequests());
        // 2,000 small records make a handful of requests (aggregated: a few per shard); a retry storm makes hundreds.
        assertThat(puts).as("PutRecords requests for %d records", N).isLessThanOrEqualTo(16);
        return failures;
    }

    @Test
    void resourceNotFoundFailsEveryRecordAtOnceWithStreamNotFound() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(51).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config())) {
            kinesis.faults().requestError("ResourceNotFoundException");
            List<RecordFailedException> failures = addAndExpectFastFailures(kinesis, producer, "ResourceNotFoundException", 0);
            assertThat(failures).allSatisfy(e -> {
                assertThat(e).isInstanceOf(StreamNotFoundException.class).hasMessageContaining(STREAM);
                assertThat(e.attempts().get(0).errorCode()).hasValue("ResourceNotFoundException");
            });
        }
    }

    @Test
    void aStreamDeletedWhileProducingFailsLaterRecordsAtOnceWithStreamNotFound() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(52).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config())) {
            List<CompletableFuture<PutResult>> before = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                before.add(producer.addUserRecord("key-" + i, payload(i, 50)));
            }
            producer.flush().get(HANG.toSeconds(), TimeUnit.SECONDS);
            assertThat(before).allSatisfy(f -> assertThat(failure(f)).isNull());
            assertThat(kinesis.deleteStream(STREAM)).isTrue();
            List<RecordFailedException> failures = addAndExpectFastFailures(kinesis, producer, "stream deleted", 500);
            assertThat(failures).allSatisfy(e -> assertThat(e).isInstanceOf(StreamNotFoundException.class));
        }
    }

    @Test
    void kmsAccessDeniedFailsEveryRecordAtOnceNamingTheKeyPolicy() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(53).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config())) {
            kinesis.faults().requestError("KMSAccessDeniedException");
            List<RecordFailedException> failures = addAndExpectFastFailures(kinesis, producer, "KMSAccessDeniedException", 0);
            assertThat(failures).allSatisfy(e -> {
                assertThat(e).isInstanceOf(RecordRejectedException.class).hasMessageContaining("key policy");
                assertThat(((RecordRejectedException) e).errorCode()).isEqualTo("KMSAccessDeniedException");
                assertThat(e.attempts().get(0).errorCode()).hasValue("KMSAccessDeniedException");
            });
        }
    }

    @Test
    void perEntryKmsErrorsFailOnlyTheirRecordsAndAreNotRetried() throws Exception {
        int n = 5_000;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(54).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = FaultTestSupport.producer(client, STREAM,
                     FaultTestSupport.fastConfig().aggregationEnabled(false).shardRateLimiting(false).build())) {
            kinesis.faults().entryFailureRate(0.3, "KMSDisabledException", "The KMS key is disabled.");
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
            }
            producer.flush();
            awaitAll(futures, HANG);
            FakeKinesis.Counters c = kinesis.counters();
            int rejected = 0;
            for (CompletableFuture<PutResult> f : futures) {
                Throwable t = failure(f);
                if (t == null) {
                    assertThat(f.join().attempts()).hasSize(1);
                } else {
                    rejected++;
                    assertThat(t).isInstanceOf(RecordRejectedException.class).hasMessageContaining("key policy");
                    assertThat(((RecordRejectedException) t).errorCode()).isEqualTo("KMSDisabledException");
                    assertThat(((RecordFailedException) t).attempts()).hasSize(1);
                }
            }
            System.out.printf("fatal error (per-entry KMSDisabledException): %d of %d records rejected, %d entries received"
                    + " (no entry sent twice); producer: %s; endpoint: %s%n", rejected, n, c.entriesReceived(),
                    summary(producer.stats()), summary(c));
            assertThat((long) rejected).isEqualTo(c.entriesFailedByInjection());
            assertThat(assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r")).as("delivered records read back by the KCL")
                    .isEqualTo(n - rejected);
            assertThat(c.entriesReceived()).as("entries received: each record once").isEqualTo(n);
            assertThat(producer.stats().retriedEntries()).isZero();
        }
    }
}
