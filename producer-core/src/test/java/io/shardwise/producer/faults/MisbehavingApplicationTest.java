package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.APP_RESULT;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.COMPLETED_BY_APPLICATION;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.closeWithin;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.faults.ResponsePathGuardTest.RejectingExecutor;
import io.shardwise.producer.faults.ResponsePathGuardTest.ThrowingObserver;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Everything an application can get wrong, at once, under load: an observer that throws from every
 * method, callbacks that block (until the last record is added), futures the caller times out,
 * cancels or completes itself wherever their record is, a callback executor that rejects every
 * seventh task, records for a stream that does not exist, and 1 % of entries failing on the
 * service's side. Every future completes exactly once, the ledger balances to the record, nothing
 * delivered is lost, and flush and close return.
 */
class MisbehavingApplicationTest {
    private static final String STREAM = "misbehaving";
    private static final String MISSING = "no-such-stream";
    private static final int N = 4_000;
    /** What happens to record i, by i % KINDS. */
    private static final int KINDS = 20;
    private static final int CANCELLED = 0;
    private static final int TIMED_OUT = 1;
    private static final int BLOCKING_CALLBACK = 2;
    private static final int FOR_MISSING_STREAM = 3;
    private static final int COMPLETED_LATER = 4;

    @Test
    void everyFutureCompletesOnceAndTheLedgerBalancesWhateverTheApplicationDoes() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 8).seed(701).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             RejectingExecutor executor = new RejectingExecutor(4, 7)) {
            kinesis.faults().entryFailureRate(0.01);
            // Plain records, 50 to a request: some 80 requests, so the faults and the rejections hit many of them.
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false).collectionMaxCount(50).build();
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM).config(config)
                    .callbackExecutor(executor).build();
            ThrowingObserver observer = new ThrowingObserver();
            producer.addObserver(observer);
            CountDownLatch allAdded = new CountDownLatch(1);
            try {
                AtomicIntegerArray completions = new AtomicIntegerArray(N);
                boolean[] byApplication = new boolean[N];
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(N);
                for (int i = 0; i < N; i++) {
                    int kind = i % KINDS;
                    CompletableFuture<PutResult> f = producer.addUserRecord(kind == FOR_MISSING_STREAM ? MISSING : STREAM,
                            "key-" + i, payload(i, 100));
                    int id = i;
                    f.whenComplete((r, e) -> completions.incrementAndGet(id));
                    if (kind == BLOCKING_CALLBACK) {
                        f.whenComplete((r, e) -> awaitQuietly(allAdded));
                    } else if (kind == CANCELLED) {
                        byApplication[i] = f.cancel(true);
                    } else if (kind == TIMED_OUT) {
                        f.orTimeout(1, TimeUnit.MILLISECONDS);
                    }
                    futures.add(f);
                }
                allAdded.countDown();
                // The application gives up on some records wherever they are now: queued, in flight, retrying or done.
                for (int i = COMPLETED_LATER; i < N; i += KINDS) {
                    byApplication[i] = futures.get(i).complete(APP_RESULT);
                }
                producer.flush();
                awaitAll(futures, HANG);
                try {
                    producer.flush().get(HANG.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("flush() did not complete; " + producer.outstandingRecords() + " records outstanding", e);
                }

                Outcomes o = Outcomes.of(futures, byApplication);
                ProducerStats s = producer.stats();
                System.out.printf("misbehaving application: futures say %s; %d tasks rejected; observer %s%n  producer: %s%n",
                        o, executor.rejected(), observer, summary(s));
                for (int i = 0; i < N; i++) {
                    assertThat(completions.get(i)).as("completions of record %d", i).isEqualTo(1);
                }
                assertThat(o.certainlyByApplication()).as("futures the application certainly completed first").isPositive();
                assertThat(o.engineFailures()).as("failures the producer gave the futures")
                        .isEqualTo(Map.of("StreamNotFoundException", (long) N / KINDS));
                assertThat(executor.rejected()).as("tasks the executor rejected").isPositive();
                assertLedger(s, o);
                assertThat(observer.recordCompleted.get()).as("recordCompleted calls")
                        .isBetween(o.succeeded() + N / KINDS, (long) N);
                Set<String> stored = new HashSet<>();
                storedUserRecords(kinesis, STREAM).forEach(c -> stored.add(c.label()));
                assertThat(stored).as("labels stored").containsAll(o.delivered());
                assertLedger(closeWithin(producer), o);
            } finally {
                allAdded.countDown();
                producer.close(Duration.ZERO);
            }
        }
    }

    /**
     * The producer's counters against what the futures show: every record counted once; failures the producer
     * gave exactly; a future the application completed (or timed out) at about the moment the producer completed
     * it counts either way, as the producer may have claimed it first.
     */
    private static void assertLedger(ProducerStats s, Outcomes o) {
        Map<String, Long> byReason = new TreeMap<>(s.failedByReason());
        long byApplication = byReason.getOrDefault(COMPLETED_BY_APPLICATION, 0L);
        byReason.remove(COMPLETED_BY_APPLICATION);
        assertThat(s.userRecordsAdded()).as("added").isEqualTo(N);
        assertThat(s.userRecordsSucceeded() + s.userRecordsFailed()).as("succeeded + failed").isEqualTo(N);
        assertThat(s.outstandingRecords()).as("outstanding records").isZero();
        assertThat(s.outstandingBytes()).as("outstanding bytes").isZero();
        assertThat(byReason).as("failed by reason, but CompletedByApplication").isEqualTo(o.engineFailures());
        assertThat(byApplication).as(COMPLETED_BY_APPLICATION)
                .isBetween(o.certainlyByApplication(), o.certainlyByApplication() + o.racingApplication());
        assertThat(s.userRecordsSucceeded() + byApplication).as("succeeded + CompletedByApplication")
                .isEqualTo(o.succeeded() + o.certainlyByApplication() + o.racingApplication());
    }

    /**
     * How the futures ended.
     *
     * @param succeeded completed by the producer with a result
     * @param certainlyByApplication cancelled right after being added, before the producer could have sent them
     * @param racingApplication completed (or timed out) by the application after its record may have been answered
     * @param engineFailures failed by the producer, by exception type
     * @param delivered labels of the records the producer completed with a result
     */
    private record Outcomes(long succeeded, long certainlyByApplication, long racingApplication, Map<String, Long> engineFailures,
                            Set<String> delivered) {
        static Outcomes of(List<CompletableFuture<PutResult>> futures, boolean[] byApplication) {
            long succeeded = 0;
            long certain = 0;
            long racing = 0;
            Map<String, Long> failures = new TreeMap<>();
            Set<String> delivered = new HashSet<>();
            for (int i = 0; i < futures.size(); i++) {
                Throwable t = failure(futures.get(i));
                if (byApplication[i] && i % KINDS == CANCELLED) {
                    certain++;
                } else if (byApplication[i] || t instanceof TimeoutException) {
                    racing++;
                } else if (t != null) {
                    failures.merge(t.getClass().getSimpleName(), 1L, Long::sum);
                } else {
                    succeeded++;
                    delivered.add("r" + i);
                }
            }
            return new Outcomes(succeeded, certain, racing, failures, delivered);
        }

        @Override
        public String toString() {
            return succeeded + " succeeded, " + certainlyByApplication + " cancelled, " + racingApplication
                    + " completed or timed out by the application, failed " + engineFailures;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
