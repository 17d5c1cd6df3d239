package io.shardwise.producer.internal;

import java.util.ArrayDeque;

/**
 * The records waiting for one predicted shard, oldest first, with their total size. When the
 * producer preserves shard order, {@link #locked} is set while a request holding records of this
 * shard is in flight, and nothing more is taken from it until that request completes.
 *
 * <p>Confined to the sender thread.
 */
final class ShardQueue {
    /** The predicted shard; {@code null} for the queue of records no open shard covers. */
    final String shardId;
    final ArrayDeque<PendingRecord> records = new ArrayDeque<>();
    long bytes;
    boolean locked;
    /** Paces this shard; {@code null} when rate limiting is off or the shard is unknown. */
    final ShardRateLimiter limiter;

    /** Whether its records are aggregated (then the limiter's record count hardly binds: bytes do). */
    final boolean aggregating;

    ShardQueue(String shardId) {
        this(shardId, null, false);
    }

    ShardQueue(String shardId, ShardRateLimiter limiter, boolean aggregating) {
        this.shardId = shardId;
        this.limiter = limiter;
        this.aggregating = aggregating;
    }

    /**
     * How many records are worth sending now, given the rate limiter: all of them without a
     * limiter; with one, the records the buckets can pay for, but 0 until they can pay for a chunk
     * of a tenth of a second's rate (or the whole queue, if smaller), so a backlogged shard sends
     * about ten requests per second rather than a trickle of one-record requests.
     */
    int sendableNow(long now) {
        int n = records.size();
        if (limiter == null || n == 0) {
            return n;
        }
        double avg = (double) bytes / n;
        int chunk = chunk(n, avg);
        int affordable = limiter.affordable(avg, now, aggregating);
        return affordable >= chunk ? Math.min(n, affordable) : 0;
    }

    /** @return when {@link #sendableNow} becomes positive (only meaningful when it is 0 now) */
    long sendableAt(long now) {
        int n = records.size();
        double avg = (double) bytes / n;
        return limiter.availableAt(chunk(n, avg), avg, now, aggregating);
    }

    private int chunk(int n, double avg) {
        // A tenth of a second's rate: at most half the bucket, so it is always reachable.
        int byRecords = aggregating ? Integer.MAX_VALUE : (int) (limiter.recordsPerSecond() / 10);
        int byBytes = (int) (limiter.bytesPerSecond() / 10 / Math.max(1.0, avg));
        return Math.max(1, Math.min(n, Math.min(byRecords, byBytes)));
    }

    void addLast(PendingRecord r) {
        r.predictedShardId = shardId;
        r.queue = this;
        records.addLast(r);
        bytes += r.size;
    }

    void addFirst(PendingRecord r) {
        r.predictedShardId = shardId;
        r.queue = this;
        records.addFirst(r);
        bytes += r.size;
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
}
