package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * A flush requested while the sender is between deciding how long to sleep and falling asleep
 * must not be lost (it would then wait for the linger time). The clock below requests the flush at
 * exactly that moment: from the sender's own last time read of a turn, before it parks.
 */
class FlushWakeUpTest {

    /** Answers every entry as stored; no shards (one queue), so no ListShards. */
    private static final class StoringDestination extends UnshardedTestDestination {
        private final AtomicInteger sequence = new AtomicInteger();
        private final AtomicInteger requests = new AtomicInteger();

        @Override
        public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
            requests.incrementAndGet();
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.entryCount(); i++) {
                entries.add(PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("" + sequence.incrementAndGet()).build());
            }
            return CompletableFuture.completedFuture(EntryResults.of(entries, KinesisDestination.RESULT_FIELDS));
        }
    }

    /**
     * The system clock, plus a trap: once armed, the next time the sender's loop reads the clock
     * just before parking (each turn reads it twice: when {@code Sender.runOnce} starts
     * and when {@code Sender.run} computes how long to park), it requests a flush, as another thread could at that moment.
     */
    private static final class TrapClock implements Time {
        private final AtomicInteger loopReads = new AtomicInteger();
        private volatile Thread loop;
        private volatile boolean armed;
        private volatile Engine pipeline;
        private final AtomicReference<CompletableFuture<Void>> flush = new AtomicReference<>();

        @Override
        public long nanoTime() {
            boolean fromLoop = StackWalker.getInstance().walk(frames -> frames.skip(1).findFirst()
                    .map(f -> f.getClassName().equals(Sender.class.getName())
                            && (f.getMethodName().equals("runOnce") || f.getMethodName().equals("run"))).orElse(false));
            if (fromLoop) {
                loop = Thread.currentThread();
            }
            if (fromLoop && loopReads.incrementAndGet() % 2 == 0 && armed) {
                armed = false;
                flush.set(pipeline.flush());
            }
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    }

    @Test
    void aFlushRequestedJustBeforeTheSenderParksIsNotLost() throws Exception {
        ProducerConfig config = ProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMinutes(1)) // a lost flush would wait this long
                .recordTtl(Duration.ofMinutes(5))
                .shardRateLimiting(false)
                .build();
        TrapClock clock = new TrapClock();
        StoringDestination destination = new StoringDestination();
        Engine pipeline = Engine.start(new Engine(destination, false, EngineConfig.of(config), null,
                new EngineRuntime(clock, new java.util.SplittableRandom(1), null)));
        clock.pipeline = pipeline;
        try {
            CompletableFuture<PutResult> first = pipeline.add("s", "k1", null, new byte[] {1});
            // The sender takes the first record and parks for its linger time.
            await().until(() -> parked(clock.loop) && clock.loopReads.get() >= 2);
            assertThat(destination.requests).hasValue(0);
            clock.armed = true;
            // The second record wakes the sender; the turn it runs ends with the trapped flush, and
            // nothing else wakes it afterwards.
            CompletableFuture<PutResult> second = pipeline.add("s", "k2", null, new byte[] {2});
            await().until(() -> clock.flush.get() != null && parked(clock.loop));
            // A sender that saw the flush sends before it parks again; one that lost the wake-up
            // parks with both records unsent (until its next sweep or the linger time).
            assertThat(destination.requests.get()).as("requests sent before the sender parked again after the flush").isPositive();
            clock.flush.get().get(20, TimeUnit.SECONDS); // hang detector
            assertThat(first).isCompleted();
            assertThat(second.get().shardId()).isEqualTo("shardId-0");
        } finally {
            pipeline.close(Duration.ofSeconds(5));
        }
    }

    private static org.awaitility.core.ConditionFactory await() {
        return org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(2));
    }

    private static boolean parked(Thread loop) {
        return loop != null && loop.getState() == Thread.State.TIMED_WAITING && LockSupport.getBlocker(loop) instanceof SenderInbox;
    }
}
