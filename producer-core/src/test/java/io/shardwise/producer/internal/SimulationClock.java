package io.shardwise.producer.internal;

import java.time.Instant;
import java.util.PriorityQueue;

/**
 * The simulation's only clock and its only scheduler: virtual nanoseconds that move only when the
 * simulation advances them, and a queue of tasks due at virtual instants, run in (time, order of
 * scheduling) order on the simulation's one thread. Nothing here reads the wall clock or starts a
 * thread, so one seed gives one schedule.
 */
final class SimulationClock implements Time {
    /** The virtual epoch: {@link #now()} at virtual nanoTime 0. */
    private static final Instant EPOCH = Instant.parse("2026-01-01T00:00:00Z");

    private long nanos;
    private long scheduled;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    /** Virtual time the task now running says it took (slow callbacks), see {@link #spend}. */
    private long spent;

    private record Task(long at, long order, Runnable task) {
    }

    /** @param startNanos the first virtual nanoTime (any value: the engine must not assume 0) */
    SimulationClock(long startNanos) {
        this.nanos = startNanos;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return EPOCH.plusNanos(nanos);
    }

    /** Runs {@code task} at virtual time {@code at} (now if it is in the past), after the tasks already due then. */
    void at(long at, Runnable task) {
        tasks.add(new Task(Math.max(at, nanos), scheduled++, task));
    }

    /** Runs {@code task} {@code delayNanos} from now. */
    void after(long delayNanos, Runnable task) {
        at(nanos + Math.max(0, delayNanos), task);
    }

    /** @return the time of the earliest scheduled task, or {@link Long#MAX_VALUE} when none is */
    long nextTaskAt() {
        Task t = tasks.peek();
        return t == null ? Long.MAX_VALUE : t.at;
    }

    /** @return whether a task is scheduled */
    boolean hasTasks() {
        return !tasks.isEmpty();
    }

    /**
     * Runs the earliest task if it is due now.
     *
     * @return whether one ran
     */
    boolean runOneDue() {
        Task t = tasks.peek();
        if (t == null || t.at > nanos) {
            return false;
        }
        tasks.poll();
        t.task.run();
        return true;
    }

    /** Moves virtual time forward to {@code t} (never backward). */
    void advanceTo(long t) {
        if (t > nanos) {
            nanos = t;
        }
    }

    /** Code running in a simulated executor says it took this long (virtual time). */
    void spend(long nanosTaken) {
        spent += nanosTaken;
    }

    /** @return the virtual time spent since the last call, and resets it */
    long takeSpent() {
        long s = spent;
        spent = 0;
        return s;
    }
}
