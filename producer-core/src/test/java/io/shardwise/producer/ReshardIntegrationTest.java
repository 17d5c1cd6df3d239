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
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.Deaggregator;
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
        Map<String, Integer> readAt = new HashMap<>();
        int copies = 0;
        for (Shard s : shards) {
            BigInteger from = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger to = new BigInteger(s.hashKeyRange().endingHashKey());
            // As the KCL does after a reshard: drop user records outside the shard's hash-key range.
            Deaggregator consumer = Deaggregator.builder().filterToHashKeyRange(from, to).build();
            for (DeaggregatedRecord r : consumer.deaggregate(local.readShard(stream, s.shardId(), 0))) {
                int seq = Integer.parseInt(new String(r.data(), StandardCharsets.UTF_8).split("\\|")[1]);
                readAt.put(s.shardId() + "/" + r.sequenceNumber().orElseThrow() + "/" + r.subSequenceNumber(), seq);
                copies++;
            }
        }
        for (int i = 0; i < n; i++) {
            PutResult result = futures.get(i).get();
            String location = result.shardId() + "/" + result.sequenceNumber() + "/" + result.subSequenceNumber();
            assertThat(readAt.get(location)).as("what a range-filtering consumer reads where record %d's result points", i).isEqualTo(i);
        }
        System.out.printf("reshard: %d user records read by range-filtering consumers for %d sent (%d duplicates)%n",
                copies, n, copies - n);
        // No faults were injected: records of aggregates that landed on a child shard are re-sent only when
        // that child's range does not hold them, so a range-filtering consumer reads each record once.
        assertThat(copies).isEqualTo(n);
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
