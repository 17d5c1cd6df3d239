package io.shardwise.producer.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Virtual time for engine tests, moved by the test only: {@link #stepUntilDone} steps an engine on it. */
final class ManualTime implements Time {
    long nanos = 1_000_000_000L;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return Instant.ofEpochSecond(0, nanos);
    }

    /**
     * Steps {@code engine}, moving the clock to each deadline it returns (at least 1 ms, at most 1 s
     * on), until every future is done or {@code maxTurns} turns have run.
     */
    void stepUntilDone(Engine engine, List<? extends CompletableFuture<?>> futures, int maxTurns) {
        for (int turn = 0; turn < maxTurns && !futures.stream().allMatch(CompletableFuture::isDone); turn++) {
            long next = engine.step();
            nanos = Math.max(nanos + 1_000_000L, Math.min(next, nanos + 1_000_000_000L));
        }
    }
}
