package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The same end-to-end check as {@link KinesisProducerIntegrationTest}, against LocalStack in a
 * container. Skipped where no Docker engine runs (as on this project's machines, where the
 * behaviour is proven against kinesis-local, the engine LocalStack uses for Kinesis).
 */
@Testcontainers(disabledWithoutDocker = true)
class LocalStackIntegrationTest {
    @Container
    private static final LocalStackContainer LOCALSTACK = new LocalStackContainer(DockerImageName.parse("localstack/localstack:3.8"))
            .withServices(LocalStackContainer.Service.KINESIS);

    @Test
    void recordsAreAcknowledgedAndReadBackOnTheShardsTheirResultsName() throws Exception {
        try (KinesisAsyncClient client = KinesisAsyncClient.builder()
                .endpointOverride(LOCALSTACK.getEndpoint())
                .region(Region.of(LOCALSTACK.getRegion()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LOCALSTACK.getAccessKey(), LOCALSTACK.getSecretKey())))
                .build()) {
            String stream = "localstack-it";
            client.createStream(b -> b.streamName(stream).shardCount(2)).get(1, TimeUnit.MINUTES);
            await("stream " + stream + " ACTIVE").atMost(Duration.ofMinutes(1)).until(() -> client.describeStreamSummary(
                    b -> b.streamName(stream)).get().streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
            int n = 2_000;
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).build()) {
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + (i % 100), ("r" + i).getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush().get(2, TimeUnit.MINUTES);
            }
            // Read back as a KCL application does: each shard through the KCL's deaggregator with the shard's range.
            Set<String> read = new HashSet<>();
            for (Shard shard : client.listShards(b -> b.streamName(stream)).get().shards()) {
                String it = client.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                        .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).get().shardIterator();
                for (KclConsumer.UserRecord r : KclConsumer.readShard(shard.shardId(),
                        client.getRecords(b -> b.shardIterator(it).limit(10_000)).get().records(),
                        new BigInteger(shard.hashKeyRange().startingHashKey()), new BigInteger(shard.hashKeyRange().endingHashKey()))) {
                    String id = new String(r.data(), StandardCharsets.UTF_8);
                    PutResult result = futures.get(Integer.parseInt(id.substring(1))).get();
                    assertThat(KclConsumer.location(result)).as("where %s's result says it is", id).isEqualTo(r.location());
                    read.add(id);
                }
            }
            assertThat(read).hasSize(n);
        }
    }
}
