package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.errorCodes;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.quantile;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.KclConsumer;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.Faults;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The endpoint is down for longer than the record TTL: every record fails with
 * {@link RecordExpiredException}, not before its TTL, listing each attempt with its error code, and
 * retried before it expired; once the endpoint is back, the producer delivers again (read back by the
 * KCL where its result says). How long after its TTL a record failed depends on the machine's load:
 * printed, not asserted.
 */
class RecordTtlTest {
    private static final String STREAM = "ttl";

    @ParameterizedTest
    @EnumSource(Faults.DownMode.class)
    void recordsExpireWithTheirAttemptsWhileTheEndpointIsDown(Faults.DownMode mode) throws Exception {
        int n = 300;
        Duration ttl = Duration.ofMillis(1500);
        Duration requestTimeout = Duration.ofMillis(300);
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(61).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            ProducerConfig config = FaultTestSupport.fastConfig().recordTtl(ttl).requestTimeout(requestTimeout)
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(200)).build();
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                producer.addUserRecord("warm-up", payload(-1, 10)).get(HANG.toSeconds(), TimeUnit.SECONDS); // the shard map is loaded
                kinesis.faults().endpointDown(mode);
                long[] addedAt = new long[n]; // taken before the add: the producer's own clock starts each TTL later
                long[] failedAfter = new long[n];
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
                List<CompletableFuture<PutResult>> observed = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int id = i;
                    addedAt[i] = System.nanoTime();
                    CompletableFuture<PutResult> f = producer.addUserRecord("key-" + i, payload(i, 50));
                    futures.add(f);
                    observed.add(f.whenComplete((r, e) -> failedAfter[id] = (System.nanoTime() - addedAt[id]) / 1_000_000));
                }
                producer.flush();
                awaitAll(observed, ttl.plus(HANG));
                List<Attempt> attempts = new ArrayList<>();
                long[] attemptCounts = new long[n];
                for (int i = 0; i < n; i++) {
                    Throwable t = failure(futures.get(i));
                    assertThat(t).as("record %d", i).isInstanceOf(RecordExpiredException.class).hasMessageContaining("recordTtl");
                    List<Attempt> a = ((RecordExpiredException) t).attempts();
                    assertThat(a).as("attempts of record %d", i).isNotEmpty()
                            .allSatisfy(x -> {
                                assertThat(x.isSuccessful()).isFalse();
                                assertThat(x.errorCode()).isPresent();
                            });
                    attempts.addAll(a);
                    attemptCounts[i] = a.size();
                }
                System.out.printf("TTL (endpoint down, %s): %d records expired after %d..%d ms (TTL %d ms), %d..%d attempts each"
                        + " (p50 %d), failed attempts by code %s; producer: %s; endpoint: %s%n",
                        mode, n, quantile(failedAfter, 0), quantile(failedAfter, 1), ttl.toMillis(), quantile(attemptCounts, 0),
                        quantile(attemptCounts, 1), quantile(attemptCounts, 0.5), errorCodes(attempts), summary(producer.stats()),
                        summary(kinesis.counters()));
                // Not before its TTL: a lower bound a loaded machine cannot break (waiting only makes the measured time
                // longer); how late after the TTL is printed above, not asserted.
                assertThat(quantile(failedAfter, 0)).as("earliest expiry, ms").isGreaterThanOrEqualTo(ttl.toMillis() - 20);
                assertThat(quantile(attemptCounts, 1)).as("most attempts of a record (retried before it expired)")
                        .isGreaterThanOrEqualTo(2);
                if (mode == Faults.DownMode.SERVICE_UNAVAILABLE) {
                    // Answered 503 at once; an answer slower than the 300 ms request timeout (a loaded machine) times out.
                    assertThat(errorCodes(attempts)).containsKey("ServiceUnavailable").doesNotContainKey("ClientError");
                    assertThat(errorCodes(attempts).keySet()).isSubsetOf("ServiceUnavailable", "RequestTimeout");
                }
                assertThat(producer.stats().failedByReason()).containsEntry("RecordExpiredException", (long) n);

                kinesis.faults().endpointUp();
                PutResult after = producer.addUserRecord("after", payload(n, 50)).get(HANG.toSeconds(), TimeUnit.SECONDS);
                // Delivered (an attempt before it may have timed out on a loaded machine: the request timeout is 300 ms).
                assertThat(after.attempts().get(after.attempts().size() - 1).isSuccessful()).as("last attempt succeeded").isTrue();
                assertThat(errorCodes(after.attempts()).keySet()).as("error codes of its earlier attempts").isSubsetOf("RequestTimeout");
                KclConsumer.UserRecord back = KclConsumer.byLocation(KclConsumer.readStream(kinesis, STREAM))
                        .get(KclConsumer.location(after));
                assertThat(back).as("the record sent after the endpoint came back, read by the KCL where its result says")
                        .isNotNull();
                assertThat(FaultTestSupport.label(back.data())).isEqualTo("r" + n);
            }
        }
    }
}
