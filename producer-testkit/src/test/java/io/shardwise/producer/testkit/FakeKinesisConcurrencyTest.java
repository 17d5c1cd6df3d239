package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Many requests in flight, injected entry failures with re-sends, and a split while traffic flows:
 * every acknowledged record is stored exactly once, on the shard and with the sequence number its
 * result named, inside that shard's hash range.
 */
class FakeKinesisConcurrencyTest {

    @Test
    void everyAcknowledgedRecordIsStoredWhereItsResultSaysEvenAcrossASplit() throws Exception {
        int total = 20_000;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("load", 4).seed(11).enforceShardLimits(false).build()
                .start();
             KinesisAsyncClient client = kinesis.clientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP)).build()) {
            kinesis.faults().entryFailureRate(0.05);
            java.util.concurrent.LinkedBlockingQueue<Integer> pending = new java.util.concurrent.LinkedBlockingQueue<>();
            for (int i = 0; i < total; i++) {
                pending.add(i);
            }
            Map<Integer, PutRecordsResultEntry> acked = new ConcurrentHashMap<>();
            Semaphore inFlight = new Semaphore(8);
            AtomicInteger outstanding = new AtomicInteger();
            AtomicInteger batches = new AtomicInteger();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while ((acked.size() < total) && System.nanoTime() < deadline && errors.isEmpty()) {
                // Waits for a failed entry to come back (or the loop's checks) instead of spinning.
                Integer first = pending.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Integer> batch = new ArrayList<>();
                batch.add(first);
                Integer next;
                while (batch.size() < 500 && (next = pending.poll()) != null) {
                    batch.add(next);
                }
                if (batches.incrementAndGet() == 20) {
                    kinesis.splitShard("load", "shardId-000000000001");
                }
                inFlight.acquire();
                outstanding.incrementAndGet();
                List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.size());
                for (int i : batch) {
                    entries.add(PutRecordsRequestEntry.builder().partitionKey("key-" + i)
                            .data(SdkBytes.fromUtf8String("record-" + i)).build());
                }
                CompletableFuture<?> f = client.putRecords(b -> b.streamName("load").records(entries))
                        .whenComplete((r, e) -> {
                            try {
                                if (e != null) {
                                    errors.add(e);
                                    return;
                                }
                                for (int j = 0; j < batch.size(); j++) {
                                    PutRecordsResultEntry re = r.records().get(j);
                                    if (re.errorCode() == null) {
                                        assertThat(acked.put(batch.get(j), re)).isNull();
                                    } else {
                                        pending.add(batch.get(j));
                                    }
                                }
                            } catch (Throwable t) {
                                errors.add(t);
                            } finally {
                                outstanding.decrementAndGet();
                                inFlight.release();
                            }
                        });
                assertThat(f).isNotNull();
            }
            assertThat(errors).isEmpty();
            assertThat(acked).hasSize(total);

            List<Shard> shards = kinesis.shards("load");
            assertThat(shards).hasSize(6);
            Map<String, Shard> byId = new HashMap<>();
            shards.forEach(s -> byId.put(s.shardId(), s));
            List<StoredRecord> stored = kinesis.records("load");
            assertThat(stored).hasSize(total);
            Map<String, StoredRecord> bySeq = new HashMap<>();
            for (StoredRecord s : stored) {
                assertThat(bySeq.put(s.sequenceNumber(), s)).isNull();
                Shard shard = byId.get(s.shardId());
                assertThat(s.hashKey()).isBetween(new BigInteger(shard.hashKeyRange().startingHashKey()),
                        new BigInteger(shard.hashKeyRange().endingHashKey()));
            }
            for (Map.Entry<Integer, PutRecordsResultEntry> e : acked.entrySet()) {
                StoredRecord s = bySeq.get(e.getValue().sequenceNumber());
                assertThat(s).isNotNull();
                assertThat(s.shardId()).isEqualTo(e.getValue().shardId());
                assertThat(s.dataAsUtf8()).isEqualTo("record-" + e.getKey());
            }
            // records stored on the split parent all precede its EndingSequenceNumber; children got traffic
            BigInteger parentEnd = new BigInteger(byId.get("shardId-000000000001").sequenceNumberRange()
                    .endingSequenceNumber());
            assertThat(kinesis.records("load", "shardId-000000000001"))
                    .allSatisfy(s -> assertThat(new BigInteger(s.sequenceNumber())).isLessThanOrEqualTo(parentEnd));
            assertThat(kinesis.records("load", "shardId-000000000004")).isNotEmpty();
            assertThat(kinesis.records("load", "shardId-000000000005")).isNotEmpty();
            for (Shard s : shards) {
                List<StoredRecord> onShard = kinesis.records("load", s.shardId());
                for (int i = 1; i < onShard.size(); i++) {
                    assertThat(onShard.get(i).arrivalIndex()).isGreaterThan(onShard.get(i - 1).arrivalIndex());
                }
            }
            FakeKinesis.Counters c = kinesis.counters();
            assertThat(c.entriesStored()).isEqualTo(total);
            assertThat(c.entriesReceived()).isEqualTo(total + c.entriesFailedByInjection());
            assertThat(c.entriesFailedByInjection()).isPositive();
        }
    }
}
