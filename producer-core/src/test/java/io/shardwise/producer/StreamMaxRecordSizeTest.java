package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Each stream's own maximum record size (DescribeStreamSummary's MaxRecordSizeInKiB; 1 MiB when the
 * stream does not say) is what a record is checked against, not a global setting: once the producer
 * knows it, {@code addUserRecord} throws naming the stream's limit; a record added before it knew
 * fails before it is sent. Its neighbours are delivered (read back with the KCL's deaggregator where
 * their results say).
 */
class StreamMaxRecordSizeTest {
    private static final int SMALL = 60;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void oversizedRecordsFailAloneOnFakeKinesis(boolean aggregation) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("limits", 1).seed(17).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            run(client, "limits", aggregation, () -> KclConsumer.readStream(kinesis, "limits"));
            assertThat(kinesis.counters().entriesReceived()).as("entries the endpoint received: the oversized record never went")
                    .isLessThanOrEqualTo(SMALL + 1);
        }
    }

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void oversizedRecordsFailAloneOnKinesisLocal(boolean aggregation) throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "limits-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 1);
        try (KinesisAsyncClient client = local.newClient()) {
            run(client, stream, aggregation, () -> KclConsumer.readStream(local, stream));
        }
    }

    private static void run(KinesisAsyncClient client, String stream, boolean aggregation,
                            Supplier<List<KclConsumer.UserRecord>> readBack) throws Exception {
        ProducerConfig config = ProducerConfig.builder()
                .aggregationEnabled(aggregation)
                .shardRateLimiting(false)
                .recordMaxBufferedTime(Duration.ofSeconds(30)) // everything goes out together on flush
                .build();
        assertThat(config.maxRecordSize()).as("no global limit below the service's").isEqualTo(10 * 1024 * 1024);
        byte[] big = new byte[1024 * 1024 + 512];
        Arrays.fill(big, (byte) 'b');
        List<CompletableFuture<PutResult>> small = new ArrayList<>();
        ProducerStats stats;
        Throwable early;
        try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).config(config).build()) {
            for (int i = 0; i < SMALL / 2; i++) {
                small.add(producer.addUserRecord("key-" + i, ("small|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            // Added before the producer may know the stream's limit: thrown at the call if it knows,
            // otherwise the record fails before it is sent. Either way, typed and naming the limit.
            early = addAndFail(producer, big);
            for (int i = SMALL / 2; i < SMALL; i++) {
                small.add(producer.addUserRecord("key-" + i, ("small|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush().get(2, TimeUnit.MINUTES);
            // Records of the stream were sent, so its limit is known: thrown at the call.
            assertThatThrownBy(() -> producer.addUserRecord("big", big))
                    .isInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("1049091").hasMessageContaining("1048576").hasMessageContaining(stream)
                    .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("stream.maxRecordSizeInKiB=1024"));
            stats = producer.stats();
        }
        if (early instanceof RecordRejectedException rejected) {
            assertThat(rejected.errorCode()).isEqualTo("RecordTooLarge");
            assertThat(rejected.attempts()).as("never sent").isEmpty();
            assertThat(rejected.getMessage()).contains("1048576").contains("MaxRecordSizeInKiB is 1024");
            assertThat(rejected.userRecord().orElseThrow().data()).isSameAs(big);
        } else {
            assertThat(early).isInstanceOf(RecordTooLargeException.class);
        }

        Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(readBack.get());
        for (int i = 0; i < SMALL; i++) {
            PutResult r = small.get(i).get();
            KclConsumer.UserRecord at = read.get(KclConsumer.location(r));
            assertThat(at).as("small record %d read where its result says", i).isNotNull();
            assertThat(new String(at.data(), StandardCharsets.UTF_8)).isEqualTo("small|" + i);
        }
        assertThat(read).as("only the small records are in the stream").hasSize(SMALL);
        assertThat(stats.userRecordsSucceeded()).isEqualTo(SMALL);
        System.out.printf("stream limits (aggregation %s): the oversized record added early failed with %s%n", aggregation,
                early.getClass().getSimpleName());
    }

    /** @return what adding {@code big} failed with: thrown at the call, or its future's failure */
    private static Throwable addAndFail(KinesisProducer producer, byte[] big) throws Exception {
        CompletableFuture<PutResult> f;
        try {
            f = producer.addUserRecord("big", big);
        } catch (RecordTooLargeException e) {
            return e;
        }
        producer.flush();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> f.get(2, TimeUnit.MINUTES));
        return e.getCause();
    }
}
