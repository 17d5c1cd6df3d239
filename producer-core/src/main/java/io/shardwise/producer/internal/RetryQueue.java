package io.shardwise.producer.internal;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Records waiting out their back-off before their next attempt, earliest first.
 *
 * <p>Confined to the sender thread.
 */
final class RetryQueue {
    /** Earliest retry first; ties in the order they were scheduled, so that every run is repeatable. */
    private final PriorityQueue<Entry> waiting = new PriorityQueue<>(
            Comparator.comparingLong(Entry::atNanos).thenComparingLong(Entry::order));
    private long scheduled;

    private record Entry(long atNanos, long order, PendingRecord record) {
    }

    /** Adds a record whose {@link PendingRecord#retryAtNanos()} is set. */
    void add(PendingRecord r) {
        waiting.add(new Entry(r.retryAtNanos(), scheduled++, r));
    }

    /**
     * Hands every record whose back-off has passed to {@code due}, earliest first (records the
     * application completed meanwhile too: the receiver drops them).
     */
    void takeDue(long now, Consumer<PendingRecord> due) {
        Entry e;
        while ((e = waiting.peek()) != null && e.atNanos() - now <= 0) {
            waiting.poll();
            due.accept(e.record());
        }
    }

    /** Removes the waiting records that match and hands them to {@code removed}. */
    void removeIf(java.util.function.Predicate<PendingRecord> match, Consumer<PendingRecord> removed) {
        if (waiting.isEmpty()) {
            return;
        }
        java.util.List<PendingRecord> out = new java.util.ArrayList<>(0);
        waiting.removeIf(e -> {
            if (match.test(e.record())) {
                out.add(e.record());
                return true;
            }
            return false;
        });
        out.forEach(removed);
    }

    /** @return the earlier of {@code wakeAt} and the next retry's time */
    long nextDue(long wakeAt) {
        Entry e = waiting.peek();
        return e != null && e.atNanos() - wakeAt < 0 ? e.atNanos() : wakeAt;
    }

    /** @return the earlier of {@code oldest} and the added time of the oldest record waiting here */
    long oldestAddedNanos(long oldest) {
        for (Entry e : waiting) {
            if (e.record().addedNanos - oldest < 0) {
                oldest = e.record().addedNanos;
            }
        }
        return oldest;
    }

    /** Removes every record and hands it to {@code sink}. */
    void drainTo(Consumer<PendingRecord> sink) {
        Entry e;
        while ((e = waiting.poll()) != null) {
            sink.accept(e.record());
        }
    }
}
