package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Streams named by ARN: the producer sends StreamARN on every call (PutRecords, ListShards,
 * DescribeStreamSummary), as a cross-account writer must; FakeKinesis resolves ARNs as the service
 * does (an ARN of another account is not found), and kinesis-local accepts them too. Everything is
 * read back with the KCL's deaggregator where the results say.
 */
class StreamArnTest {
    private static final int N = 400;

    @Test
    void aStreamGivenByArnGetsEveryRecordOnFakeKinesis() throws Exception {
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 2).seed(5).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            String arn = kinesis.streamArn("orders");
            sendAndReadBack(client, arn, () -> KclConsumer.readStream(kinesis, "orders"));

            // Another account's stream of the same name: not found, failed without retry, named readably.
            String elsewhere = arn.replace(":" + kinesis.accountId() + ":", ":999999999999:");
            try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamArn(elsewhere).build()) {
                CompletableFuture<PutResult> f = producer.addUserRecord("k", new byte[] {1});
                ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                        () -> f.get(1, TimeUnit.MINUTES));
                assertThat(e.getCause()).isInstanceOf(StreamNotFoundException.class).hasMessageContaining("'orders'")
                        .hasMessageContaining("999999999999");
            }
        }
    }

    @Test
    void aStreamGivenByArnGetsEveryRecordOnKinesisLocal() throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "arn-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);
        try (KinesisAsyncClient client = local.newClient()) {
            String arn = client.describeStreamSummary(b -> b.streamName(stream)).get(1, TimeUnit.MINUTES)
                    .streamDescriptionSummary().streamARN();
            assertThat(arn).startsWith("arn:aws:kinesis:").endsWith(":stream/" + stream);
            sendAndReadBack(client, arn, () -> KclConsumer.readStream(local, stream));
        }
    }

    @Test
    void aMalformedArnIsRefusedAtTheCall() {
        assertThatThrownBy(() -> KinesisProducer.builder().streamArn("arn:aws:kinesis:us-east-1:12:stream/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("arn:<partition>:kinesis");
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 1).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("orders").build()) {
            for (String bad : List.of("arn:aws:kinesis:us-east-1:123456789012:orders", "arn:aws:firehose:us-east-1:123456789012:deliverystream/x",
                    "arn:aws:kinesis:us-east-1:1234:stream/orders", "arn:aws:kinesis::123456789012:stream/orders")) {
                assertThatThrownBy(() -> producer.addUserRecord(bad, "k", new byte[1]))
                        .as("stream '%s'", bad)
                        .isInstanceOf(InvalidUserRecordException.class)
                        .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).startsWith("streamArn.format="));
            }
        }
    }

    private static void sendAndReadBack(KinesisAsyncClient client, String arn, Supplier<List<KclConsumer.UserRecord>> readBack)
            throws Exception {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        java.util.Set<String> observed = java.util.concurrent.ConcurrentHashMap.newKeySet();
        ProducerStats stats;
        try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamArn(arn)
                .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build()).build()) {
            producer.addObserver(new ProducerObserver() {
                @Override
                public void requestCompleted(RequestOutcome outcome) {
                    observed.add(outcome.stream());
                }

                @Override
                public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                            RecordFailedException failure) {
                    observed.add(stream);
                }
            });
            for (int i = 0; i < N; i++) {
                futures.add(producer.addUserRecord("key-" + i, ("arn|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            // Per record by ARN as well.
            futures.add(producer.addUserRecord(UserRecord.builder().streamName(arn).partitionKey("one-more")
                    .data(("arn|" + N).getBytes(StandardCharsets.UTF_8)).build()));
            producer.flush().get(2, TimeUnit.MINUTES);
            stats = producer.stats();
        }
        assertThat(stats.userRecordsSucceeded()).isEqualTo(N + 1);
        assertThat(observed).as("the stream as observers and metrics name it").containsExactly(arn.substring(arn.indexOf(":stream/") + 8));
        assertThat(stats.shardMapRefreshes()).as("the shard map, read with ListShards by ARN").isPositive();
        Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(readBack.get());
        for (int i = 0; i <= N; i++) {
            KclConsumer.UserRecord at = read.get(KclConsumer.location(futures.get(i).get()));
            assertThat(at).as("record %d read where its result says", i).isNotNull();
            assertThat(new String(at.data(), StandardCharsets.UTF_8)).isEqualTo("arn|" + i);
        }
    }
}
