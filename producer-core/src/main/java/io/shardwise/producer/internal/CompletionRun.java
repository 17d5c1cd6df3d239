package io.shardwise.producer.internal;

import io.shardwise.producer.Attempt;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Record completions decided together (the records of one answered request, or those the sender
 * failed or settled in one turn), run in order on one thread. Completing a future runs the
 * application's callbacks on this thread; if one of them calls {@code flush()} and waits for it,
 * the flush would wait for the completions still to come after that callback on this very thread.
 * So {@code flush()} first {@linkplain #finishOnThisThread() finishes} them, re-entrantly, record by
 * record in their order: the flush then never waits for its own thread, and still completes only
 * after every future it covers.
 *
 * <p>Confined to the thread that runs it. A completion that throws is logged and the run goes on.
 */
final class CompletionRun {
    private static final Logger log = LoggerFactory.getLogger(CompletionRun.class);
    private static final ThreadLocal<CompletionRun> RUNNING = new ThreadLocal<>();

    /** Completions of one or more records; each {@link #runOne()} moves its cursor before it runs user code. */
    private abstract static class Step {
        abstract boolean hasMore();

        abstract void runOne();
    }

    /** One completion. */
    private static final class Single extends Step {
        private Runnable completion;

        Single(Runnable completion) {
            this.completion = completion;
        }

        @Override
        boolean hasMore() {
            return completion != null;
        }

        @Override
        void runOne() {
            Runnable c = completion;
            completion = null;
            c.run();
        }
    }

    /** The user records of one stored entry of a request: each completes with the entry's shard and sequence number. */
    private static final class Stored extends Step {
        private final RequestBatch batch;
        private final int from;
        private final int to;
        private final String shardId;
        private final String id;
        private final boolean aggregated;
        private final Attempt attempt;
        private int next;

        Stored(RequestBatch batch, int from, int to, String shardId, String id, boolean aggregated, Attempt attempt) {
            this.batch = batch;
            this.from = from;
            this.to = to;
            this.shardId = shardId;
            this.id = id;
            this.aggregated = aggregated;
            this.attempt = attempt;
            this.next = from;
        }

        @Override
        boolean hasMore() {
            return next < to;
        }

        @Override
        void runOne() {
            int j = next++;
            batch.record(j).succeed(shardId, id, aggregated ? j - from : 0, aggregated, attempt);
        }
    }

    private final List<Step> steps = new ArrayList<>(4);
    private int next;
    private Step current;
    private CompletionRun outer;

    /** Adds a completion to run after those added before it. */
    void add(Runnable completion) {
        steps.add(new Single(completion));
    }

    /** Adds the successes of the records {@code from .. to - 1} of {@code batch}, stored together in one entry. */
    void addStored(RequestBatch batch, int from, int to, String shardId, String id, boolean aggregated, Attempt attempt) {
        steps.add(new Stored(batch, from, to, shardId, id, aggregated, attempt));
    }

    boolean isEmpty() {
        return steps.isEmpty();
    }

    /** Runs every completion not yet run, in order, on this thread. */
    void run() {
        outer = RUNNING.get();
        RUNNING.set(this);
        try {
            drain();
        } finally {
            RUNNING.set(outer);
            outer = null;
        }
    }

    private void drain() {
        while (true) {
            Step s = current;
            if (s != null && s.hasMore()) {
                try {
                    s.runOne();
                } catch (Throwable t) {
                    log.error("Shardwise: completing a record failed; going on", t);
                }
                continue;
            }
            if (next >= steps.size()) {
                current = null;
                return;
            }
            current = steps.get(next++);
        }
    }

    /**
     * Runs what the runs in progress on this thread (innermost first) have left: called by
     * {@code flush()}, possibly from a callback one of their completions is running.
     */
    static void finishOnThisThread() {
        for (CompletionRun r = RUNNING.get(); r != null; r = r.outer) {
            r.drain();
        }
    }
}
