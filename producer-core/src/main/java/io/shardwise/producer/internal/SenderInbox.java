package io.shardwise.producer.internal;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * What other threads hand to the sender: new records (from callers), events (answers, loaded shard
 * maps, from the SDK's and the callback executor's threads) and flush requests; and the parking of
 * the sender's thread until one of them arrives or its next deadline passes.
 *
 * <p>Thread-safe: any thread hands over, only the sender's thread takes and parks.
 */
final class SenderInbox {
    /** Callers wake a parked sender on the first record and then every this many records. */
    private static final int WAKE_EVERY = 64;

    private final ConcurrentLinkedQueue<PendingRecord> records = new ConcurrentLinkedQueue<>();
    private final AtomicInteger recordCount = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicLong flushMark;
    private volatile boolean parked;
    private volatile Thread thread;

    /** @param now the engine's clock when the sender is built (no flush requested yet) */
    SenderInbox(long now) {
        this.flushMark = new AtomicLong(now - Long.MAX_VALUE / 2);
    }

    /** The sender runs on {@code t} from now on. */
    void runOn(Thread t) {
        thread = t;
    }

    /** Hands a validated record to the sender. Any thread; never blocks. */
    void submit(PendingRecord r) {
        records.add(r);
        int n = recordCount.incrementAndGet();
        if (n == 1 || n % WAKE_EVERY == 0) {
            wake();
        }
    }

    /** Takes back a record not yet taken by the sender; {@code false} if it was. */
    boolean withdraw(PendingRecord r) {
        return records.remove(r);
    }

    /** Every record added up to {@code now} is due at once. */
    void requestFlush(long now) {
        flushMark.set(now);
        wake();
    }

    /** @return the latest flush request's time */
    long flushMark() {
        return flushMark.get();
    }

    /** Has {@code event} run on the sender's thread. */
    void post(Runnable event) {
        events.add(event);
        wake();
    }

    /** Sender thread: runs the events posted so far. */
    void runEvents() {
        Runnable e;
        while ((e = events.poll()) != null) {
            e.run();
        }
    }

    /** Sender thread: hands every record submitted so far to {@code sink}, oldest first. */
    void takeRecords(Consumer<PendingRecord> sink) {
        int taken = 0;
        PendingRecord r;
        while ((r = records.poll()) != null) {
            taken++;
            sink.accept(r);
        }
        if (taken > 0) {
            recordCount.addAndGet(-taken);
        }
    }

    /** @return the earlier of {@code oldest} and the added time of the oldest record not yet taken */
    long oldestAddedNanos(long oldest) {
        PendingRecord head = records.peek();
        return head != null && head.addedNanos - oldest < 0 ? head.addedNanos : oldest;
    }

    /** Wakes the sender if it is parked. */
    void wake() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
        // If the sender was not parked yet, it sees the new event, record or flush mark when it
        // checks them after announcing that it parks (see park).
    }

    /** Wakes the sender whether or not it is parked (to stop it). */
    void interruptPark() {
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /**
     * Sender thread: parks up to {@code nanos}, unless something arrived since the turn began.
     *
     * @param flushMarkSeen the flush mark read when the turn began
     * @param running whether the loop still runs
     */
    void park(long nanos, long flushMarkSeen, boolean running) {
        if (nanos <= 0) {
            return;
        }
        parked = true;
        try {
            // After announcing the park: whatever was posted, submitted or flushed before a waker saw
            // parked == false is seen here (a flush mark too: a lost flush would wait for the linger).
            if (!running || !events.isEmpty() || !records.isEmpty() || flushMark.get() != flushMarkSeen) {
                return;
            }
            LockSupport.parkNanos(this, nanos);
        } finally {
            parked = false;
        }
    }
}
