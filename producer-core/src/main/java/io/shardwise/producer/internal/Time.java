package io.shardwise.producer.internal;

import java.time.Instant;

/** The pipeline's clocks, injectable so tests can control them. */
interface Time {
    /** The system clocks. */
    Time SYSTEM = new Time() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }
    };

    /** @return a monotonic time in nanoseconds, for deadlines and durations */
    long nanoTime();

    /** @return wall-clock time, for {@code Attempt.startedAt} */
    Instant now();
}
