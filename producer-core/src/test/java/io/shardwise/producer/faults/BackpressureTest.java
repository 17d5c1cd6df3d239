package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.FaultTestSupport.assertSucceededReadBackByKcl;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.quantile;
import static io.shardwise.producer.faults.FaultTestSupport.storedUserRecords;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A thread adding records as fast as it can against a stream that takes far fewer: the producer
 * holds at most {@code maxOutstandingRecords}; in blocking mode {@code addUserRecord} blocks and
 * resumes as room frees up, in fail-fast mode it throws {@link BufferFullException}; either way
 * memory stays bounded and everything accepted is delivered, each record read back by the KCL where
 * its result says. Correctness only: how long the adds blocked is printed, not asserted.
 */
class BackpressureTest {
    private static final String STREAM = "backpressure";
    /** Per-shard limit of the endpoint: two shards take 1,000 records/s in all. */
    private static final int SHARD_RECORDS_PER_SECOND = 500;
    private static final long MAX_OUTSTANDING = 500;

    /**
     * Watches, from the adding thread, the producer's outstanding records and bytes ({@code stats()})
     * and the records the test itself counts as held: {@code addUserRecord} returned and the future
     * is not complete yet. Only an add raises these figures, so reading them right after each add
     * (on the one adding thread) sees every maximum; a sampling thread could miss some.
     *
     * <p>A completing record frees its room just before its future completes (so stats never lag a
     * completed future): an add may be admitted while up to one record per callback thread is still
     * completing, so the held figure may pass the bound by the callback threads; the producer's own
     * outstanding figure may not.
     */
    private static final class Watch {
        final AtomicLong maxRecords = new AtomicLong();
        final AtomicLong maxBytes = new AtomicLong();
        final AtomicLong maxHeld = new AtomicLong();
        final AtomicLong held = new AtomicLong();
        /** Released once per completed future: what a rejected add waits on before trying again. */
        final Semaphore completions = new Semaphore(0);
        private final KinesisProducer producer;

        Watch(KinesisProducer producer) {
            this.producer = producer;
        }

        /** Counts a record as held from now until its future completes, and takes the figures. */
        CompletableFuture<PutResult> track(CompletableFuture<PutResult> f) {
            held.incrementAndGet();
            f.whenComplete((r, e) -> {
                held.decrementAndGet();
                completions.release();
            });
            sample();
            return f;
        }

        void sample() {
            ProducerStats s = producer.stats();
            maxRecords.accumulateAndGet(s.outstandingRecords(), Math::max);
            maxBytes.accumulateAndGet(s.outstandingBytes(), Math::max);
            maxHeld.accumulateAndGet(held.get(), Math::max);
        }
    }

    private static FakeKinesis throttledEndpoint(long seed) {
        FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(seed).build().start();
        kinesis.shardLimits(SHARD_RECORDS_PER_SECOND, 512 * 1024);
        return kinesis;
    }

    @Test
    void blockingModeBlocksAndResumesAndNeverHoldsMoreThanTheBound() throws Exception {
        int n = 4_000;
        long maxBytes = 1024 * 1024;
        try (FakeKinesis kinesis = throttledEndpoint(71);
             KinesisAsyncClient client = kinesis.newClient()) {
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .maxOutstandingRecords(MAX_OUTSTANDING).maxOutstandingBytes(maxBytes).maxBlockTime(HANG)
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(500)).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            long[] addMillis = new long[n]; // printed only
            long pushMillis;
            long addsIntoAFullBuffer = 0;
            ProducerStats stats;
            Watch watch;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                watch = new Watch(producer);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    if (producer.outstandingRecords() >= MAX_OUTSTANDING) {
                        addsIntoAFullBuffer++; // this add can only return once a record has left the buffer
                    }
                    long t = System.nanoTime();
                    futures.add(watch.track(producer.addUserRecord("key-" + i, payload(i, 100)))); // blocks when full
                    addMillis[i] = (System.nanoTime() - t) / 1_000_000;
                }
                pushMillis = (System.nanoTime() - start) / 1_000_000;
                producer.flush();
                awaitAll(futures, HANG);
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();
            long failed = futures.stream().filter(f -> failure(f) != null).count();
            int readBack = assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r");
            System.out.printf("backpressure (blocking): %d records pushed in %d ms against %d records/s; %d adds into a full buffer"
                    + " (longest add %d ms, printed only); outstanding at most %d records (held as counted by the test: %d) / %d bytes"
                    + " (bounds %d / %d); %d read back by the KCL; producer: %s; endpoint: %s%n",
                    n, pushMillis, 2 * SHARD_RECORDS_PER_SECOND, addsIntoAFullBuffer, quantile(addMillis, 1), watch.maxRecords.get(),
                    watch.maxHeld.get(), watch.maxBytes.get(), MAX_OUTSTANDING, maxBytes, readBack, summary(stats), summary(c));

