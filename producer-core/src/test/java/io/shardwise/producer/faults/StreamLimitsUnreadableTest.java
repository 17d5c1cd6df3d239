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
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * Without permission to read the stream's limits (DescribeStreamSummary denied), the producer goes
 * on with {@code maxRecordSize} (10 MiB): a record over the stream's 1 MiB maximum is accepted at
 * the call, the service (FakeKinesis, as the service does) rejects its whole request, and the
 * request is split until only that record fails; its neighbours are delivered and read back with the
 * KCL's deaggregator where their results say.
 */
class StreamLimitsUnreadableTest {
    private static final String STREAM = "no-describe";
    private static final int SMALL = 40;

    @Test
    void anOversizedRecordFailsAloneWhenTheStreamsLimitCannotBeRead() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 1).seed(61).enforceShardLimits(false).build().start();
             KinesisAsyncClient real = kinesis.newClient()) {
            AtomicInteger describes = new AtomicInteger();
            KinesisAsyncClient client = new DelegatingKinesisClient(real) {
                @Override
                public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
                    describes.incrementAndGet();
                    return CompletableFuture.failedFuture(KinesisException.builder().statusCode(400)
                            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException")
                                    .errorMessage("not authorized to perform kinesis:DescribeStreamSummary").build()).build());
                }
            };
            List<CompletableFuture<PutResult>> small = new ArrayList<>();
            CompletableFuture<PutResult> big;
            ProducerStats stats;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, FaultTestSupport.fastConfig()
                    .shardRateLimiting(false).recordMaxBufferedTime(Duration.ofSeconds(30)).build())) {
                for (int i = 0; i < SMALL; i++) {
                    small.add(producer.addUserRecord("key-" + i, ("small|" + i).getBytes(StandardCharsets.UTF_8)));
                }
                big = producer.addUserRecord("big", new byte[1024 * 1024 + 512]); // accepted: the limit is unknown
                producer.flush().get(1, TimeUnit.MINUTES);
                stats = producer.stats();
            }
            CompletableFuture<PutResult> oversized = big;
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> oversized.get(1, TimeUnit.MINUTES));
            assertThat(e.getCause()).isInstanceOf(RecordRejectedException.class);
            RecordRejectedException rejected = (RecordRejectedException) e.getCause();
            assertThat(rejected.errorCode()).isEqualTo("ValidationException");
            assertThat(rejected.attempts()).as("the whole request's rejection, then the split ones'").hasSizeGreaterThanOrEqualTo(2);
            assertThat(rejected.attempts().get(0).errorMessage().orElseThrow()).contains("smaller requests");
            assertThat(describes.get()).as("the stream's limits were asked for").isPositive();

            Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(KclConsumer.readStream(kinesis, STREAM));
            for (int i = 0; i < SMALL; i++) {
                KclConsumer.UserRecord at = read.get(KclConsumer.location(small.get(i).get()));
                assertThat(at).as("small record %d read where its result says", i).isNotNull();
                assertThat(new String(at.data(), StandardCharsets.UTF_8)).isEqualTo("small|" + i);
            }
            assertThat(read).hasSize(SMALL);
            assertThat(stats.failedByReason()).isEqualTo(Map.of("RecordRejectedException", 1L));
        }
    }
}
