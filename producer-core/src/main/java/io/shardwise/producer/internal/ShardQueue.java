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
