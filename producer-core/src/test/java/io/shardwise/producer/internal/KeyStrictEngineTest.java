package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Ordering;
import io.shardwise.producer.PrecedingRecordFailedException;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.RetriesExhaustedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * The engine with {@code Ordering.KEY_STRICT}, stepped on a virtual clock against a scripted
 * destination: a record waiting for its retry holds its key's later records back (other keys go),
 * and a record that fails for good fails its key's queued records with
 * {@link PrecedingRecordFailedException}. The same scripts in SHARD mode show what KEY_STRICT adds.
 */
class KeyStrictEngineTest {
    private static final String STREAM = "s";

    /** Stores entries in order unless {@code fails} says an entry (by its first record's data byte) fails this time. */
    private static final class ScriptedDestination extends UnshardedTestDestination {
        final List<Byte> stored = new ArrayList<>();
        final Predicate<Byte> fails;
        private int sequence;

        ScriptedDestination(Predicate<Byte> fails) {
            this.fails = fails;
        }

        @Override
        public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.entryCount(); i++) {
                byte id = batch.record(batch.entryStart(i)).data[0];
                if (fails.test(id)) {
                    entries.add(PutRecordsResultEntry.builder().errorCode("InternalFailure").errorMessage("scripted").build());
                    continue;
                }
                for (int j = batch.entryStart(i); j < batch.entryEnd(i); j++) {
                    stored.add(batch.record(j).data[0]);
                }
                entries.add(PutRecordsResultEntry.builder().shardId("shardId-0").sequenceNumber("" + ++sequence).build());
            }
            return CompletableFuture.completedFuture(EntryResults.of(entries, KinesisDestination.RESULT_FIELDS));
        }
    }

    private static Engine engine(ScriptedDestination destination, ManualTime time, Ordering ordering, Integer maxAttempts) {
        ProducerConfig.Builder config = ProducerConfig.builder().ordering(ordering).shardRateLimiting(false)
                .aggregationEnabled(false).recordMaxBufferedTime(Duration.ZERO).retryBackoffBase(Duration.ofMillis(100))
                .retryBackoffMax(Duration.ofMillis(100)).recordTtl(Duration.ofMinutes(1));
        if (maxAttempts != null) {
            config.maxAttempts(maxAttempts);
        }
        return new Engine(destination, false, EngineConfig.of(config.build()), Runnable::run,
                new EngineRuntime(time, new java.util.SplittableRandom(7), Runnable::run));
    }

    /** Steps the engine, moving the clock to each deadline, until every future is done. */
    private static void runUntilDone(Engine engine, ManualTime time, List<CompletableFuture<PutResult>> futures) {
        time.stepUntilDone(engine, futures, 10_000);
        assertThat(futures).allMatch(CompletableFuture::isDone);
    }

    private static CompletableFuture<PutResult> add(Engine engine, String key, int id) {
        return engine.add(STREAM, key, null, new byte[] {(byte) id});
    }

    /** Record 1 (key a) fails its first attempt; 2 (key b), 3 and 4 (key a) are added with it. */
    private static List<Byte> storedOrderWithOneRetry(Ordering ordering) {
        Set<Byte> failedOnce = new java.util.HashSet<>();
        ScriptedDestination destination = new ScriptedDestination(id -> id == 1 && failedOnce.add(id));
        ManualTime time = new ManualTime();
        Engine engine = engine(destination, time, ordering, null);
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        futures.add(add(engine, "a", 1));
        futures.add(add(engine, "b", 2));
        engine.step(); // records 1 and 2 leave; 1 fails and waits for its retry
        futures.add(add(engine, "a", 3));
        futures.add(add(engine, "a", 4));
        runUntilDone(engine, time, futures);
        engine.stopStepped();
        assertThat(futures).allMatch(f -> !f.isCompletedExceptionally());
        return destination.stored;
    }

    @Test
    void aRetriedRecordHoldsItsKeysLaterRecordsBackInKeyStrictButNotInShardMode() {
        assertThat(storedOrderWithOneRetry(Ordering.KEY_STRICT)).containsExactly((byte) 2, (byte) 1, (byte) 3, (byte) 4);
        // SHARD mode sends 3 and 4 while 1 waits out its back-off: key a is stored out of order
        assertThat(storedOrderWithOneRetry(Ordering.SHARD)).containsExactly((byte) 2, (byte) 3, (byte) 4, (byte) 1);
    }

    @Test
    void aRecordFailingForGoodFailsItsKeysQueuedRecordsAndNotOtherKeys() {
        ScriptedDestination destination = new ScriptedDestination(id -> id == 1);
        ManualTime time = new ManualTime();
        Engine engine = engine(destination, time, Ordering.KEY_STRICT, 1);
        CompletableFuture<PutResult> a1 = add(engine, "a", 1);
        CompletableFuture<PutResult> a2 = add(engine, "a", 2); // waits: key a is in the first request already
        CompletableFuture<PutResult> b1 = add(engine, "b", 3);
        runUntilDone(engine, time, List.of(a1, a2, b1));
        CompletableFuture<PutResult> a3 = add(engine, "a", 4); // added after the failure: a new sequence
        runUntilDone(engine, time, List.of(a3));
        engine.stopStepped();
        assertThat(failure(a1)).isInstanceOf(RetriesExhaustedException.class);
        RecordFailedException followed = failure(a2);
        assertThat(followed).isInstanceOf(PrecedingRecordFailedException.class).hasCause(failure(a1))
                .hasMessageContaining("a record of the same key added before it failed for good");
        assertThat(followed.attempts()).isEmpty();
        assertThat(b1.join().sequenceNumber()).isNotNull();
        assertThat(a3.join().sequenceNumber()).isNotNull();
        assertThat(destination.stored).containsExactly((byte) 3, (byte) 4);
    }

    private static RecordFailedException failure(CompletableFuture<PutResult> f) {
        try {
            f.join();
            throw new AssertionError("expected a failure");
        } catch (CompletionException e) {
            return (RecordFailedException) e.getCause();
        }
    }
}
