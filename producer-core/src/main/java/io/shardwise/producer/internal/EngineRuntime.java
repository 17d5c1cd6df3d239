package io.shardwise.producer.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * Everything the engine takes from its surroundings that a test must be able to fix: the clocks,
 * the random draws (retry jitter), and where a completion goes when the application's callback
 * executor refuses it. With a virtual {@link Time}, a seeded random and a queue for an executor,
 * the engine built without its thread ({@link Engine#step()}) is deterministic.
 *
 * @param time every time the engine reads
 * @param random every random draw the engine makes
 * @param refusedCallbacks runs callback tasks the callback executor refused; {@code null} for a
 *     producer-owned thread started on first use
 */
record EngineRuntime(Time time, RandomGenerator random, Executor refusedCallbacks) {
    /** Production: the system clocks, a thread-local random, a fallback thread. */
    static final EngineRuntime SYSTEM = new EngineRuntime(Time.SYSTEM, new ThreadLocalRandomGenerator(), null);

    /** Delegates to the calling thread's {@link ThreadLocalRandom} (shared by response threads without contention). */
    private static final class ThreadLocalRandomGenerator implements RandomGenerator {
        @Override
        public long nextLong() {
            return ThreadLocalRandom.current().nextLong();
        }

        @Override
        public long nextLong(long bound) {
            return ThreadLocalRandom.current().nextLong(bound);
        }
    }
}
