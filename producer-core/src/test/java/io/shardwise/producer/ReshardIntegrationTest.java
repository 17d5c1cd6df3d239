package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.testkit.KinesisLocal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * Resharding a kinesis-local stream while the producer writes to it: every record is delivered and
 * the KCL's own deaggregator (which drops a whole aggregate if any of its user records lies outside
 * the shard's hash-key range) reads each one where its result says. Records read more than once are
 * counted, not forbidden.
 */
class ReshardIntegrationTest {

    private static String payload(int i) {
        return "key-" + i + "|" + i;
    }

    @Test
    void splittingAShardWhileProducingLosesNothingAndRefreshesTheMap() throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "reshard-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);
        Shard first = local.listShards(stream).get(0);
        BigInteger start = new BigInteger(first.hashKeyRange().startingHashKey());
        BigInteger end = new BigInteger(first.hashKeyRange().endingHashKey());
        String middle = start.add(end).shiftRight(1).toString();

        int n = 4_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        ProducerStats stats;
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).build()) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.addUserRecord("key-" + i, payload(i).getBytes(StandardCharsets.UTF_8)));
                if (i == n / 4) {
                    producer.flush().get(1, TimeUnit.MINUTES);
                    client.splitShard(b -> b.streamName(stream).shardToSplit(first.shardId()).newStartingHashKey(middle))
                            .get(1, TimeUnit.MINUTES);
                    await().atMost(Duration.ofMinutes(1)).until(() -> client.describeStreamSummary(b -> b.streamName(stream))
                            .get().streamDescriptionSummary().streamStatus() == StreamStatus.ACTIVE);
                }
            }
            producer.flush().get(2, TimeUnit.MINUTES);
            stats = producer.stats();
        }
        Map<String, Integer> resultShards = new HashMap<>();
        for (CompletableFuture<PutResult> f : futures) {
            resultShards.merge(f.get().shardId(), 1, Integer::sum);
        }
        List<Shard> shards = local.listShards(stream);
        assertThat(shards).hasSize(4); // closed parent, untouched sibling, two children
        List<KclConsumer.UserRecord> read = KclConsumer.readStream(local, stream);
        Map<String, KclConsumer.UserRecord> readAt = KclConsumer.byLocation(read);
        Map<String, Integer> copies = KclConsumer.copies(read, u -> new String(u.data(), StandardCharsets.UTF_8));
        int unread = 0;
        int unreadWhereReported = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PutResult result = futures.get(i).get();
            String expected = payload(i);
            if (!copies.containsKey(expected)) {
                unread++;
            }
            KclConsumer.UserRecord at = readAt.get(KclConsumer.location(result));
            if (at == null || !expected.equals(new String(at.data(), StandardCharsets.UTF_8))) {
                unreadWhereReported++;
                if (examples.size() < 5) {
                    examples.add(expected + " at " + KclConsumer.location(result));
                }
            }
        }
        long duplicates = copies.values().stream().filter(c -> c > 1).count();
        System.out.printf("reshard: the KCL read %d user records for %d sent (%d distinct, %d read more than once);"
                + " %d delivered records never read by the KCL, %d not read where their result says %s%n",
                read.size(), n, copies.size(), duplicates, unread, unreadWhereReported, examples);
        assertThat(unread).as("delivered records the KCL never reads").isZero();
        assertThat(unreadWhereReported).as("delivered records the KCL does not read where their result says, e.g. %s",
                examples).isZero();
        // Records after the split went to the children: the map was refreshed (first load + at least one refresh).
        String[] children = shards.stream().filter(s -> first.shardId().equals(s.parentShardId())).map(Shard::shardId).toArray(String[]::new);
        assertThat(children).hasSize(2);
        assertThat(resultShards.keySet()).contains(children);
        assertThat(stats.shardMapRefreshes()).isGreaterThanOrEqualTo(2);
        assertThat(stats.userRecordsSucceeded()).isEqualTo(n);
        System.out.printf("reshard: %d records, %d prediction misses, %d map refreshes, per shard %s%n",
                n, stats.shardPredictionMisses(), stats.shardMapRefreshes(), resultShards);
    }
}
