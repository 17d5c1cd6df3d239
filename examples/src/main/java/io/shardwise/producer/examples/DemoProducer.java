package io.shardwise.producer.examples;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.Deaggregator;
import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The demo: starts kinesis-local (or uses {@code SHARDWISE_KINESIS_ENDPOINT}), creates a stream
 * with 4 shards, sends records through a {@link KinesisProducer} with a progress line, reads every
 * record back with GetRecords (deaggregating, as a KCL consumer would) and prints what was sent,
 * acknowledged and read back, per shard.
 *
 * <p>Arguments: {@code [records (default 100000)] [shards (default 4)]}. Exits non-zero if any
 * record was not acknowledged or not read back.
 */
public final class DemoProducer {
    private DemoProducer() {
    }

    /**
     * @param args optional record count and shard count
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int total = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int shards = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        System.out.println("Starting kinesis-local (a local Kinesis-compatible server)...");
        KinesisLocal local = KinesisLocal.shared();
        String stream = "shardwise-demo-" + System.currentTimeMillis();
        local.createStream(stream, shards);
        System.out.printf("Stream %s with %d shards at %s%n", stream, shards, local.endpoint());

        AtomicLong acked = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        Map<String, AtomicLong> ackedPerShard = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder()
                     .kinesisClient(client)
                     .streamName(stream)
                     .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(100)).build())
                     .build()) {
            long lastPrint = System.nanoTime();
            for (int i = 0; i < total; i++) {
                byte[] data = String.format("{\"seq\":%d,\"user\":\"user-%d\",\"payload\":\"shardwise demo record\"}", i, i % 997)
                        .getBytes(StandardCharsets.UTF_8);
                CompletableFuture<PutResult> f = producer.addUserRecord("user-" + (i % 997), data);
                f.whenComplete((r, e) -> {
                    if (e == null) {
                        acked.incrementAndGet();
                        ackedPerShard.computeIfAbsent(r.shardId(), k -> new AtomicLong()).incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        System.err.println("record failed: " + e);
                    }
                });
                // Keep at most 20,000 records outstanding, as a real service would.
                while (producer.outstandingRecords() > 20_000) {
                    Thread.sleep(5);
                    lastPrint = progress(total, i + 1, acked, failed, start, lastPrint);
                }
                lastPrint = progress(total, i + 1, acked, failed, start, lastPrint);
            }
            producer.flush().get(5, TimeUnit.MINUTES);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        System.out.printf("sent %d, acknowledged %d, failed %d in %.1f s (%.0f records/s)%n",
                total, acked.get(), failed.get(), secs, acked.get() / secs);

        System.out.println("Reading the stream back with GetRecords...");
        BitSet seen = new BitSet(total);
        long readBack = 0;
        long duplicates = 0;
        long kinesisRecords = 0;
        Map<String, Long> readPerShard = new TreeMap<>();
        Deaggregator deaggregator = Deaggregator.create();
        for (Shard shard : local.listShards(stream)) {
            List<Record> raw = local.readShard(stream, shard.shardId(), 1);
            kinesisRecords += raw.size();
            long n = 0;
            for (DeaggregatedRecord r : deaggregator.deaggregate(raw)) {
                String s = new String(r.data(), StandardCharsets.UTF_8);
                int seq = Integer.parseInt(s.substring(s.indexOf(':') + 1, s.indexOf(',')));
                if (seen.get(seq)) {
                    duplicates++;
                } else {
                    seen.set(seq);
                }
                n++;
            }
            readPerShard.put(shard.shardId(), n);
            readBack += n;
        }
        System.out.printf("%-22s %12s %12s%n", "shard", "acknowledged", "read back");
        for (Map.Entry<String, Long> e : readPerShard.entrySet()) {
            System.out.printf("%-22s %12d %12d%n", e.getKey(),
                    ackedPerShard.getOrDefault(e.getKey(), new AtomicLong()).get(), e.getValue());
        }
        int distinct = seen.cardinality();
        System.out.printf("Kinesis records read: %d (%.1f user records per Kinesis record: KPL-format aggregation)%n",
                kinesisRecords, (double) readBack / Math.max(1, kinesisRecords));
        System.out.printf("sent: %d  acknowledged: %d  read back: %d (distinct %d, duplicates %d)  records/s: %.0f%n",
                total, acked.get(), readBack, distinct, duplicates, acked.get() / secs);
        boolean ok = acked.get() == total && distinct == total;
        System.out.println(ok ? "OK: every record sent was acknowledged and read back." : "FAILED: records are missing.");
        local.close();
        System.exit(ok ? 0 : 1);
    }

    private static long progress(int total, int added, AtomicLong acked, AtomicLong failed, long start, long lastPrint) {
        long now = System.nanoTime();
        if (now - lastPrint < 1_000_000_000L) {
            return lastPrint;
        }
        System.out.printf("  progress: added %d/%d, acknowledged %d, failed %d, %.0f records/s%n",
                added, total, acked.get(), failed.get(), acked.get() / ((now - start) / 1e9));
        return now;
    }
}
