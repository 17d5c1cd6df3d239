package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.ShardwiseProducer;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * A future the application completes itself ({@code complete}, {@code completeExceptionally},
 * {@code cancel}, {@code obtrudeValue}, {@code orTimeout}, {@code completeOnTimeout}) gives the
 * record's room in the outstanding bounds and its place in the flush epoch back at once, whether
 * the record was queued, in flight or waiting for a retry; the record counts once, as
 * {@code CompletedByApplication}, and the producer goes on: with {@code maxOutstandingRecords}
 * small and {@code maxBlockTime = 0}, leaked room would make the next adds throw
 * {@link BufferFullException}.
 *
 * <p>Also home of the helpers the other tests of "every future completes" share
 * ({@link SteeredClient}, {@link #HANG}, {@link #closeWithin}, {@link #namedPool}).
 */
class ApplicationCompletedFutureTest {
    /** How long the tests wait for something that must happen promptly: only a hang takes that long. */
    static final Duration HANG = Duration.ofSeconds(30);
    /** The failure reason the producer counts records under whose future the application completed. */
    static final String COMPLETED_BY_APPLICATION = "CompletedByApplication";
    /** What the application completes futures with. */
    static final PutResult APP_RESULT = new PutResult("shardId-by-the-application", "0", 0, false, List.of());

    private static final String STREAM = "app-completed";
    /** maxOutstandingRecords of every test here; each fills it. */
    private static final int BOUND = 60;
    private static final int WAYS = 6;

    /** Room for {@link #BOUND} records, no blocking, and records that live long enough never to expire here. */
    private static ProducerConfig.Builder bounded() {
        return FaultTestSupport.fastConfig()
                .maxOutstandingRecords(BOUND)
                .maxBlockTime(Duration.ZERO)
                .recordTtl(Duration.ofMinutes(10));
    }

    @Test
    void futuresCompletedWhileQueuedGiveTheirRoomBackAtOnceAndAreNeverSent() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(301).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            // A minute's linger: nothing is sent before a flush.
            KinesisProducer producer = FaultTestSupport.producer(client, STREAM,
                    bounded().recordMaxBufferedTime(Duration.ofMinutes(1)).build());
            try {
                warmUp(producer);
                List<CompletableFuture<PutResult>> queued = fill(producer, "q");
                completeThemAndGoOn(producer, queued, null, () -> { }, () -> { });
                assertThat(storedUserRecords(kinesis, STREAM)).as("records stored")
                        .noneMatch(c -> c.label().startsWith("q"))
                        .anyMatch(c -> c.label().startsWith("later"));
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    @Test
    void futuresCompletedWhileTheirRequestIsInFlightGiveTheirRoomAndTheirFlushBackAtOnce() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 1).seed(302).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            SteeredClient steered = new SteeredClient(client);
            // Unordered so that every record goes out at once, however the sender splits them into requests.
            KinesisProducer producer = FaultTestSupport.producer(steered, STREAM, bounded()
                    .recordMaxBufferedTime(Duration.ofMinutes(1)).aggregationEnabled(false).ordering(io.shardwise.producer.Ordering.NONE)
                    .shardRateLimiting(false).build());
            try {
                warmUp(producer);
                steered.hold();
                List<CompletableFuture<PutResult>> inFlight = fill(producer, "f");
                CompletableFuture<Void> flushed = producer.flush();
                await("every record in a held request").atMost(HANG).until(() -> steered.heldEntries() == BOUND);

                // The flush completes although no request has been answered. Once the new records are admitted, the held
                // requests are answered (their records may be stored: they were in flight); nothing counts twice, neither
                // then nor when close drains what is left (the answers reach the producer before close).
                completeThemAndGoOn(producer, inFlight, flushed,
                        () -> assertThat(steered.heldEntries()).as("entries still held (no answer yet)").isEqualTo(BOUND),
                        () -> steered.release().get(HANG.toSeconds(), TimeUnit.SECONDS));
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    @Test
    void futuresCompletedWhileTheirRecordWaitsForARetryGiveTheirRoomAndTheirFlushBackAtOnce() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(303).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            // Back-off of up to 30 s: a record whose entry failed waits for its retry while the test runs.
            KinesisProducer producer = FaultTestSupport.producer(client, STREAM, bounded()
                    .retryBackoffBase(Duration.ofSeconds(30)).retryBackoffMax(Duration.ofSeconds(30)).build());
            try {
                warmUp(producer);
                kinesis.faults().entryFailureRate(1.0); // every entry fails with InternalFailure
                List<CompletableFuture<PutResult>> retrying = fill(producer, "w");
                CompletableFuture<Void> flushed = producer.flush();
                await("every record failed once and waits for its retry").atMost(HANG)
                        .until(() -> producer.stats().retriedEntries() >= BOUND);

                // The flush completes while every entry still fails; then the failures stop. Close drops what still waits
                // for a retry: the records the application completed count once all the same.
                completeThemAndGoOn(producer, retrying, flushed, () -> kinesis.faults().entryFailureRate(0), () -> { });
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    /** What a scenario does at a point of {@link #completeThemAndGoOn}. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /**
     * The application completes the futures ({@link #completeInEveryWay}); then {@code flushed} (a flush
     * taken before, or {@code null}) completes, {@code afterCompletion} runs, a full bound of new records is
     * admitted, {@code beforeLaterFlush} runs and the new records are delivered; the ledger balances, before
     * and after {@code close()}.
     */
    private static void completeThemAndGoOn(KinesisProducer producer, List<CompletableFuture<PutResult>> futures,
                                            CompletableFuture<Void> flushed, Step afterCompletion, Step beforeLaterFlush)
            throws Exception {
        completeInEveryWay(producer, futures);
        if (flushed != null) {
            flushed.get(HANG.toSeconds(), TimeUnit.SECONDS);
        }
        afterCompletion.run();
        List<CompletableFuture<PutResult>> later = roomIsBack(producer, "later");
        beforeLaterFlush.run();
        producer.flush().get(HANG.toSeconds(), TimeUnit.SECONDS);
        assertAllSucceeded(later);
        assertBalanced(producer.stats(), 1 + BOUND);
        assertKeptTheApplicationsOutcome(futures);
        assertBalanced(closeWithin(producer), 1 + BOUND);
    }

    /** One record through, so the stream's shard map is loaded and the connection open. */
    private static void warmUp(KinesisProducer producer) throws Exception {
        CompletableFuture<PutResult> f = producer.addUserRecord("warm-up", payload("warm-up", 0, 10));
        producer.flush();
        f.get(HANG.toSeconds(), TimeUnit.SECONDS);
    }

    /** Adds records until the bound is reached, and shows that it is. */
    private static List<CompletableFuture<PutResult>> fill(KinesisProducer producer, String tag) {
        List<CompletableFuture<PutResult>> futures = add(producer, tag, BOUND - (int) producer.outstandingRecords());
        assertThatThrownBy(() -> producer.addUserRecord("one-too-many", payload("x", 0, 10)))
                .as("an add beyond maxOutstandingRecords").isInstanceOf(BufferFullException.class);
        return futures;
    }

    private static List<CompletableFuture<PutResult>> add(KinesisProducer producer, String tag, int n) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(producer.addUserRecord(tag + "-" + i, payload(tag, i, 40)));
        }
        return futures;
    }

    /** After the application completed the records, a full bound of new records is admitted without blocking. */
    private static List<CompletableFuture<PutResult>> roomIsBack(KinesisProducer producer, String tag) {
        assertThat(producer.outstandingRecords()).as("outstanding records").isZero();
        return add(producer, tag, BOUND);
    }

    private static String way(int i) {
        return switch (i % WAYS) {
            case 0 -> "complete";
            case 1 -> "completeExceptionally";
            case 2 -> "cancel";
            case 3 -> "obtrudeValue";
            case 4 -> "orTimeout";
            default -> "completeOnTimeout";
        };
    }

    /**
     * Completes the futures in the six ways an application can: each synchronous way must give the
     * record's room back before the call returns; the timeouts give it back from the timer's thread.
     */
    private static void completeInEveryWay(KinesisProducer producer, List<CompletableFuture<PutResult>> futures) {
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<PutResult> f = futures.get(i);
            long before = producer.outstandingRecords();
            switch (i % WAYS) {
                case 0 -> assertThat(f.complete(APP_RESULT)).isTrue();
                case 1 -> assertThat(f.completeExceptionally(new IllegalStateException("abandoned by the application"))).isTrue();
                case 2 -> assertThat(f.cancel(true)).isTrue();
                case 3 -> f.obtrudeValue(APP_RESULT);
                default -> {
                    continue;
                }
            }
            assertThat(producer.outstandingRecords()).as("outstanding records right after %s() returned for record %d", way(i), i)
                    .isEqualTo(before - 1);
        }
        for (int i = 0; i < futures.size(); i++) {
            if (i % WAYS == 4) {
                futures.get(i).orTimeout(1, TimeUnit.MILLISECONDS);
            } else if (i % WAYS == 5) {
                futures.get(i).completeOnTimeout(APP_RESULT, 1, TimeUnit.MILLISECONDS);
            }
        }
        await("the timed-out futures' room given back").atMost(HANG)
                .until(() -> futures.stream().allMatch(CompletableFuture::isDone) && producer.outstandingRecords() == 0);
        ProducerStats s = producer.stats();
        assertThat(s.outstandingRecords()).as("outstanding records").isZero();
        assertThat(s.outstandingBytes()).as("outstanding bytes").isZero();
        assertThat(s.failedByReason()).as("failed by reason").containsEntry(COMPLETED_BY_APPLICATION, (long) futures.size());
    }

    /** The producer never overrides what the application completed a future with. */
    private static void assertKeptTheApplicationsOutcome(List<CompletableFuture<PutResult>> futures) {
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<PutResult> f = futures.get(i);
            switch (i % WAYS) {
                case 0, 3, 5 -> assertThat(f.getNow(null)).as("record %d (%s)", i, way(i)).isSameAs(APP_RESULT);
                case 1 -> assertThat(FaultTestSupport.failure(f)).as("record %d", i).isInstanceOf(IllegalStateException.class);
                case 2 -> assertThat(f.isCancelled()).as("record %d cancelled", i).isTrue();
                default -> assertThat(FaultTestSupport.failure(f)).as("record %d", i).isInstanceOf(TimeoutException.class);
            }
        }
    }

    private static void assertAllSucceeded(List<CompletableFuture<PutResult>> futures) {
        assertThat(futures).allSatisfy(f -> assertThat(FaultTestSupport.failure(f)).as("failure").isNull());
    }

    /** Nothing outstanding, every added record counted once: {@code succeeded} delivered, the bound's worth completed by the application. */
    private static void assertBalanced(ProducerStats s, long succeeded) {
        System.out.printf("application-completed futures: %s%n", summary(s));
        assertThat(s.outstandingRecords()).as("outstanding records").isZero();
        assertThat(s.outstandingBytes()).as("outstanding bytes").isZero();
        assertThat(s.userRecordsSucceeded()).as("succeeded").isEqualTo(succeeded);
        assertThat(s.failedByReason()).as("failed by reason").isEqualTo(java.util.Map.of(COMPLETED_BY_APPLICATION, (long) BOUND));
        assertThat(s.userRecordsSucceeded() + s.userRecordsFailed()).as("succeeded + failed").isEqualTo(s.userRecordsAdded());
    }

    // ------------------------------------------------------------------ shared with the other tests

    /**
     * Closes the producer ({@code close()}, the default timeout) on another thread.
     *
     * @return the producer's final stats
     * @throws AssertionError if close has not returned within {@link #HANG}
     */
    static ProducerStats closeWithin(ShardwiseProducer producer) throws InterruptedException, ExecutionException {
        CompletableFuture<Void> closed = CompletableFuture.runAsync(producer::close, r -> {
            Thread t = new Thread(r, "test-closer");
            t.setDaemon(true);
            t.start();
        });
        try {
            closed.get(HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("close() did not return within " + HANG, e);
        }
        return producer.stats();
    }

    /** @return a fixed pool of daemon threads named {@code <prefix><n>} */
    static ExecutorService namedPool(String prefix, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A Kinesis client that passes every call to a real one, except where a test steers it:
     * PutRecords calls can be held (answered, by the real client, only on {@link #release()}), one
     * PutRecords call can throw an {@link Error} on the caller's thread (as a broken class path or
     * SDK would), and the ListShards calls of chosen streams can be left unanswered.
     * {@link #close()} leaves the real client open (the test closes it).
     */
    static final class SteeredClient extends DelegatingKinesisClient {
        private final AtomicInteger putRecordsCalls = new AtomicInteger();
        private final Set<String> silentListShards = ConcurrentHashMap.newKeySet();
        private final List<Held> held = new ArrayList<>(); // guarded by this
        private boolean holding; // guarded by this
        private volatile int failingCall;
        private volatile Error failure;

        private record Held(PutRecordsRequest request, CompletableFuture<PutRecordsResponse> answer) {
        }

        SteeredClient(KinesisAsyncClient delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            int call = putRecordsCalls.incrementAndGet();
            Error e = failure;
            if (e != null && call == failingCall) {
                throw e;
            }
            synchronized (this) {
                if (holding) {
                    CompletableFuture<PutRecordsResponse> answer = new CompletableFuture<>();
                    held.add(new Held(request, answer));
                    return answer;
                }
            }
            return delegate.putRecords(request);
        }

        @Override
        public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
            if (request.streamName() != null && silentListShards.contains(request.streamName())) {
                return new CompletableFuture<>();
            }
            return delegate.listShards(request);
        }

        /** Holds every PutRecords call from now on until {@link #release()}. */
        synchronized void hold() {
            holding = true;
        }

        /** @return the entries of the PutRecords calls held now */
        synchronized int heldEntries() {
            return held.stream().mapToInt(h -> h.request().records().size()).sum();
        }

        /**
         * Stops holding, and sends the held calls to the real client.
         *
         * @return completed once every held call has been answered (the producer has been handed each answer)
         */
        CompletableFuture<Void> release() {
            List<Held> toSend;
            synchronized (this) {
                holding = false;
                toSend = new ArrayList<>(held);
                held.clear();
            }
            List<CompletableFuture<?>> answered = new ArrayList<>(toSend.size());
            for (Held h : toSend) {
                answered.add(delegate.putRecords(h.request()).handle((response, error) -> error == null
                        ? h.answer().complete(response) : h.answer().completeExceptionally(error)));
            }
            return CompletableFuture.allOf(answered.toArray(new CompletableFuture<?>[0]));
        }

        /** Makes PutRecords call number {@code call} (counting from 1, over the client's life) throw {@code error}. */
        void failCall(int call, Error error) {
            this.failingCall = call;
            this.failure = error;
        }

        /** Makes the next PutRecords call throw {@code error} (call it while no call is being made). */
        void failNextCall(Error error) {
            failCall(putRecordsCalls.get() + 1, error);
        }

        /** @return the PutRecords calls made so far */
        int putRecordsCalls() {
            return putRecordsCalls.get();
        }

        /** Leaves every ListShards call for {@code stream} without an answer. */
        void silenceListShards(String stream) {
            silentListShards.add(stream);
        }
    }
}
