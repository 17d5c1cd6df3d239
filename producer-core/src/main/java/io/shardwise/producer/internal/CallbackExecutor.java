package io.shardwise.producer.internal;

import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where record futures are completed and responses handled: the application's callback executor
 * (or the producer's own pool). The application's executor is user code: when it rejects a task
 * or throws, the task runs on a single fallback thread the producer owns instead (logged once),
 * so that a response is always handled and every future completes, and never on the sender thread.
 *
 * <p>Thread-safe.
 */
final class CallbackExecutor implements Executor {
    private static final Logger log = LoggerFactory.getLogger(CallbackExecutor.class);

    private final Executor target;
    private final String fallbackThreadName;
    private final AtomicBoolean warned = new AtomicBoolean();
    private final Object fallbackLock = new Object();
    private ExecutorService fallback;
    /** Where refused tasks go instead of an own thread (tests on a virtual clock), or {@code null}. */
    private final Executor givenFallback;
    private boolean closed;

    /**
     * @param target the executor to run tasks on
     * @param fallbackThreadName the name of the fallback thread, started the first time {@code target} refuses a task
     */
    CallbackExecutor(Executor target, String fallbackThreadName) {
        this(target, fallbackThreadName, null);
    }

    /**
     * @param givenFallback runs refused tasks instead of a thread of the producer's own, or {@code null}
     */
    CallbackExecutor(Executor target, String fallbackThreadName, Executor givenFallback) {
        this.target = target;
        this.fallbackThreadName = fallbackThreadName;
        this.givenFallback = givenFallback;
    }

    @Override
    public void execute(Runnable task) {
        Once once = new Once(task);
        try {
            target.execute(once);
        } catch (Throwable t) {
            if (once.started.get()) {
                // A direct executor ran the task, and the task threw: not a refusal; never run it twice.
                log.error("Shardwise: a callback task failed", t);
                return;
            }
            if (warned.compareAndSet(false, true)) {
                log.warn("The callback executor refused a task ({}); record completions it refuses run on the producer's"
                        + " fallback thread {} instead", t.toString(), fallbackThreadName);
            }
            fallback().execute(once);
        }
    }

    /** A task that runs at most once, and says whether it started. */
    private static final class Once implements Runnable {
        private final Runnable task;
        private final AtomicBoolean started = new AtomicBoolean();

        Once(Runnable task) {
            this.task = task;
        }

        @Override
        public void run() {
            if (started.compareAndSet(false, true)) {
                task.run();
            }
        }
    }

    private Executor fallback() {
        synchronized (fallbackLock) {
            if (closed) {
                // The producer is gone: run in the caller rather than drop a completion.
                return Runnable::run;
            }
            if (givenFallback != null) {
                return givenFallback;
            }
            if (fallback == null) {
                fallback = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, fallbackThreadName);
                    t.setDaemon(true);
                    return t;
                });
            }
            return fallback;
        }
    }

    /** Lets the fallback thread finish what it was given (up to {@code millis}) and stops it. */
    void close(long millis) throws InterruptedException {
        ExecutorService f;
        synchronized (fallbackLock) {
            closed = true;
            f = fallback;
        }
        if (f != null) {
            f.shutdown();
            f.awaitTermination(millis, TimeUnit.MILLISECONDS);
        }
    }
}
