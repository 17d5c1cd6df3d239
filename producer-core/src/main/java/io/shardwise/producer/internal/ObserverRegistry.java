package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.RecordFailedException;
import java.util.ArrayList;
import java.util.List;

/**
 * The observers registered with a producer. {@link #current()} is {@code null} when there are
 * none, so the pipeline's only cost without observers is one volatile read per event site.
 * Thread-safe: registration copies on write.
 */
final class ObserverRegistry {
    private final List<ProducerObserver> observers = new ArrayList<>();
    private volatile ProducerObserver current;

    /** @return the observer to notify (a fan-out when several are registered), or {@code null} */
    ProducerObserver current() {
        return current;
    }

    synchronized AutoCloseable add(ProducerObserver observer) {
        observers.add(observer);
        rebuild();
        return () -> remove(observer);
    }

    private synchronized void remove(ProducerObserver observer) {
        observers.remove(observer);
        rebuild();
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
