package io.shardwise.producer.internal;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The records waiting for one predicted shard, oldest first, with their total size and the shard's
 * rate limiter. When the producer preserves shard order, the queue is {@link #lock() locked} while a
 * request holding records of this shard is in flight, and nothing more is taken from it until that
 * request completes.
 *
 * <p>Confined to the sender thread.
 */
final class ShardQueue {
    /** What {@link #scan} does with a visited record: leave it, take it, take it and stop, or stop. */
    enum Visit { SKIP, TAKE, TAKE_LAST, STOP }

    /** The predicted shard; {@code null} for the queue of records no open shard covers. */
    private final String shardId;
    private final ArrayDeque<PendingRecord> records = new ArrayDeque<>();
    private long bytes;
    /** Requests in flight that this queue must wait for (its own, or a retired predecessor's). */
    private int locks;
    /** Queues that wait until this queue's requests in flight complete (see {@link #holdBack}). */
    private List<ShardQueue> successors = List.of();
    /** Paces this shard; {@code null} when rate limiting is off or the shard is unknown. */
    private final ShardRateLimiter limiter;
    /** Whether its records are aggregated (then the limiter's record count hardly binds: bytes do). */
    private final boolean aggregating;
    /**
     * With {@code Ordering.KEY_STRICT}: the last packing found none of its records sendable (their keys
     * held back); it is not due again until a record joins it or a key is released.
     */
    private boolean stalled;

    ShardQueue(String shardId) {
        this(shardId, null, false);
    }

    ShardQueue(String shardId, ShardRateLimiter limiter, boolean aggregating) {
        this.shardId = shardId;
        this.limiter = limiter;
        this.aggregating = aggregating;
    }

    /** @return the predicted shard, or {@code null} for unpredicted records */
    String shardId() {
        return shardId;
    }

    /** @return the shard's limiter, or {@code null} */
    ShardRateLimiter limiter() {
        return limiter;
    }

    /** @return the bytes (data plus partition keys) of the records waiting */
    long bytes() {
        return bytes;
    }

    /**
     * @return whether a request holding this shard's records, or records of a retired shard whose
     *     range overlaps this one's, is in flight (preserved shard order)
     */
    boolean isLocked() {
        return locks > 0;
    }

    void lock() {
        locks++;
    }

    /** A request this queue waited for completed; the last one releases the queues it held back. */
    void unlock() {
        if (locks > 0) {
            locks--;
        }
        if (locks == 0 && !successors.isEmpty()) {
            List<ShardQueue> released = successors;
            successors = List.of();
            for (ShardQueue q : released) {
                q.unlock();
            }
        }
    }

    /**
     * Records that were queued here now belong to {@code next} (a split or merge retired this queue's
     * shard, a first map sorted the unpredicted records, prediction was switched off): while a request
     * of this queue is in flight, those queues wait for it, so that a record sent after the change
     * does not overtake an earlier one of the same hash key.
     */
    void holdBack(List<ShardQueue> next) {
        if (locks == 0 || next.isEmpty()) {
            return;
        }
        for (ShardQueue q : next) {
            q.lock();
        }
        List<ShardQueue> all = new java.util.ArrayList<>(successors);
        all.addAll(next);
        successors = all;
    }

    /**
     * How many records are worth sending now, given the rate limiter: all of them without a
     * limiter; with one, the records both its buckets and its one-second window can pay for. The
     * buckets refill continuously, so they must first hold a chunk of a tenth of a second's rate (or
     * the whole queue, if smaller): a backlogged shard then sends about ten requests per second
     * rather than a trickle of one-record requests. The window frees room in the lumps sent a second
     * earlier, so any room it has is used at once: waiting there for a chunk would leave up to a
     * chunk of the shard's capacity unused in every second (a backlogged shard settled at 9 chunks
     * a second, 90 % of its limit).
     */
    int sendableNow(long now) {
        int n = records.size();
        if (limiter == null || n == 0) {
            return n;
        }
        double avg = (double) bytes / n;
        int byBuckets = limiter.bucketAffordable(avg, now, aggregating);
        if (byBuckets < chunk(n, avg)) {
            return 0;
        }
        return Math.min(n, Math.min(byBuckets, limiter.windowAffordable(avg, now, aggregating)));
    }

    /** @return when {@link #sendableNow} becomes positive (only meaningful when it is 0 now) */
    long sendableAt(long now) {
        int n = records.size();
        double avg = (double) bytes / n;
        return limiter.availableAt(chunk(n, avg), 1, avg, now, aggregating);
    }

    private int chunk(int n, double avg) {
        // A tenth of a second's rate: at most half the bucket, so it is always reachable.
        int byRecords = aggregating ? Integer.MAX_VALUE : (int) (limiter.recordsPerSecond() / 10);
        int byBytes = (int) (limiter.bytesPerSecond() / 10 / Math.max(1.0, avg));
        return Math.max(1, Math.min(n, Math.min(byRecords, byBytes)));
    }

    /** @return whether no record of it can go until a record joins it or a key is released (see {@link #stall}) */
    boolean isStalled() {
        return stalled;
    }

    /** Packing found every record here held back by its key: not due until that changes. */
    void stall() {
        stalled = true;
    }

    /** A key of its records was released: packing looks again. */
    void unstall() {
        stalled = false;
    }

    void addLast(PendingRecord r) {
        r.queuedIn(this);
        records.addLast(r);
        bytes += r.size;
        stalled = false;
    }

    void addFirst(PendingRecord r) {
        r.queuedIn(this);
        records.addFirst(r);
        bytes += r.size;
        stalled = false;
    }

    /**
     * Puts a record back in its place by {@link PendingRecord#sequence()}: after the older records at
     * the front, before the first newer one. Records of one key thus stay in the order they were
     * added, whatever order their retries come back in (the front holds few older records: others
     * coming back, or held back by their key).
     */
    void insertInOrder(PendingRecord r) {
        PendingRecord head = records.peekFirst();
        if (head == null || head.sequence() > r.sequence()) {
            addFirst(r);
            return;
        }
        ArrayDeque<PendingRecord> older = new ArrayDeque<>();
        while (!records.isEmpty() && records.peekFirst().sequence() < r.sequence()) {
            older.addFirst(records.pollFirst());
        }
        records.addFirst(r);
        r.queuedIn(this);
        bytes += r.size;
        for (PendingRecord o : older) {
            records.addFirst(o);
        }
        stalled = false;
    }

    /** Puts {@code taken} (records just polled from this queue, in order) back at its front. */
    void putBack(List<PendingRecord> taken) {
        for (int i = taken.size() - 1; i >= 0; i--) {
            addFirst(taken.get(i));
        }
    }

    PendingRecord peek() {
        return records.peekFirst();
    }

    PendingRecord poll() {
        PendingRecord r = records.pollFirst();
        if (r != null) {
            bytes -= r.size;
        }
        return r;
    }

    int size() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    /** Removes every record and hands it to {@code sink}, oldest first. */
    void drainTo(Consumer<PendingRecord> sink) {
        PendingRecord r;
        while ((r = poll()) != null) {
            sink.accept(r);
        }
    }

    /**
     * Removes the records that match and hands them to {@code removed}: one read-only pass while
     * nothing matches ({@code ArrayDeque.removeIf} rewrites the queue only from the first match on).
     */
    void removeIf(Predicate<PendingRecord> match, Consumer<PendingRecord> removed, List<PendingRecord> scratch) {
        if (records.isEmpty()) {
            return;
        }
        scratch.clear();
        records.removeIf(r -> {
            if (match.test(r)) {
                scratch.add(r);
                return true;
            }
            return false;
        });
        for (PendingRecord r : scratch) {
            bytes -= r.size;
            removed.accept(r);
        }
        scratch.clear();
    }

    /**
     * Visits up to {@code maxVisited} records in order: {@code visitor} says whether each stays
     * ({@link Visit#SKIP}), leaves the queue ({@link Visit#TAKE}: the visitor has taken it; with
     * {@link Visit#TAKE_LAST} the scan ends after it) or ends the scan ({@link Visit#STOP}, the record stays).
     */
    void scan(int maxVisited, java.util.function.Function<PendingRecord, Visit> visitor) {
        int visited = 0;
        for (Iterator<PendingRecord> it = records.iterator(); it.hasNext() && visited < maxVisited; visited++) {
            PendingRecord r = it.next();
            Visit v = visitor.apply(r);
            if (v == Visit.STOP) {
                return;
            }
            if (v == Visit.TAKE || v == Visit.TAKE_LAST) {
                it.remove();
                bytes -= r.size;
                if (v == Visit.TAKE_LAST) {
                    return;
                }
            }
        }
    }
}
