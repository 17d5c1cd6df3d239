package io.shardwise.producer.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KclConsumer;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.testkit.FakeKinesis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * A PutRecords request the service rejects as a whole for one entry's content (as it does for any
 * validation error it finds that the producer could not check) is split in halves, and an aggregate
 * into its records, until only that record fails, with the service's message; every other record
 * of the request is delivered. The endpoint is FakeKinesis; in front of it, a client that answers a
 * request holding a "poison" entry with the service's ValidationException, as the service would.
 */
class RequestSplitTest {
    private static final String STREAM = "split";
    private static final int N = 300;
    private static final int POISON = 137;

    /** Rejects every PutRecords request with an entry whose bytes contain "poison" (aggregated or not). */
    private static final class PoisonRejectingClient extends DelegatingKinesisClient {
        private final AtomicInteger rejected = new AtomicInteger();

        PoisonRejectingClient(KinesisAsyncClient delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
            for (int i = 0; i < request.records().size(); i++) {
                if (new String(request.records().get(i).data().asByteArrayUnsafe(), StandardCharsets.ISO_8859_1).contains("poison")) {
                    rejected.incrementAndGet();
                    return CompletableFuture.failedFuture(KinesisException.builder().statusCode(400)
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException")
                                    .errorMessage("1 validation error detected: Value at 'records." + (i + 1)
                                            + ".member.data' failed to satisfy constraint: poisoned").build()).build());
                }
            }
            return delegate.putRecords(request);
        }
    }

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void onlyTheRecordTheServiceRejectsFails(boolean aggregation) throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(29).enforceShardLimits(false).build().start();
             KinesisAsyncClient real = kinesis.newClient()) {
            PoisonRejectingClient client = new PoisonRejectingClient(real);
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            ProducerStats stats;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, FaultTestSupport.fastConfig()
                    .aggregationEnabled(aggregation).recordMaxBufferedTime(Duration.ofSeconds(30)).build())) {
                for (int i = 0; i < N; i++) {
                    String data = (i == POISON ? "poison|" : "record|") + i;
                    futures.add(producer.addUserRecord("key-" + i, data.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush().get(1, TimeUnit.MINUTES);
                stats = producer.stats();
            }

            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> futures.get(POISON).get());
            assertThat(e.getCause()).isInstanceOf(RecordRejectedException.class).hasMessageContaining("poisoned");
            RecordRejectedException rejected = (RecordRejectedException) e.getCause();
            assertThat(rejected.errorCode()).isEqualTo("ValidationException");
            assertThat(rejected.attempts()).as("the rejected requests it travelled in, halving each time").hasSizeGreaterThanOrEqualTo(2);
            assertThat(rejected.attempts().get(0).errorMessage().orElseThrow()).contains("smaller requests");

            Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(KclConsumer.readStream(kinesis, STREAM));
            for (int i = 0; i < N; i++) {
                if (i == POISON) {
                    continue;
                }
                PutResult r = futures.get(i).get();
                KclConsumer.UserRecord at = read.get(KclConsumer.location(r));
                assertThat(at).as("record %d read where its result says", i).isNotNull();
                assertThat(new String(at.data(), StandardCharsets.UTF_8)).isEqualTo("record|" + i);
            }
            assertThat(read).hasSize(N - 1);
            assertThat(stats.userRecordsSucceeded()).isEqualTo(N - 1);
            assertThat(stats.failedByReason()).isEqualTo(Map.of("RecordRejectedException", 1L));
            System.out.printf("request split (aggregation %s): %d requests rejected whole on the way to the poisoned record;"
                    + " %d requests in all for %d records%n", aggregation, client.rejected.get(), stats.putRecordsRequests(), N);
        }
    }
}
