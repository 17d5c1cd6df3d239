package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.testkit.KinesisLocal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Resharding a kinesis-local stream while the producer writes to it. */
class ReshardIntegrationTest {

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
                futures.add(producer.addUserRecord("key-" + i, ("key-" + i + "|" + i).getBytes(StandardCharsets.UTF_8)));
                if (i == n / 4) {
                    producer.flush().get(1, TimeUnit.MINUTES);
                    client.splitShard(b -> b.streamName(stream).shardToSplit(first.shardId()).newStartingHashKey(middle))
                            .get(1, TimeUnit.MINUTES);
                    local.awaitActive(stream);
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
        int readBack = 0;
        for (Shard s : shards) {
            for (Record r : local.readShard(stream, s.shardId(), resultShards.getOrDefault(s.shardId(), 0))) {
                int seq = Integer.parseInt(r.data().asUtf8String().split("\\|")[1]);
                assertThat(futures.get(seq).get().shardId()).as("record %d", seq).isEqualTo(s.shardId());
                assertThat(futures.get(seq).get().sequenceNumber()).isEqualTo(r.sequenceNumber());
                readBack++;
            }
        }
        assertThat(readBack).isEqualTo(n);
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
