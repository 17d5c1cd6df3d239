package io.shardwise.producer.internal;

import io.shardwise.producer.BufferFullException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The ledger of records added but not yet completed: their count and bytes (bounded: admission
 * blocks up to the max block time, then throws {@link BufferFullException}), how completed records
 * ended (succeeded, or failed by reason), and flush epochs: a flush completes when every record
 * added before it has completed, without keeping a list of their futures.
 *
 * <p>Thread-safe. Each record registers in the current epoch; {@link #flush()} opens a new epoch
 * and returns a future completed once the old epoch, and every epoch before it, has drained.
 * Waiting for room takes a lock; the record path without waiting takes none. Waiters are woken
 * with hysteresis: once a bound is reached, completions wake them only when a slice of room is free
 * again ({@link #wakeRecords}, {@link #wakeBytes}), so that a caller blocked on a full buffer goes on
 * to add a run of records instead of being woken, and blocked again, once per completed record.
 */
final class Outstanding {
    private final long maxRecords;
    private final long maxBytes;
    private final long maxBlockNanos;
    /** Waiters are woken when the records outstanding are at most this many ... */
    private final long wakeRecords;
    /** ... and the bytes outstanding at most this many. */
    private final long wakeBytes;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final LongAdder succeeded = new LongAdder();
    private final Map<String, LongAdder> failedByReason = new ConcurrentHashMap<>();
    private final ReentrantLock roomLock = new ReentrantLock();
    private final Condition roomFreed = roomLock.newCondition();
    private final AtomicInteger waiters = new AtomicInteger();
    /** How often blocked callers were signalled (guarded by roomLock). */
    private long wakeUps;
    private volatile Epoch current = new Epoch();
    /** Who hears about completed records; set once by the pipeline. */
    final ObserverRegistry observers = new ObserverRegistry();
    private CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);

    /** The engine's clock: blocked callers' deadlines and completed records' ages. */
    private final Time time;

    /** A ledger without bounds. */
    Outstanding() {
        this(Long.MAX_VALUE, Long.MAX_VALUE, Duration.ZERO, Time.SYSTEM);
    }

    Outstanding(long maxRecords, long maxBytes, Duration maxBlockTime) {
        this(maxRecords, maxBytes, maxBlockTime, Time.SYSTEM);
    }

    Outstanding(long maxRecords, long maxBytes, Duration maxBlockTime, Time time) {
        this.time = time;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxBlockNanos = maxBlockTime.toNanos();
        this.wakeRecords = maxRecords - Math.min(WAKE_SLICE_RECORDS, Math.max(1, maxRecords / 16));
        this.wakeBytes = maxBytes - Math.min(WAKE_SLICE_BYTES, Math.max(1, maxBytes / 16));
    }

    /** @return the engine's clock */
    Time time() {
        return time;
    }

    /** At most this many records' room is awaited before blocked callers are woken. */
    static final long WAKE_SLICE_RECORDS = 1024;
    /** At most this much room in bytes is awaited before blocked callers are woken (a 1 MiB record fits). */
    static final long WAKE_SLICE_BYTES = 1024 * 1024;

    /**
     * Admits a record of {@code size} bytes, waiting for room if the bounds are reached.
     *
     * @return the epoch the record belongs to
     * @throws BufferFullException if no room freed up within the max block time
     */
    Epoch register(int size) {
        if (!tryReserve(size)) {
            awaitRoom(size);
        }
        while (true) {
            Epoch e = current;
            if (e.tryEnter()) {
                return e;
            }
        }
    }

    private boolean tryReserve(int size) {
        long r = records.incrementAndGet();
        long b = bytes.addAndGet(size);
        if (r <= maxRecords && (b <= maxBytes || r == 1)) {
            return true;
        }
        records.decrementAndGet();
        bytes.addAndGet(-size);
        return false;
    }

    private void awaitRoom(int size) {
        if (maxBlockNanos == 0) {
            throw full("");
        }
        long deadline = time.nanoTime() + maxBlockNanos;
        waiters.incrementAndGet();
        roomLock.lock();
        try {
            while (!tryReserve(size)) {
                long left = deadline - time.nanoTime();
                if (left <= 0) {
                    throw full(" after waiting " + Duration.ofNanos(maxBlockNanos) + " (maxBlockTime)");
                }
                roomFreed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BufferFullException("Interrupted while waiting for room in the producer's buffer");
        } finally {
            roomLock.unlock();
            waiters.decrementAndGet();
        }
    }

    private BufferFullException full(String waited) {
        return new BufferFullException("The producer's buffer is full" + waited + ": " + records.get() + " records / "
                + bytes.get() + " bytes outstanding, bounds maxOutstandingRecords=" + maxRecords
                + ", maxOutstandingBytes=" + maxBytes + ". Slow down, or raise the bounds if the heap allows.");
    }

    /** A record completed: {@code failure} is {@code null} when it succeeded. */
    void completed(Epoch epoch, int size, Throwable failure) {
        count(size, failure);
        leave(epoch);
    }

    /**
     * Counts how a record ended and frees its room; called before its future completes, so that
     * whoever sees the future done sees the counts.
     */
    void count(int size, Throwable failure) {
        count(size, failure == null ? null : failure.getClass().getSimpleName());
    }

    /** Frees the room of a record its caller never got (refused while being added): not counted as an outcome. */
    void countRefused(int size) {
        release(size);
    }

    private void count(int size, String failureReason) {
        if (failureReason == null) {
            succeeded.increment();
        } else {
            failedByReason.computeIfAbsent(failureReason, k -> new LongAdder()).increment();
        }
        release(size);
    }

    private void release(int size) {
        long r = records.decrementAndGet();
        long b = bytes.addAndGet(-size);
        // Below both marks every completion wakes them (a waiter for a large record may need more
        // room than the slice); the timed wait in awaitRoom is the backstop for anything missed.
        if (waiters.get() > 0 && r <= wakeRecords && b <= wakeBytes) {
            roomLock.lock();
            try {
                wakeUps++;
                roomFreed.signalAll();
            } finally {
                roomLock.unlock();
            }
        }
    }

    /** Key in {@link #failedByReason()} of records whose future the application completed or cancelled itself. */
    static final String COMPLETED_BY_APPLICATION = "CompletedByApplication";

    /** Frees the room of a record whose future the application completed itself; counted under {@link #COMPLETED_BY_APPLICATION}. */
    void countCompletedByApplication(int size) {
        count(size, COMPLETED_BY_APPLICATION);
    }

    /** Leaves the record's flush epoch; called after its future completed, so a flush implies the futures. */
    void leave(Epoch epoch) {
        epoch.exit();
    }

    /** @return a future completed when every record registered before this call has completed */
    synchronized CompletableFuture<Void> flush() {
        Epoch old = current;
        current = new Epoch();
        old.exit(); // drop the epoch's own "open" token
        lastFlush = lastFlush.thenCombine(old.drained, (a, b) -> null);
        return lastFlush;
    }

    /** @return whether a caller is waiting for room */
    boolean hasWaiters() {
        return waiters.get() > 0;
    }

    /** @return how often callers blocked for room were signalled */
    long wakeUps() {
        roomLock.lock();
        try {
            return wakeUps;
        } finally {
            roomLock.unlock();
        }
    }

    long records() {
        return records.get();
    }

    long bytes() {
        return bytes.get();
    }

    long succeeded() {
        return succeeded.sum();
    }

    long failed() {
        long n = 0;
        for (LongAdder a : failedByReason.values()) {
            n += a.sum();
        }
        return n;
    }

    /** @return failed records by exception type, e.g. {@code RecordExpiredException -> 3} */
    Map<String, Long> failedByReason() {
        Map<String, Long> out = new TreeMap<>();
        failedByReason.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** One flush interval's records; {@code pending} starts at 1, the token held while it is open. */
    static final class Epoch {
        private final AtomicLong pending = new AtomicLong(1);
        private final CompletableFuture<Void> drained = new CompletableFuture<>();

        private boolean tryEnter() {
            long v;
            do {
                v = pending.get();
                if (v == 0) {
                    return false;
                }
            } while (!pending.compareAndSet(v, v + 1));
            return true;
        }

        private void exit() {
            if (pending.decrementAndGet() == 0) {
                drained.complete(null);
            }
        }
    }
}
