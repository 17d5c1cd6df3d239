package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.closeWithin;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * User code on the response path cannot stall the producer: a callback executor that rejects tasks,
 * and an observer that throws from every method. Every future completes, the in-flight slots and
 * the ordered-mode shard locks are released (one slot, many requests), later records still go out.
 */
class ResponsePathGuardTest {
    private static final String STREAM = "guarded";

    @ParameterizedTest(name = "rejects every {0}. task")
    @ValueSource(ints = {1, 3})
    void aCallbackExecutorThatRejectsTasksLosesNoFutureSlotOrShardLock(int rejectEvery) throws Exception {
        int n = 300;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(400 + rejectEvery).enforceShardLimits(false)
                     .build().start();
             KinesisAsyncClient client = kinesis.newClient();
             RejectingExecutor executor = new RejectingExecutor(2, rejectEvery)) {
            // One request in flight at a time, one per shard, 10 records per request: 30 requests or more, one after
            // the other. A slot or a shard lock that a rejected task leaks stops everything behind it.
            ProducerConfig config = FaultTestSupport.fastConfig().maxInFlightRequests(1).ordering(io.shardwise.producer.Ordering.SHARD)
                    .aggregationEnabled(false).collectionMaxCount(10).shardRateLimiting(false).build();
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM).config(config)
                    .callbackExecutor(executor).build();
            try {
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
                Map<String, Boolean> callbackThreads = new ConcurrentHashMap<>();
                for (int i = 0; i < n; i++) {
                    CompletableFuture<PutResult> f = producer.addUserRecord("key-" + i, payload(i, 50));
                    f.whenComplete((r, e) -> callbackThreads.put(Thread.currentThread().getName(), true));
                    futures.add(f);
                }
                producer.flush();
                awaitAll(futures, HANG);
                producer.flush().get(HANG.toSeconds(), TimeUnit.SECONDS);
                ProducerStats s = producer.stats();
                System.out.printf("callback executor rejecting every %d. task (%d rejected): callbacks ran on %s%n  producer: %s%n",
                        rejectEvery, executor.rejected(), callbackThreads.keySet(), summary(s));
                assertThat(executor.rejected()).as("tasks the executor rejected").isPositive();
                assertThat(futures).allSatisfy(f -> assertThat(failure(f)).as("failure").isNull());
                assertThat(callbackThreads.keySet()).as("threads the callbacks ran on").noneMatch(t -> t.endsWith("-sender"));
                assertThat(s.putRecordsRequests()).as("PutRecords requests, one at a time").isGreaterThanOrEqualTo(n / 10);
                assertThat(s.userRecordsSucceeded()).isEqualTo(n);
                assertThat(s.userRecordsFailed()).isZero();
                assertThat(s.outstandingRecords()).isZero();
                assertThat(s.outstandingBytes()).isZero();
                assertThat(closeWithin(producer).userRecordsSucceeded()).isEqualTo(n);
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    @Test
    void anObserverThatThrowsFromEveryMethodDoesNotStopThePipeline() throws Exception {
        int n = 500;
        int later = 200;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(410).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            // Throttled entries make the shard limiters cut their rate, so shardRateLimitChanged is called (on the sender).
            kinesis.faults().entryFailureRate(0.2, "ProvisionedThroughputExceededException",
                    "Rate exceeded for shard shardId-000000000000 in stream " + STREAM + " under account 000000000000.");
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false).collectionMaxCount(50).build();
            KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config);
            ThrowingObserver observer = new ThrowingObserver();
            producer.addObserver(observer);
            try {
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(n + later);
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
                }
                producer.flush();
                awaitAll(futures, HANG);
                assertThat(futures).allSatisfy(f -> assertThat(failure(f)).as("failure").isNull());

                // The sender is still alive: later records go out too.
                kinesis.faults().clear();
                for (int i = n; i < n + later; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
                }
                producer.flush();
                awaitAll(futures, HANG);
                producer.flush().get(HANG.toSeconds(), TimeUnit.SECONDS);
                ProducerStats s = producer.stats();
                System.out.printf("observer throwing from every method: %s%n  producer: %s%n", observer, summary(s));
                assertThat(futures).allSatisfy(f -> assertThat(failure(f)).as("failure").isNull());
                assertThat(observer.requestCompleted.get()).as("requestCompleted calls").isPositive();
                assertThat(observer.recordCompleted.get()).as("recordCompleted calls").isPositive();
                assertThat(observer.shardRateLimitChanged.get()).as("shardRateLimitChanged calls").isPositive();
                assertThat(s.throttledEntries()).as("throttled entries").isPositive();
                assertThat(s.userRecordsAdded()).isEqualTo(n + later);
                assertThat(s.userRecordsSucceeded()).isEqualTo(n + later);
                assertThat(s.userRecordsFailed()).isZero();
                assertThat(s.outstandingRecords()).isZero();
                assertThat(s.outstandingBytes()).isZero();
                assertThat(closeWithin(producer).userRecordsSucceeded()).isEqualTo(n + later);
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    /** A pool of named threads ({@code test-callback-<n>}) whose {@code execute} rejects every {@code every}-th task. */
    static final class RejectingExecutor implements Executor, AutoCloseable {
        private final ExecutorService pool;
        private final int every;
        private final AtomicInteger tasks = new AtomicInteger();
        private final AtomicLong rejected = new AtomicLong();

        RejectingExecutor(int threads, int every) {
            this.pool = ApplicationCompletedFutureTest.namedPool("test-callback-", threads);
            this.every = every;
        }

        @Override
        public void execute(Runnable task) {
            int t = tasks.incrementAndGet();
            if (t % every == 0) {
                rejected.incrementAndGet();
                throw new RejectedExecutionException("the test's executor rejects task " + t);
            }
            pool.execute(task);
        }

        long rejected() {
            return rejected.get();
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /** Counts the calls of each method, then throws. */
    static final class ThrowingObserver implements ProducerObserver {
        final AtomicLong requestCompleted = new AtomicLong();
        final AtomicLong recordCompleted = new AtomicLong();
        final AtomicLong shardRateLimitChanged = new AtomicLong();

        @Override
        public void requestCompleted(RequestOutcome outcome) {
            requestCompleted.incrementAndGet();
            throw new IllegalStateException("observer bug in requestCompleted");
        }

        @Override
        public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                    RecordFailedException failure) {
            recordCompleted.incrementAndGet();
            throw new IllegalStateException("observer bug in recordCompleted");
        }

        @Override
        public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
            shardRateLimitChanged.incrementAndGet();
            throw new IllegalStateException("observer bug in shardRateLimitChanged");
        }

        @Override
        public String toString() {
            return "requestCompleted=" + requestCompleted + " recordCompleted=" + recordCompleted + " shardRateLimitChanged="
                    + shardRateLimitChanged;
        }
    }
}
