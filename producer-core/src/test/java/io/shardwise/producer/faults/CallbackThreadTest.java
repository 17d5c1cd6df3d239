package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.closeWithin;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.StreamNotFoundException;
import io.shardwise.producer.faults.ApplicationCompletedFutureTest.SteeredClient;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Record futures complete on the callback executor, never on the sender thread
 * ({@code shardwise-<id>-sender}): whether the record was delivered, expired or its stream was not
 * found. So a callback that blocks holds up no other stream, and a callback may wait for a flush.
 */
class CallbackThreadTest {
    private static final String STREAM = "callbacks";
    private static final String POOL = "test-callback-";
    /** Marks a callback that ran on the test's own thread: its future was already complete when it was attached. */
    private static final String ATTACHED_LATE = "(attached late)";

    @Test
    void expiredRecordsCompleteOnTheCallbackExecutor() throws Exception {
        // Every entry is throttled; the back-off (up to 5 s) outlasts the TTL, so most records wait for their retry
        // until their deadline and expire where the sender finds them.
        ProducerConfig config = FaultTestSupport.fastConfig().recordTtl(Duration.ofMillis(500))
                .retryBackoffBase(Duration.ofSeconds(5)).retryBackoffMax(Duration.ofSeconds(5)).build();
        runAndCheckCallbackThreads(config, STREAM, RecordExpiredException.class, kinesis ->
                kinesis.faults().entryFailureRate(1.0, "ProvisionedThroughputExceededException", "Rate exceeded for shard."));
    }

    @Test
    void recordsOfAStreamNotFoundCompleteOnTheCallbackExecutor() throws Exception {
        runAndCheckCallbackThreads(FaultTestSupport.fastConfig().build(), "no-such-stream", StreamNotFoundException.class,
                kinesis -> { });
    }

    @Test
    void deliveredRecordsCompleteOnTheCallbackExecutor() throws Exception {
        runAndCheckCallbackThreads(FaultTestSupport.fastConfig().build(), STREAM, null, kinesis -> { });
    }

