package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.errorCodes;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.paced;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.quantile;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Against an endpoint that enforces the service's per-shard limits (1,000 records/s and 1 MiB/s per
 * shard), a producer offered far more than the capacity delivers everything, every record read back
 * by the KCL where its result says, throttled entries retried until stored; two producers sharing
 * the stream both keep delivering (neither starves the other). Correctness only: the throttled
 * fraction, the delivered rate, latencies and the split between the producers are printed, not
 * asserted (they depend on what else the machine is doing).
 */
class ThrottlingTest {
    private static final int SHARDS = 2;
    private static final int CAPACITY = SHARDS * FakeKinesis.DEFAULT_RECORDS_PER_SECOND;
    /** Long enough that no record expires however slow the machine: delivery, not speed, is checked here. */
    private static final Duration TTL = Duration.ofMinutes(10);
    /** How long to wait for what must happen eventually (a backlog of ~12 s of capacity to drain). */
    private static final Duration DRAIN = Duration.ofMinutes(5);

    @Test
    void oneProducerOfferingThreeTimesTheCapacityDeliversEverything() throws Exception {
        String stream = "throttled";
        int offeredPerSecond = 3 * CAPACITY;
        int n = offeredPerSecond * 4; // 4 s of offered load: ~12 s to deliver at capacity
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(stream, SHARDS).seed(31).enforceShardLimits(true).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .retryBackoffBase(Duration.ofMillis(50)).retryBackoffMax(Duration.ofSeconds(1)).recordTtl(TTL).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            List<CompletableFuture<PutResult>> measured = new ArrayList<>(n);
            long[] addedAt = new long[n]; // printed only
            long[] latencyMillis = new long[n]; // printed only
            ProducerStats stats;
            long pushMillis;
            long start = System.nanoTime();
            try (KinesisProducer producer = FaultTestSupport.producer(client, stream, config)) {
                pushMillis = paced(n, offeredPerSecond, i -> {
                    addedAt[i] = System.nanoTime();
                    CompletableFuture<PutResult> f = producer.addUserRecord("key-" + i, payload(i, 100));
                    measured.add(f.whenComplete((r, e) -> latencyMillis[i] = (System.nanoTime() - addedAt[i]) / 1_000_000));
                    futures.add(f);
                });
                producer.flush();
                awaitAll(measured, DRAIN);
                stats = producer.stats();
            }
            long totalMillis = (System.nanoTime() - start) / 1_000_000;
            FakeKinesis.Counters c = kinesis.counters();
            int failed = 0;
            List<Attempt> attempts = new ArrayList<>();
            for (CompletableFuture<PutResult> f : futures) {
                if (failure(f) != null) {
                    failed++;
                } else {
                    attempts.addAll(f.join().attempts());
                }
            }
            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, stream);
            int readBack = assertSucceededReadBackByKcl(kinesis, stream, futures, "r");
            // Printed only: the delivered rate while a backlog existed (from 1 s after the first record stored to 0.5 s
            // before the last) and the throttled fraction.
            double throttleRatio = (double) c.entriesThrottled() / c.entriesReceived();
            long first = stored.stream().mapToLong(FaultTestSupport.Copy::arrivalMillis).min().orElse(0);
            long last = stored.stream().mapToLong(FaultTestSupport.Copy::arrivalMillis).max().orElse(0);
            long from = first + 1000;
            long to = last - 500;
            long inWindow = stored.stream().filter(s -> s.arrivalMillis() >= from && s.arrivalMillis() < to).count();
            double rate = inWindow * 1000.0 / Math.max(1, to - from);
            System.out.printf("throttling, one producer: offered %d records/s for %d ms to %d shards (capacity %d records/s);"
                    + " delivered %d records in %d ms, %d read back by the KCL; steady delivered rate %.0f records/s (%.0f%% of capacity);"
                    + " throttled-entry ratio %.2f%% (%d of %d entries received); latency p50 %d ms, p99 %d ms, max %d ms;"
                    + " stored per second %s; producer: %s; endpoint: %s%n",
                    offeredPerSecond, pushMillis, SHARDS, CAPACITY, stored.size(), totalMillis, readBack, rate, 100 * rate / CAPACITY,
                    100 * throttleRatio, c.entriesThrottled(), c.entriesReceived(), quantile(latencyMillis, 0.5),
                    quantile(latencyMillis, 0.99), quantile(latencyMillis, 1), FaultTestSupport.perSecond(stored, first, ""),
                    summary(stats), summary(c));

