package io.shardwise.benchmarks;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One producer under test, driven by {@link ProducerRunner}: records are added from one thread;
 * completions arrive on the producer's threads. Counts successes, failures and add-to-ack latency.
 */
abstract class Driver {
    final AtomicLong succeeded = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile LatencyHistogram latency = new LatencyHistogram();
    /** Failed records by the simple name of their exception (unwrapped from CompletionException). */
    private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
    /** {@link System#nanoTime()} of the first successful acknowledgement, 0 until then. */
    final AtomicLong firstAckNanos = new AtomicLong();

    /**
     * Adds one record; may block (backpressure). {@code addedAtNanos} is when the add started, or in
     * an open-loop run when the record was due: latency is measured from it.
     */
    abstract void add(String partitionKey, byte[] data, long addedAtNanos) throws InterruptedException;

    /** Called often from the adding thread, e.g. to send partial batches; default nothing. */
    void pump() {
    }

    /** Entries the endpoint throttled, as far as the producer knows (Kinesis entries or user records, see subclass). */
    abstract long throttledEntries();

    /** What {@link #throttledEntries()} counts. */
    abstract String throttledUnit();

    /** Called just before the process exits: stops anything that would outlive it; default nothing. */
    void stopForExit() {
    }

    final long completed() {
        return succeeded.get() + failed.get();
    }

    /** A record failed with {@code error}: counted as {@link #completed(long, boolean)} does, and by kind. */
    final void failed(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        failures.computeIfAbsent(t == null ? "unknown" : t.getClass().getSimpleName(), k -> new LongAdder()).increment();
        failed.incrementAndGet();
    }

    /** @return the failures by kind as {@code Kind:count,...}, or {@code -} for none */
    final String failureKinds() {
        StringBuilder sb = new StringBuilder();
        new TreeMap<>(failures).forEach((k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append(':').append(v.sum()));
        return sb.length() == 0 ? "-" : sb.toString();
    }

    final void completed(long addedAtNanos, boolean ok) {
        if (ok) {
            long now = System.nanoTime();
            if (firstAckNanos.get() == 0) {
                firstAckNanos.compareAndSet(0, now);
            }
            latency.recordNanos(now - addedAtNanos);
            succeeded.incrementAndGet();
        } else {
            failed.incrementAndGet();
        }
    }

    /** Waits until {@code count} records have completed (pumping meanwhile). */
    final boolean awaitCompleted(long count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (completed() < count) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            pump();
            try {
                TimeUnit.MILLISECONDS.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** Forgets the warm-up: latencies and counts start again from zero. */
    final void resetMeasurement() {
        latency = new LatencyHistogram();
        succeeded.set(0);
        failed.set(0);
        failures.clear();
    }
}
