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

    ShardQueue(String shardId) {
        this.shardId = shardId;
    }

    void addLast(PendingRecord r) {
        r.predictedShardId = shardId;
        records.addLast(r);
        bytes += r.size;
    }

    void addFirst(PendingRecord r) {
        r.predictedShardId = shardId;
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
