package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

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
 * When the service rejects a whole PutRecords request for its content (here: a record over the
 * stream's 1 MiB maximum, accepted by a producer configured for 2 MiB records), the request is split
 * until only the offending record fails, with the service's message; its neighbours in the same
 * request are delivered (read back with the KCL's deaggregator where their results say).
 */
class RequestSplitOnRejectionTest {
    private static final int SMALL = 60;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void onlyTheOversizedRecordFailsOnFakeKinesis(boolean aggregation) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("split", 1).seed(17).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            run(client, "split", aggregation, true, () -> KclConsumer.readStream(kinesis, "split"));
        }
    }

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void onlyTheOversizedRecordFailsOnKinesisLocal(boolean aggregation) throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "split-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 1);
        try (KinesisAsyncClient client = local.newClient()) {
            // kinesis-local rejects the oversized entry alone (an entry error), where the service and
            // FakeKinesis reject the whole request: either way only that record may fail.
            run(client, stream, aggregation, false, () -> KclConsumer.readStream(local, stream));
        }
    }

    private static void run(KinesisAsyncClient client, String stream, boolean aggregation, boolean rejectsWholeRequests,
                            Supplier<List<KclConsumer.UserRecord>> readBack) throws Exception {
        ProducerConfig config = ProducerConfig.builder()
                .aggregationEnabled(aggregation)
                .maxRecordSize(2 * 1024 * 1024) // more than the stream allows: the service has the last word
                .shardRateLimiting(false)
                .recordMaxBufferedTime(Duration.ofSeconds(30)) // everything goes out together, in one request, on flush
                .build();
        List<CompletableFuture<PutResult>> small = new ArrayList<>();
        CompletableFuture<PutResult> oversized;
        ProducerStats stats;
        try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).config(config).build()) {
            for (int i = 0; i < SMALL / 2; i++) {
                small.add(producer.addUserRecord("key-" + i, ("small|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            byte[] big = new byte[1024 * 1024 + 512];
            Arrays.fill(big, (byte) 'b');
            oversized = producer.addUserRecord("big", big);
            for (int i = SMALL / 2; i < SMALL; i++) {
                small.add(producer.addUserRecord("key-" + i, ("small|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush().get(2, TimeUnit.MINUTES);
            stats = producer.stats();
        }

        ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, oversized::get);
        assertThat(failed.getCause()).isInstanceOf(RecordRejectedException.class);
        RecordRejectedException rejected = (RecordRejectedException) failed.getCause();
        assertThat(rejected.errorCode()).isIn("ValidationException", "InvalidArgumentException");
        if (rejectsWholeRequests) {
            assertThat(rejected.attempts()).as("the whole request's rejection, then the split ones'").hasSizeGreaterThanOrEqualTo(2);
            assertThat(rejected.attempts().get(0).errorMessage().orElseThrow()).contains("smaller requests");
        }

        Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(readBack.get());
        for (int i = 0; i < SMALL; i++) {
            PutResult r = small.get(i).get();
            KclConsumer.UserRecord at = read.get(KclConsumer.location(r));
            assertThat(at).as("small record %d read where its result says", i).isNotNull();
            assertThat(new String(at.data(), StandardCharsets.UTF_8)).isEqualTo("small|" + i);
            if (rejectsWholeRequests) {
                assertThat(r.attempts().get(0).errorCode()).as("record %d travelled in the rejected request first", i)
                        .hasValueSatisfying(code -> assertThat(code).isIn("ValidationException", "InvalidArgumentException"));
            }
        }
        assertThat(read).as("only the small records are in the stream").hasSize(SMALL);
        assertThat(stats.userRecordsSucceeded()).isEqualTo(SMALL);
        assertThat(stats.failedByReason()).isEqualTo(Map.of("RecordRejectedException", 1L));
        System.out.printf("split on rejection (aggregation %s): %d requests for %d records, rejected: %s%n", aggregation,
                stats.putRecordsRequests(), SMALL + 1, rejected.getMessage());
    }
}
