package io.shardwise.producer.internal;

import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * An application's callback executor on the simulation's clock: one simulated worker that runs its
 * tasks in order, each taking the virtual time the code it ran {@linkplain SimulationClock#spend
 * says} (slow callbacks hold up the ones behind them), and that refuses a share of the tasks it is
 * given with {@link RejectedExecutionException}, as a saturated or shut-down pool does.
 */
final class SimulatedExecutor implements Executor {
    private final SimulationClock clock;
    private final SplittableRandom random;
    private final double rejectRate;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private final Simulation.Failures failures;
    private final String name;
    private boolean scheduled;
    private long busyUntil;
    private long rejected;
    private long ran;

    /**
     * @param random this executor's own random stream (split from the seed's)
     * @param rejectRate share of tasks refused
     * @param failures where a task that throws is reported (the engine's tasks must not throw)
     */
    SimulatedExecutor(String name, SimulationClock clock, SplittableRandom random, double rejectRate,
                      Simulation.Failures failures) {
        this.name = name;
        this.clock = clock;
        this.random = random;
        this.rejectRate = rejectRate;
        this.failures = failures;
    }

    @Override
    public void execute(Runnable task) {
        if (rejectRate > 0 && random.nextDouble() < rejectRate) {
            rejected++;
            throw new RejectedExecutionException("simulated: " + name + " refuses this task");
        }
        queue.add(task);
        if (!scheduled) {
            scheduled = true;
            clock.at(Math.max(busyUntil, clock.nanoTime()), this::runNext);
        }
    }

    private void runNext() {
        Runnable task = queue.poll();
        if (task == null) {
            scheduled = false;
            return;
        }
        clock.takeSpent();
        try {
            ran++;
            task.run();
        } catch (Throwable t) {
            failures.add("a task on " + name + " threw " + t);
        }
        busyUntil = clock.nanoTime() + clock.takeSpent();
        if (queue.isEmpty()) {
            scheduled = false;
        } else {
            clock.at(busyUntil, this::runNext);
        }
    }

    /** @return whether no task is waiting */
    boolean isIdle() {
        return queue.isEmpty();
    }

    /** @return tasks refused so far */
    long rejected() {
        return rejected;
    }

    /** @return tasks run so far */
    long ran() {
        return ran;
    }
}
