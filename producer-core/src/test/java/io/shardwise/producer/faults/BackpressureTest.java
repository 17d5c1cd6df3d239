package io.shardwise.producer.faults;

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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A thread adding records as fast as it can against a stream that takes far fewer: the producer
 * holds at most {@code maxOutstandingRecords}; in blocking mode {@code addUserRecord} blocks and
 * resumes as room frees up, in fail-fast mode it throws {@link BufferFullException}; either way
 * memory stays bounded and everything accepted is delivered.
 */
class BackpressureTest {
    private static final String STREAM = "backpressure";
    /** Per-shard limit of the endpoint: two shards take 1,000 records/s in all. */
    private static final int SHARD_RECORDS_PER_SECOND = 500;
    private static final long MAX_OUTSTANDING = 500;

    /**
     * Samples, until stopped, the producer's outstanding records and bytes ({@code stats()}) and the
     * records the test itself counts as held: {@code addUserRecord} returned and the future is not
     * complete yet.
     *
     * <p>{@code stats().outstandingRecords()} may show one more than the bound for a few nanoseconds
     * while an add that finds the buffer full backs out its reservation (Outstanding#tryReserve
     * increments, compares, decrements), so with one adding thread the sampled figure is checked
     * against bound + 1; the test's own count is checked against the bound itself.
     */
    private static final class Sampler implements AutoCloseable {
        final AtomicLong maxRecords = new AtomicLong();
        final AtomicLong maxBytes = new AtomicLong();
        final AtomicLong maxHeld = new AtomicLong();
        final AtomicLong held = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final Thread thread;

        /** Counts a record as held from now until its future completes. */
        CompletableFuture<PutResult> track(CompletableFuture<PutResult> f) {
            held.incrementAndGet();
            f.whenComplete((r, e) -> held.decrementAndGet());
            return f;
        }

        Sampler(KinesisProducer producer) {
            thread = new Thread(() -> {
                while (!stop.get()) {
                    ProducerStats s = producer.stats();
                    maxRecords.accumulateAndGet(s.outstandingRecords(), Math::max);
                    maxBytes.accumulateAndGet(s.outstandingBytes(), Math::max);
                    maxHeld.accumulateAndGet(held.get(), Math::max);
                    samples.incrementAndGet();
                    java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                }
            }, "outstanding-sampler");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() {
            stop.set(true);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
                    .maxOutstandingRecords(MAX_OUTSTANDING).maxOutstandingBytes(maxBytes).maxBlockTime(Duration.ofSeconds(20))
                    .retryBackoffBase(Duration.ofMillis(20)).retryBackoffMax(Duration.ofMillis(500)).build();
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
            long[] addMillis = new long[n];
            long pushMillis;
            ProducerStats stats;
            Sampler sampler;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                sampler = new Sampler(producer);
                long start = System.nanoTime();
                for (int i = 0; i < n; i++) {
                    long t = System.nanoTime();
                    futures.add(sampler.track(producer.addUserRecord("key-" + i, payload(i, 100)))); // blocks when full
                    addMillis[i] = (System.nanoTime() - t) / 1_000_000;
                }
                pushMillis = (System.nanoTime() - start) / 1_000_000;
                producer.flush();
                awaitAll(futures, Duration.ofSeconds(30));
                sampler.close();
                stats = producer.stats();
            }
            FakeKinesis.Counters c = kinesis.counters();
            long blocked = java.util.Arrays.stream(addMillis).filter(m -> m >= 10).count();
            long failed = futures.stream().filter(f -> failure(f) != null).count();
            System.out.printf("backpressure (blocking): %d records pushed in %d ms against %d records/s; %d adds blocked >= 10 ms"
                    + " (longest %d ms); outstanding at most %d records (held as counted by the test: %d) / %d bytes (bounds %d / %d) over %d samples%n"
                    + "  producer: %s%n  endpoint: %s%n",
                    n, pushMillis, 2 * SHARD_RECORDS_PER_SECOND, blocked, quantile(addMillis, 1), sampler.maxRecords.get(),
                    sampler.maxHeld.get(), sampler.maxBytes.get(), MAX_OUTSTANDING, maxBytes, sampler.samples.get(), summary(stats), summary(c));

            // A completing record frees its room just before its future completes (so stats never lag a completed
            // future): an add may be admitted while up to one record per callback thread is still completing.
            assertThat(sampler.maxHeld.get()).as("most records held (added, future incomplete)").isLessThanOrEqualTo(MAX_OUTSTANDING + 2);
            assertThat(sampler.maxRecords.get()).as("most outstanding records in stats()").isLessThanOrEqualTo(MAX_OUTSTANDING + 1);
            assertThat(sampler.maxBytes.get()).as("most outstanding bytes seen").isLessThanOrEqualTo(maxBytes);
            assertThat(sampler.maxHeld.get()).as("the bound was reached").isGreaterThanOrEqualTo(MAX_OUTSTANDING - 10);
            assertThat(blocked).as("adds that blocked").isPositive();
            // The pusher went at the stream's pace: it could not run ahead by more than the buffer.
            assertThat(pushMillis).as("push time, ms").isGreaterThan((n - MAX_OUTSTANDING) * 1000 / (4L * SHARD_RECORDS_PER_SECOND));
            assertThat(failed).as("records failed").isZero();
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
            Sampler sampler;
            try (KinesisProducer producer = FaultTestSupport.producer(client, STREAM, config)) {
                sampler = new Sampler(producer);
                long start = System.nanoTime();
                for (int i = 0; i < n; ) {
                    try {
                        futures.add(sampler.track(producer.addUserRecord("key-" + i, payload(i, 100))));
                        i++;
                    } catch (BufferFullException e) {
                        rejections++;
                        assertThat(e).hasMessageContaining("maxOutstandingRecords=" + MAX_OUTSTANDING);
                        Thread.sleep(2);
                    }
                }
                pushMillis = (System.nanoTime() - start) / 1_000_000;
                producer.flush();
                awaitAll(futures, Duration.ofSeconds(30));
                sampler.close();
                stats = producer.stats();
            }
            long failed = futures.stream().filter(f -> failure(f) != null).count();
            System.out.printf("backpressure (fail fast): %d records accepted in %d ms against %d records/s; %d BufferFullExceptions;"
                    + " outstanding at most %d records (held as counted by the test: %d; bound %d) over %d samples%n  producer: %s%n  endpoint: %s%n",
                    n, pushMillis, 2 * SHARD_RECORDS_PER_SECOND, rejections, sampler.maxRecords.get(), sampler.maxHeld.get(), MAX_OUTSTANDING,
                    sampler.samples.get(), summary(stats), summary(kinesis.counters()));
            assertThat(rejections).as("BufferFullExceptions thrown").isPositive();
            // A completing record frees its room just before its future completes (so stats never lag a completed
            // future): an add may be admitted while up to one record per callback thread is still completing.
            assertThat(sampler.maxHeld.get()).as("most records held (added, future incomplete)").isLessThanOrEqualTo(MAX_OUTSTANDING + 2);
            assertThat(sampler.maxRecords.get()).as("most outstanding records in stats()").isLessThanOrEqualTo(MAX_OUTSTANDING + 1);
            assertThat(stats.userRecordsAdded()).as("records accepted").isEqualTo(n);
            assertThat(failed).as("records failed").isZero();
            assertThat(storedUserRecords(kinesis, STREAM)).hasSize(n);
        }
    }
}
