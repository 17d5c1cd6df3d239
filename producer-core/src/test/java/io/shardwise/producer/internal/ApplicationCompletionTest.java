package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.RecordFailedException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A record's future completed by the application (not by the producer) gives the record's room
 * back and leaves its flush epoch at once, exactly once, whichever side completes first.
 */
class ApplicationCompletionTest {
    private final Outstanding ledger = new Outstanding(10, 1_000, Duration.ZERO);

    private PendingRecord record() {
        return new PendingRecord("s", "k", null, new byte[10], 11, 1, 1, 0, Long.MAX_VALUE, ledger,
                new RecordFuture<Object>((shard, id, sub, aggregated, attempts) -> id));
    }

    /** The record's future as the application holds it (this test's records complete with their sequence number). */
    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object> future(PendingRecord r) {
        return (CompletableFuture<Object>) r.future;
    }

    private static final List<Consumer<CompletableFuture<Object>>> WAYS = List.of(
            f -> f.complete("mine"),
            f -> f.completeExceptionally(new IllegalStateException("gave up")),
            f -> f.cancel(true),
            f -> f.obtrudeValue("forced"),
            f -> f.obtrudeException(new IllegalStateException("forced")),
            f -> f.completeAsync(() -> "async", Runnable::run).join(),
            f -> f.orTimeout(1, TimeUnit.MILLISECONDS).handle((v, e) -> v).join(),
            f -> f.completeOnTimeout("late", 1, TimeUnit.MILLISECONDS).join());

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 6, 7})
    void everyWayOfCompletingReleasesTheRecordAtOnce(int way) throws Exception {
        PendingRecord r = record();
        CompletableFuture<Void> flush = ledger.flush();
        assertThat(ledger.records()).isEqualTo(1);
        assertThat(flush).isNotDone();

        WAYS.get(way).accept(future(r));

        assertThat(ledger.records()).isZero();
        assertThat(ledger.bytes()).isZero();
        assertThat(flush.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(ledger.failedByReason()).containsEntry(Outstanding.COMPLETED_BY_APPLICATION, 1L);
        assertThat(r.isDone()).isTrue();
    }

    @Test
    void theProducersLaterCompletionCountsNothingMore() {
        PendingRecord r = record();
        r.future.cancel(false);
        assertThat(r.succeed("shardId-0", "1", Attempt.succeeded(Instant.now(), Duration.ZERO))).isFalse();
        assertThat(r.fail(new RecordFailedException("late", List.of(), null))).isFalse();
        assertThat(ledger.succeeded()).isZero();
        assertThat(ledger.failed()).isEqualTo(1);
        assertThat(ledger.records()).isZero();
    }

    @Test
    void theApplicationsLaterCompletionReleasesNothingMore() {
        PendingRecord r = record();
        PendingRecord other = record();
        assertThat(r.succeed("shardId-0", "1", Attempt.succeeded(Instant.now(), Duration.ZERO))).isTrue();
        assertThat(future(r).complete("mine")).isFalse();
        future(r).obtrudeValue("forced");
        assertThat(ledger.succeeded()).isEqualTo(1);
        assertThat(ledger.failed()).isZero();
        assertThat(ledger.records()).as("the other record is still outstanding").isEqualTo(1);
        other.future.cancel(true);
        assertThat(ledger.records()).isZero();
    }

    @Test
    void roomGivenBackLetsTheBoundedBufferTakeMoreRecords() {
        for (int i = 0; i < 1_000; i++) {
            record().future.cancel(true); // would fill the 10-record bound in ten rounds if leaked
        }
        assertThat(ledger.records()).isZero();
        assertThat(ledger.failedByReason()).containsEntry(Outstanding.COMPLETED_BY_APPLICATION, 1_000L);
    }

    @Test
    void dependentStagesArePlainFutures() {
        PendingRecord r = record();
        CompletableFuture<Object> dependent = r.future.thenApply(v -> (Object) v);
        assertThat(dependent).isNotInstanceOf(RecordFuture.class);
        dependent.complete("x");
        assertThat(ledger.records()).as("completing a dependent stage is not completing the record").isEqualTo(1);
    }
}
