package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.RecordFailedException;
import java.util.ArrayList;
import java.util.List;

/**
 * The observers registered with a producer. {@link #current()} is {@code null} when there are
 * none, so the pipeline's only cost without observers is one volatile read per event site.
 * Observers are user code: each is called through a guard that catches whatever it throws, logs
 * the first failure of each observer at WARN (later ones at DEBUG) and goes on, so an observer can
 * neither leave a record's future incomplete nor stop the producer's threads.
 * Thread-safe: registration copies on write.
 */
final class ObserverRegistry {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ObserverRegistry.class);

    private final List<ProducerObserver> observers = new ArrayList<>();
    private volatile ProducerObserver current;

    /** @return the observer to notify (a fan-out when several are registered), or {@code null} */
    ProducerObserver current() {
        return current;
    }

    synchronized AutoCloseable add(ProducerObserver observer) {
        Guarded guarded = new Guarded(observer);
        observers.add(guarded);
        rebuild();
        return () -> remove(guarded);
    }

    private synchronized void remove(ProducerObserver observer) {
        observers.remove(observer);
        rebuild();
    }

    /** Calls one user observer, containing whatever it throws. */
    private static final class Guarded implements ProducerObserver {
        private final ProducerObserver target;
        private final java.util.concurrent.atomic.AtomicBoolean warned = new java.util.concurrent.atomic.AtomicBoolean();

        Guarded(ProducerObserver target) {
            this.target = target;
        }

        @Override
        public void requestCompleted(RequestOutcome outcome) {
            try {
                target.requestCompleted(outcome);
            } catch (Throwable t) {
                failed("requestCompleted", t);
            }
        }

        @Override
        public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                    RecordFailedException failure) {
            try {
                target.recordCompleted(stream, shardId, attempts, bufferedNanos, totalNanos, failure);
            } catch (Throwable t) {
                failed("recordCompleted", t);
            }
        }

        @Override
        public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
            try {
                target.shardRateLimitChanged(stream, shardId, recordsPerSecond, bytesPerSecond);
            } catch (Throwable t) {
                failed("shardRateLimitChanged", t);
            }
        }

        private void failed(String method, Throwable t) {
            if (warned.compareAndSet(false, true)) {
                log.warn("ProducerObserver {} threw from {}; the producer goes on (observers must not throw;"
                        + " later failures of this observer are logged at DEBUG)", target, method, t);
            } else {
                log.debug("ProducerObserver {} threw from {} again: {}", target, method, t.toString());
            }
        }
    }

    private void rebuild() {
        if (observers.isEmpty()) {
            current = null;
        } else if (observers.size() == 1) {
            current = observers.get(0);
        } else {
            current = new FanOut(observers.toArray(new ProducerObserver[0]));
        }
    }

    /** Notifies several observers in registration order. */
    private record FanOut(ProducerObserver[] targets) implements ProducerObserver {
        @Override
        public void requestCompleted(RequestOutcome outcome) {
            for (ProducerObserver o : targets) {
                o.requestCompleted(outcome);
            }
        }

        @Override
        public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                    RecordFailedException failure) {
            for (ProducerObserver o : targets) {
                o.recordCompleted(stream, shardId, attempts, bufferedNanos, totalNanos, failure);
            }
        }

        @Override
        public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
            for (ProducerObserver o : targets) {
                o.shardRateLimitChanged(stream, shardId, recordsPerSecond, bytesPerSecond);
            }
        }
    }
}
