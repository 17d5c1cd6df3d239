package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerClosedException;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@code close(Duration)} while records are buffered, in flight on slow requests and waiting to
 * retry: it returns, every future is complete (delivered, or failed with
 * {@link ProducerClosedException}), the returned summary adds up, and the producer's threads are gone.
 * Correctness only: how long close took is printed, not asserted.
 */
class CloseUnderLoadTest {
    private static final String STREAM = "closing";

    @Test
    void closeWithADeadlineCompletesEveryFutureAndReturnsStatsThatAddUp() throws Exception {
        int n = 30_000; // +1 warm-up record
        Duration closeTimeout = Duration.ofMillis(800);
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(101).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            // Half the requests answer after 3 s (within the request timeout), 10% of entries fail and
            // wait to retry, and the shard limits hold the rest back: plenty outstanding at the deadline.
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .requestTimeout(Duration.ofSeconds(10)).retryBackoffBase(Duration.ofMillis(50))
                    .retryBackoffMax(Duration.ofMillis(500)).build();
            Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config);
            // Warm up (shard map loaded, connection open, SDK classes loaded) so the load below meets a running producer.
            kinesis.faults().clear();
            producer.addUserRecord("warm-up", payload(-1, 10)).get(HANG.toSeconds(), TimeUnit.SECONDS);
            kinesis.faults().slowResponses(0.5, Duration.ofSeconds(3)).entryFailureRate(0.1);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                futures.add(producer.addUserRecord("key-" + i, payload(i, 100)));
                if (i == n / 2) {
                    // Some requests complete, some are in flight on slow answers, some entries failed and wait to retry.
                    await("records delivered, answers slowed and entries failed by the endpoint").atMost(HANG).until(() -> {
                        FakeKinesis.Counters c = kinesis.counters();
                        return producer.stats().userRecordsSucceeded() > 1 && c.slowResponses() > 0 && c.entriesFailedByInjection() > 0;
                    });
                }
            }
            long outstandingAtClose = producer.outstandingRecords();
            // The sender and the callback threads (the pool starts them as responses come in).
            Set<Thread> producerThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !threadsBefore.contains(t) && t.getName().startsWith("shardwise-"))
                    .collect(Collectors.toSet());
            long closeStart = System.nanoTime();
            ProducerStats summary = CompletableFuture.supplyAsync(() -> producer.close(closeTimeout)).get(HANG.toSeconds(), TimeUnit.SECONDS);
            long closeMillis = (System.nanoTime() - closeStart) / 1_000_000;
            long totalMillis = (System.nanoTime() - start) / 1_000_000;

            int incomplete = 0;
            int succeeded = 0;
            Map<String, Integer> failedBy = new TreeMap<>();
            String otherFailure = null;
            for (CompletableFuture<PutResult> f : futures) {
                if (!f.isDone()) {
                    incomplete++;
                    continue;
                }
                Throwable t = failure(f);
                if (t == null) {
                    succeeded++;
                } else {
                    failedBy.merge(t.getClass().getSimpleName(), 1, Integer::sum);
                    if (!(t instanceof ProducerClosedException) && otherFailure == null) {
                        otherFailure = t + (t.getCause() != null ? " (cause " + t.getCause() + ")" : "");
                    }
                }
            }
            // Every thread of this producer (named shardwise-<id>-...), including callback threads started after the capture.
            String prefix = producerThreads.stream().map(Thread::getName).filter(name -> name.endsWith("-sender"))
                    .map(name -> name.substring(0, name.length() - "sender".length())).findFirst().orElse("shardwise-?-");
            List<String> alive = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith(prefix)).map(Thread::getName).sorted().toList();
            System.out.printf("close under load: %d records added in %d ms, %d outstanding at close(%d ms), which returned after"
                    + " %d ms (printed only); futures: %d incomplete, %d succeeded, failed %s; summary: %s; producer threads %s, alive"
                    + " after close %s; endpoint: %s; first failure other than ProducerClosedException: %s%n",
                    n, totalMillis - closeMillis, outstandingAtClose, closeTimeout.toMillis(), closeMillis, incomplete, succeeded,
                    failedBy, summary(summary), producerThreads.stream().map(Thread::getName).sorted().toList(), alive,
                    summary(kinesis.counters()), otherFailure);

            assertThat(outstandingAtClose).as("records outstanding when close was called").isGreaterThan(1_000);
            assertThat(incomplete).as("futures left incomplete by close").isZero();
            assertThat(failedBy.getOrDefault("ProducerClosedException", 0)).as("records failed by close").isPositive();
            // How many records make it before the deadline depends on which requests the endpoint slows down
            // (one request in flight per shard), so it is printed, not asserted.
            assertThat(summary.userRecordsAdded()).isEqualTo(n + 1);
            assertThat(summary.userRecordsSucceeded() + summary.userRecordsFailed()).as("succeeded + failed").isEqualTo(n + 1);
            assertThat(summary.userRecordsSucceeded()).isEqualTo(succeeded + 1); // + the warm-up record
            assertThat(summary.outstandingRecords()).isZero();
            assertThat(producerThreads).as("the producer's threads").isNotEmpty();
            assertThat(alive).as("producer threads alive after close").isEmpty();
            assertThat(producer.close(Duration.ZERO)).as("closing again returns the summary again").isEqualTo(summary);
            // Every record close did not deliver fails with ProducerClosedException, including those whose request
            // was in flight (their cancelled SDK call must not turn into another failure type).
            assertThat(failedBy.keySet()).as("failure types").containsOnly("ProducerClosedException");
            assertThat(summary.failedByReason()).isEqualTo(Map.of("ProducerClosedException", (long) (n - succeeded)));
        }
    }
}
