package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The endpoint's round trip ({@link FakeKinesis#roundTrip(Duration)}): answers are held by a
 * scheduler the test controls, so it can see what the endpoint did before any answer left, and no
 * assertion depends on how long anything took. The limit windows run on a frozen clock.
 */
class FakeKinesisRoundTripTest {
    private static final long MS = 1_000_000L;

    /** An answer the endpoint asked to send later, held until the test runs it. */
    private record Held(FutureTask<Void> task, long delayNanos) {
    }

    private final BlockingQueue<Held> held = new LinkedBlockingQueue<>();
    private final AtomicLong now = new AtomicLong(1_000_000 * MS);
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
    }

    private FakeKinesis start(FakeKinesis.Builder b) {
        FakeKinesis k = b.build().start();
        k.clock = now::get;
        k.lateAnswers = (loop, answer, delayNanos) -> {
            FutureTask<Void> t = new FutureTask<>(answer, null);
            held.add(new Held(t, delayNanos));
            return t;
        };
        toClose.add(k);
        return k;
    }

    private KinesisAsyncClient client(FakeKinesis kinesis) {
        KinesisAsyncClient c = kinesis.clientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP)).build();
        toClose.add(c);
        return c;
    }

    /** The next answer the endpoint held back; fails if none comes (the request never got an answer scheduled). */
    private Held nextHeld() throws InterruptedException {
        Held h = held.poll(30, TimeUnit.SECONDS);
        assertThat(h).as("an answer scheduled by the endpoint").isNotNull();
        return h;
    }

    private static CompletableFuture<PutRecordsResponse> put(KinesisAsyncClient client, int records) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("k" + i).data(SdkBytes.fromByteArray(new byte[9]))
                    .build());
        }
        return client.putRecords(r -> r.streamName("s").records(entries));
    }

    @Test
    void writesCountWhenTheyArriveWhileTheirAnswersWaitTheRoundTrip() throws Exception {
        FakeKinesis kinesis = start(FakeKinesis.builder().stream("s", 1).shardLimits(600, 1024 * 1024)
                .roundTrip(Duration.ofMillis(300)));
        KinesisAsyncClient client = client(kinesis);

        CompletableFuture<PutRecordsResponse> first = put(client, 400);
        Held firstAnswer = nextHeld();
        assertThat(firstAnswer.delayNanos()).isEqualTo(300 * MS);
        // processed on arrival: stored and counted against the shard's window, the answer not yet sent
        assertThat(kinesis.counters().entriesStored()).isEqualTo(400);
        assertThat(first).isNotDone();

        CompletableFuture<PutRecordsResponse> second = put(client, 400);
        Held secondAnswer = nextHeld();
        // the first request's writes already count in the window: 200 of the next 400 fit, 200 are throttled
        FakeKinesis.Counters c = kinesis.counters();
        assertThat(c.entriesStored()).isEqualTo(600);
        assertThat(c.entriesThrottled()).isEqualTo(200);
        assertThat(first).isNotDone();
        assertThat(second).isNotDone();

        // answers leave when their time comes, each on its own: the later request's answer may go first
        secondAnswer.task().run();
        assertThat(second.get(30, TimeUnit.SECONDS).failedRecordCount()).isEqualTo(200);
        assertThat(first).isNotDone();
        firstAnswer.task().run();
        assertThat(first.get(30, TimeUnit.SECONDS).failedRecordCount()).isZero();
    }

    @Test
    void everyOperationAndEveryErrorWaitsTheRoundTrip() throws Exception {
        FakeKinesis kinesis = start(FakeKinesis.builder().stream("s", 2));
        kinesis.roundTrip(Duration.ofMillis(50));
        KinesisAsyncClient client = client(kinesis);

        var shards = client.listShards(r -> r.streamName("s"));
        Held listAnswer = nextHeld();
        assertThat(listAnswer.delayNanos()).isEqualTo(50 * MS);
        assertThat(shards).isNotDone();
        listAnswer.task().run();
        assertThat(shards.get(30, TimeUnit.SECONDS).shards()).hasSize(2);

        var missing = client.describeStreamSummary(r -> r.streamName("no-such-stream"));
        Held errorAnswer = nextHeld();
        assertThat(errorAnswer.delayNanos()).isEqualTo(50 * MS);
        assertThat(missing).isNotDone();
        errorAnswer.task().run();
        assertThatThrownBy(() -> missing.get(30, TimeUnit.SECONDS)).hasMessageContaining("no-such-stream");
    }

    @Test
    void anInjectedSlowResponseWaitsItsDelayOnTopOfTheRoundTrip() throws Exception {
        FakeKinesis kinesis = start(FakeKinesis.builder().stream("s", 1).roundTrip(Duration.ofMillis(100)));
        kinesis.faults().slowResponses(1.0, Duration.ofSeconds(2));
        KinesisAsyncClient client = client(kinesis);

        CompletableFuture<PutRecordsResponse> f = put(client, 3);
        Held answer = nextHeld();
        assertThat(answer.delayNanos()).isEqualTo(2_100 * MS);
        assertThat(kinesis.counters().entriesStored()).isEqualTo(3);
        answer.task().run();
        assertThat(f.get(30, TimeUnit.SECONDS).failedRecordCount()).isZero();
    }

    @Test
    void withoutARoundTripAnswersAreNotHeld() throws Exception {
        FakeKinesis kinesis = start(FakeKinesis.builder().stream("s", 1).roundTrip(Duration.ofMillis(100)));
        kinesis.roundTrip(Duration.ZERO);
        assertThat(kinesis.roundTrip()).isZero();
        KinesisAsyncClient client = client(kinesis);

        assertThat(put(client, 5).get(30, TimeUnit.SECONDS).failedRecordCount()).isZero();
        assertThat(held).isEmpty();
    }

    @Test
    void anAnswerStillHeldWhenItsConnectionClosesIsCancelled() throws Exception {
        FakeKinesis kinesis = start(FakeKinesis.builder().stream("s", 1).roundTrip(Duration.ofHours(1)));
        KinesisAsyncClient client = client(kinesis);
        CompletableFuture<PutRecordsResponse> f = put(client, 1);
        Held answer = nextHeld();
        assertThat(kinesis.counters().entriesStored()).isEqualTo(1);

        kinesis.close();
        Future<?> task = answer.task();
        assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        // the channel's close released the held answer (the closing endpoint's listener cancels it)
        assertThat(task.isCancelled()).isTrue();
    }

    @Test
    void aNegativeRoundTripIsRefusedNamingIt() {
        assertThatThrownBy(() -> FakeKinesis.builder().roundTrip(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roundTrip must not be negative");
        FakeKinesis kinesis = start(FakeKinesis.builder());
        assertThatThrownBy(() -> kinesis.roundTrip(Duration.ofMillis(-5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("roundTrip must not be negative");
        assertThat(kinesis.roundTrip()).isZero();
    }
}