            assertThat(watch.maxRecords.get()).as("most outstanding records in stats()").isLessThanOrEqualTo(MAX_OUTSTANDING);
            assertThat(watch.maxHeld.get()).as("most records held (added, future incomplete)").isLessThanOrEqualTo(MAX_OUTSTANDING + 2);
            assertThat(watch.maxBytes.get()).as("most outstanding bytes seen").isLessThanOrEqualTo(maxBytes);
            // The stream takes 1,000 records/s and the pusher offers thousands in a few milliseconds: it ran into the
            // bound again and again, and each of those adds waited for room instead of failing.
            assertThat(addsIntoAFullBuffer).as("adds made while the buffer was full (each blocked until room freed)").isPositive();
            assertThat(failed).as("records failed").isZero();
            assertThat(readBack).as("records read back by the KCL where their results say").isEqualTo(n);
            assertThat(storedUserRecords(kinesis, STREAM)).hasSize(n);
        }
    }

    @Test
    void failFastModeThrowsBufferFullNeverHoldsMoreThanTheBoundAndAcceptsAgainOnceRoomFrees() throws Exception {
        int n = 3_000;
        try (FakeKinesis kinesis = throttledEndpoint(72);
             KinesisAsyncClient client = kinesis.newClient()) {
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false)
                    .maxOutstandingRecords(MAX_OUTSTANDING).maxBlockTime(Duration.ZERO)
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(500)).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            long rejections = 0;
            long pushMillis;
            ProducerStats stats;
            Watch watch;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                watch = new Watch(producer);
                long start = System.nanoTime();
                for (int i = 0; i < n; ) {
                    try {
                        futures.add(watch.track(producer.addUserRecord("key-" + i, payload(i, 100))));
                        i++;
                    } catch (BufferFullException e) {
                        rejections++;
                        assertThat(e).hasMessageContaining("maxOutstandingRecords=" + MAX_OUTSTANDING);
                        watch.sample();
                        // Try again once a record has completed (its room is freed before its future completes).
                        assertThat(watch.completions.tryAcquire(HANG.toMillis(), TimeUnit.MILLISECONDS))
                                .as("a record completed after a BufferFullException").isTrue();
                    }
                }
                pushMillis = (System.nanoTime() - start) / 1_000_000;
                producer.flush();
                awaitAll(futures, HANG);
                stats = producer.stats();
            }
            long failed = futures.stream().filter(f -> failure(f) != null).count();
            int readBack = assertSucceededReadBackByKcl(kinesis, STREAM, futures, "r");
            System.out.printf("backpressure (fail fast): %d records accepted in %d ms against %d records/s; %d BufferFullExceptions;"
                    + " outstanding at most %d records (held as counted by the test: %d; bound %d); %d read back by the KCL;"
                    + " producer: %s; endpoint: %s%n",
                    n, pushMillis, 2 * SHARD_RECORDS_PER_SECOND, rejections, watch.maxRecords.get(), watch.maxHeld.get(), MAX_OUTSTANDING,
                    readBack, summary(stats), summary(kinesis.counters()));
            assertThat(rejections).as("BufferFullExceptions thrown").isPositive();
            assertThat(watch.maxRecords.get()).as("most outstanding records in stats()").isLessThanOrEqualTo(MAX_OUTSTANDING);
            assertThat(watch.maxHeld.get()).as("most records held (added, future incomplete)").isLessThanOrEqualTo(MAX_OUTSTANDING + 2);
            assertThat(stats.userRecordsAdded()).as("records accepted").isEqualTo(n);
            assertThat(failed).as("records failed").isZero();
            assertThat(readBack).as("records read back by the KCL where their results say").isEqualTo(n);
            assertThat(storedUserRecords(kinesis, STREAM)).hasSize(n);
        }
    }
}