    /**
     * Adds 50 records for {@code stream}, each with a callback attached at once that notes its
     * thread, and checks that they all ended as expected on the callback executor's threads.
     *
     * @param expectedFailure the failure every record ends with, or {@code null} for success
     */
    private static void runAndCheckCallbackThreads(ProducerConfig config, String stream, Class<? extends Throwable> expectedFailure,
                                                   java.util.function.Consumer<FakeKinesis> faults) throws Exception {
        int n = 50;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(601).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            ExecutorService executor = ApplicationCompletedFutureTest.namedPool(POOL, 2);
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM).config(config)
                    .callbackExecutor(executor).build();
            try {
                producer.addUserRecord("warm-up", payload("warm-up", 0, 10)).get(HANG.toSeconds(), TimeUnit.SECONDS);
                faults.accept(kinesis);
                Thread me = Thread.currentThread();
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
                List<CompletableFuture<String>> threads = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    CompletableFuture<PutResult> f = producer.addUserRecord(stream, "key-" + i, payload(i, 50));
                    futures.add(f);
                    threads.add(f.handle((r, e) -> Thread.currentThread() == me ? ATTACHED_LATE : Thread.currentThread().getName()));
                }
                producer.flush();
                awaitAll(threads, HANG);
                List<String> names = threads.stream().map(CompletableFuture::join).filter(t -> !ATTACHED_LATE.equals(t)).toList();
                System.out.printf("callbacks of records for %s (%s): ran on %s%n", stream,
                        expectedFailure == null ? "delivered" : expectedFailure.getSimpleName(), new java.util.TreeSet<>(names));
                for (CompletableFuture<PutResult> f : futures) {
                    if (expectedFailure == null) {
                        assertThat(failure(f)).as("failure").isNull();
                    } else {
                        assertThat(failure(f)).isInstanceOf(expectedFailure);
                    }
                }
                assertThat(names).as("callbacks attached before completion").isNotEmpty();
                assertThat(names).as("threads the callbacks ran on").allSatisfy(t -> assertThat(t)
                        .doesNotEndWith("-sender").startsWith(POOL));
                closeWithin(producer);
            } finally {
                producer.close(Duration.ZERO);
                executor.shutdownNow();
            }
        }
    }

    @Test
    void aCallbackBlockedOnOneStreamsExpiryHoldsUpNoOtherStream() throws Exception {
        String a = "a";
        String b = "b";
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(a, 1).stream(b, 1).seed(602).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            SteeredClient steered = new SteeredClient(client);
            steered.silenceListShards(a); // stream a never gets its shard map: its records expire waiting for it
            ExecutorService executor = ApplicationCompletedFutureTest.namedPool(POOL, 4);
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(steered).streamName(b)
                    .config(FaultTestSupport.fastConfig().recordTtl(Duration.ofMillis(500)).build()).callbackExecutor(executor).build();
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean returned = new AtomicBoolean();
            try {
                producer.addUserRecord(b, "warm-up", payload("warm-up", 0, 10)).get(HANG.toSeconds(), TimeUnit.SECONDS);
                CompletableFuture<PutResult> expiring = producer.addUserRecord(a, "key-a", payload("a", 0, 50));
                expiring.whenComplete((r, e) -> {
                    entered.countDown();
                    try {
                        release.await(HANG.toSeconds(), TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    returned.set(true);
                });
                assertThat(entered.await(HANG.toSeconds(), TimeUnit.SECONDS)).as("the expiring record's callback was called").isTrue();
                assertThat(failure(expiring)).isInstanceOf(RecordExpiredException.class);

                CompletableFuture<PutResult> other = producer.addUserRecord(b, "key-b", payload("b", 0, 50));
                try {
                    assertThat(other.get(HANG.toSeconds(), TimeUnit.SECONDS).shardId()).startsWith("shardId-");
                } catch (TimeoutException e) {
                    throw new AssertionError("stream b's record did not complete while a callback of stream a was blocked", e);
                }
                assertThat(returned).as("stream a's callback is still blocked").isFalse();
                release.countDown();
                closeWithin(producer);
            } finally {
                release.countDown();
                producer.close(Duration.ZERO);
                executor.shutdownNow();
            }
        }
    }

    @ParameterizedTest(name = "record for stream {0}")
    @ValueSource(strings = {STREAM, "no-such-stream"})
    void aCallbackMayWaitForAFlush(String stream) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(603).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            ExecutorService executor = ApplicationCompletedFutureTest.namedPool(POOL, 2);
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM)
                    .config(FaultTestSupport.fastConfig().build()).callbackExecutor(executor).build();
            try {
                CompletableFuture<Void> flushedInside = new CompletableFuture<>();
                CompletableFuture<PutResult> f = producer.addUserRecord(stream, "key", payload(0, 50));
                f.whenComplete((r, e) -> {
                    try {
                        flushedInside.complete(producer.flush().join());
                    } catch (Throwable t) {
                        flushedInside.completeExceptionally(t);
                    }
                });
                // And a flush still completes only once the futures it covers are done.
                CompletableFuture<Boolean> recordDoneAtFlush = producer.flush().thenApply(v -> f.isDone());
                try {
                    flushedInside.get(HANG.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("flush().join() inside a completion callback did not return", e);
                }
                assertThat(recordDoneAtFlush.get(HANG.toSeconds(), TimeUnit.SECONDS))
                        .as("the record's future was done when the flush taken after it completed").isTrue();
                assertThat(producer.outstandingRecords()).isZero();
                closeWithin(producer);
            } finally {
                producer.close(Duration.ZERO);
                executor.shutdownNow();
            }
        }
    }

    /**
     * The records of one answer are completed one after another on one thread: a callback of the
     * first that waits for a flush must not wait for the others (the flush completes them first),
     * and when the flush returns every record added before it is complete.
     */
    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void aCallbackOfTheFirstRecordOfARequestMayWaitForAFlush(boolean aggregation) throws Exception {
        int n = 200;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 1).seed(604).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            ExecutorService executor = ApplicationCompletedFutureTest.namedPool(POOL, 2);
            KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(STREAM)
                    .config(FaultTestSupport.fastConfig().aggregationEnabled(aggregation)
                            .recordMaxBufferedTime(Duration.ofSeconds(30)).build()) // one request, sent by the flush
                    .callbackExecutor(executor).build();
            try {
                List<CompletableFuture<PutResult>> futures = new ArrayList<>();
                CompletableFuture<Integer> doneWhenFlushed = new CompletableFuture<>();
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
                }
                futures.get(0).whenComplete((r, e) -> {
                    try {
                        producer.flush().join();
                        doneWhenFlushed.complete((int) futures.stream().filter(CompletableFuture::isDone).count());
                    } catch (Throwable t) {
                        doneWhenFlushed.completeExceptionally(t);
                    }
                });
                producer.flush();
                int done;
                try {
                    done = doneWhenFlushed.get(HANG.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    throw new AssertionError("flush().join() in the first record's callback did not return", e);
                }
                assertThat(done).as("records complete when the flush in the callback returned").isEqualTo(n);
                assertThat(kinesis.counters().requests("PutRecords")).as("the records travelled in one request").isEqualTo(1);
                closeWithin(producer);
            } finally {
                producer.close(Duration.ZERO);
                executor.shutdownNow();
            }
        }
    }
}