            assertThat(failed).as("records not delivered").isZero();
            assertThat(stored).as("user records stored (each once)").hasSize(n);
            assertThat(readBack).as("records read back by the KCL where their results say").isEqualTo(n);
            assertThat(errorCodes(attempts).keySet()).as("error codes of failed attempts").isSubsetOf("ProvisionedThroughputExceededException");
            assertThat(stats.throttledEntries()).as("throttled entries counted by the producer").isEqualTo(c.entriesThrottled());
            assertThat(stats.retriedEntries()).as("entries retried").isEqualTo(c.entriesReceived() - n);
        }
    }

    @Test
    void twoProducersSharingAStreamBothKeepDelivering() throws Exception {
        String stream = "shared";
        int aloneRecords = 2_000; // about a second of the stream's capacity
        int togetherRecords = 4_000; // each producer's records stored while both push
        Map<String, AtomicLong> storedByTag = Map.of("A", new AtomicLong(), "B", new AtomicLong());
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(stream, SHARDS).seed(32).enforceShardLimits(true)
                     .recordListener(r -> storedByTag.get(FaultTestSupport.label(r.data()).substring(0, 1)).incrementAndGet())
                     .build().start();
             KinesisAsyncClient clientA = kinesis.newClient();
             KinesisAsyncClient clientB = kinesis.newClient()) {
            // Each producer pushes as fast as its buffer lets it (blocking backpressure): always backlogged.
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .retryBackoffBase(Duration.ofMillis(50)).retryBackoffMax(Duration.ofSeconds(1))
                    .recordTtl(TTL).maxOutstandingRecords(2_000).maxBlockTime(TTL).build();
            AtomicBoolean stop = new AtomicBoolean();
            List<CompletableFuture<PutResult>> futuresA = new ArrayList<>();
            List<CompletableFuture<PutResult>> futuresB = new ArrayList<>();
            ProducerStats statsA;
            ProducerStats statsB;
            long aStartMillis = System.currentTimeMillis(); // printed only
            long bStartMillis;
            long storedAAtBStart;
            try (KinesisProducer a = FaultTestSupport.producer(clientA, stream, config);
                 KinesisProducer b = FaultTestSupport.producer(clientB, stream, config)) {
                Thread ta = pusher(a, "A", stop, futuresA);
                ta.start();
                await("A alone stores " + aloneRecords + " records").atMost(DRAIN)
                        .until(() -> storedByTag.get("A").get() >= aloneRecords);
                storedAAtBStart = storedByTag.get("A").get();
                bStartMillis = System.currentTimeMillis();
                Thread tb = pusher(b, "B", stop, futuresB);
                tb.start();
                // Neither starves the other: each stores records while both push (a starved one never gets there).
                await("A and B each store " + togetherRecords + " records while both push").atMost(DRAIN)
                        .until(() -> storedByTag.get("B").get() >= togetherRecords
                                && storedByTag.get("A").get() - storedAAtBStart >= togetherRecords);
                assertThat(ta.isAlive() && tb.isAlive()).as("both pushers still pushing").isTrue();
                stop.set(true);
                ta.join();
                tb.join();
                a.flush();
                b.flush();
                awaitAll(futuresA, DRAIN);
                awaitAll(futuresB, DRAIN);
                statsA = a.close(HANG);
                statsB = b.close(HANG);
            }
            FakeKinesis.Counters c = kinesis.counters();
            List<FaultTestSupport.Copy> stored = storedUserRecords(kinesis, stream);
            int readA = assertSucceededReadBackByKcl(kinesis, stream, futuresA, "A");
            int readB = assertSucceededReadBackByKcl(kinesis, stream, futuresB, "B");
            // Printed only: each producer's rate and share from 2 s after B started, and the throttled fraction.
            long from = bStartMillis + 2_000;
            long inA = stored.stream().filter(s -> s.arrivalMillis() >= from && s.label().startsWith("A")).count();
            long inB = stored.stream().filter(s -> s.arrivalMillis() >= from && s.label().startsWith("B")).count();
            long to = Math.max(from + 1, stored.stream().mapToLong(FaultTestSupport.Copy::arrivalMillis).max().orElse(from + 1));
            double seconds = (to - from) / 1000.0;
            double shareA = (double) inA / Math.max(1, inA + inB);
            double throttleRatio = (double) c.entriesThrottled() / c.entriesReceived();
            System.out.printf("throttling, two producers on %d shards (capacity %d records/s): A alone %d records in %d ms;"
                    + " from 2 s after B joined: A %.0f records/s, B %.0f records/s (A %.1f%% / B %.1f%%, %.0f%% of capacity);"
                    + " throttled-entry ratio %.2f%%; stored per second A %s, B %s; read back by the KCL A %d, B %d;"
                    + " A: %s; B: %s; endpoint: %s%n",
                    SHARDS, CAPACITY, storedAAtBStart, bStartMillis - aStartMillis, inA / seconds, inB / seconds, 100 * shareA,
                    100 * (1 - shareA), 100 * (inA + inB) / seconds / CAPACITY, 100 * throttleRatio,
                    FaultTestSupport.perSecond(stored, aStartMillis, "A"), FaultTestSupport.perSecond(stored, aStartMillis, "B"),
                    readA, readB, summary(statsA), summary(statsB), summary(c));

            assertThat(statsA.userRecordsFailed() + statsB.userRecordsFailed()).as("records failed").isZero();
            assertThat(statsA.userRecordsSucceeded()).as("A's records delivered").isEqualTo(futuresA.size());
            assertThat(statsB.userRecordsSucceeded()).as("B's records delivered").isEqualTo(futuresB.size());
            assertThat(readA).as("A's records read back by the KCL where their results say").isEqualTo(futuresA.size());
            assertThat(readB).as("B's records read back by the KCL where their results say").isEqualTo(futuresB.size());
            assertThat(stored).as("user records stored (each once)").hasSize(futuresA.size() + futuresB.size());
            assertThat(statsA.throttledEntries() + statsB.throttledEntries()).as("throttled entries counted by the producers")
                    .isEqualTo(c.entriesThrottled());
        }
    }

    /** A thread adding {@code <tag><i>;...} records as fast as the producer takes them, keeping their futures. */
    private static Thread pusher(KinesisProducer producer, String tag, AtomicBoolean stop, List<CompletableFuture<PutResult>> futures) {
        Thread t = new Thread(() -> {
            int i = 0;
            while (!stop.get()) {
                futures.add(producer.addUserRecord(tag + "-key-" + i, payload(tag, i, 100)));
                i++;
            }
        }, "pusher-" + tag);
        t.setDaemon(true);
        return t;
    }
}
