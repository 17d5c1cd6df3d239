package io.shardwise.producer.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Packs one stream's queued records into the next request: visits the shard queues round-robin from
 * a rotating start, takes each queue's records oldest first while they fit (and the shard's rate
 * limiter pays for them), and with aggregation packs consecutive records of a shard into aggregated
 * entries (KPL format) or, for Firehose, delimiter-joined records.
 *
 * <p>Confined to the sender thread; owns only its rotation and its packing scratch space.
 */
final class BatchAssembler {
    /** How far past the head a key-preserving aggregate looks for records of the head's key. */
    private static final int SAME_KEY_SCAN = 10_000;

    private final Aggregation aggregation;
    private final EntryPacker aggregator;
    private final List<PendingRecord> members = new ArrayList<>();
    private int cursor;

    /** @param aggregation how to pack, or {@code null} to send every user record as its own entry */
    BatchAssembler(Aggregation aggregation) {
        this.aggregation = aggregation;
        this.aggregator = aggregation == null ? null
                : aggregation.kplFormat() ? new EntryPacker.KplAggregate(aggregation.maxSize(), aggregation.maxCount())
                : new DelimitedPacker(aggregation.maxSize(), aggregation.maxCount(), aggregation.delimiter());
    }

    /** @return whether queued records are packed into aggregates */
    boolean aggregates() {
        return aggregation != null;
    }

    /** Starts the rotation again from the first queue (a new map). */
    void restart() {
        cursor = 0;
    }

    /**
     * Packs the next request from {@code queues} (the last one is the queue of unpredicted records).
     * Records past their deadline, or completed by the application, go to {@code expired} instead.
     * With {@code respectLocks}, locked queues are skipped and every queue the batch takes from is
     * locked by it; at most {@code maxQueues} queues are taken from (several smaller requests in flight).
     */
    RequestBatch assemble(String stream, int mapGeneration, ShardQueue[] queues, int maxCount, long maxBytes,
                          boolean respectLocks, long now, Consumer<PendingRecord> expired, int maxQueues) {
        RequestBatch batch = new RequestBatch(stream, maxCount, maxBytes, mapGeneration, false);
        int n = queues.length;
        int taken = 0;
        for (int k = 0; k < n && !batch.isFull() && taken < maxQueues; k++) {
            ShardQueue q = queues[(cursor + k) % n];
            if (q.isEmpty() || (respectLocks && q.isLocked()) || q.sendableNow(now) == 0) {
                continue;
            }
            boolean took = false;
            while (!q.isEmpty() && !batch.isFull()) {
                PendingRecord r = q.peek();
                if (now - r.deadlineNanos >= 0 || r.isDone()) {
                    expired.accept(q.poll());
                    continue;
                }
                // Records of unknown shards are never aggregated: they might belong to different shards.
                // Firehose has no shards: its one queue packs.
                int added = aggregator != null && (q.shardId() != null || !aggregation.kplFormat())
                        ? takeAggregate(q, batch, now, expired)
                        : takePlain(q, batch, now);
                if (added == 0) {
                    break;
                }
                took = true;
            }
            if (took) {
                taken++;
                if (respectLocks) {
                    batch.lock(q);
                }
            }
        }
        cursor = (cursor + 1) % n;
        return batch;
    }

    private static int takePlain(ShardQueue q, RequestBatch batch, long now) {
        PendingRecord r = q.peek();
        if (!batch.fits(r) || (q.limiter() != null && !q.limiter().tryAcquire(r.size, now))) {
            return 0;
        }
        batch.add(q.poll());
        return 1;
    }

    /**
     * Takes the next entry of queue {@code q}: an aggregate of its leading records (in
     * key-preserving mode, of the leading records sharing the head's keys), or the head alone as a
     * plain record when nothing else joins it.
     *
     * @return user records added to the batch; 0 when the entry does not fit or the limiter refuses it
     */
    private int takeAggregate(ShardQueue q, RequestBatch batch, long now, Consumer<PendingRecord> expired) {
        PendingRecord head = q.peek();
        boolean kpl = aggregation.kplFormat();
        boolean preserve = aggregation.preserveKeys();
        String entryKey = !kpl ? null : preserve ? head.partitionKey : RequestBatch.AGGREGATE_PARTITION_KEY;
        int entryKeyBytes = !kpl ? 0 : preserve ? head.size - head.data.length : RequestBatch.AGGREGATE_PARTITION_KEY.length();
        long limit = Math.min(aggregation.maxSize(), batch.isEmpty() ? Long.MAX_VALUE : batch.bytesLeft()) - entryKeyBytes;
        ShardRateLimiter limiter = q.limiter();
        if (limiter != null) {
            // Build only what the shard's limiter can pay for now, rather than build and take apart.
            limit = Math.min(limit, limiter.bytesAvailable(now) - entryKeyBytes);
        }
        aggregator.clear();
        members.clear();
        if (limit > aggregator.emptySize()) {
            if (preserve) {
                collectSameKey(q, head, limit, now, expired);
            } else {
                collectLeading(q, limit, now, expired);
            }
        }
        if (members.isEmpty() || (members.size() == 1 && !aggregator.packsSingleRecords())) {
            // Alone it goes out as the plain record (an aggregate of one is sent as the record itself).
            q.putBack(members);
            members.clear();
            return q.isEmpty() || aggregator.packsSingleRecords() ? 0 : takePlain(q, batch, now);
        }
        byte[] data = aggregator.toBytes();
        if (limiter != null && !limiter.tryAcquire(data.length + entryKeyBytes, now)) {
            q.putBack(members);
            members.clear();
            return 0;
        }
        PendingRecord first = members.get(0);
        String hashKey = !kpl ? null : preserve ? first.explicitHashKey
                : first.explicitHashKey != null ? first.explicitHashKey : HashKeys.toDecimal(first.hashHigh, first.hashLow);
        batch.addAggregate(members, data, entryKey, hashKey, entryKeyBytes);
        int added = members.size();
        members.clear();
        return added;
    }

    private void collectLeading(ShardQueue q, long limit, long now, Consumer<PendingRecord> expired) {
        while (!q.isEmpty() && aggregator.count() < aggregation.maxCount()) {
            PendingRecord r = q.peek();
            if (now - r.deadlineNanos >= 0 || r.isDone()) {
                expired.accept(q.poll());
                continue;
            }
            if (!fits(r, limit)) {
                break; // a record too large to aggregate goes next, as itself
            }
            members.add(q.poll());
        }
    }

    /** Key-preserving mode: takes, in order, the records sharing the head's partition and explicit hash keys. */
    private void collectSameKey(ShardQueue q, PendingRecord head, long limit, long now, Consumer<PendingRecord> expired) {
        q.scan(SAME_KEY_SCAN, r -> {
            if (aggregator.count() >= aggregation.maxCount()) {
                return ShardQueue.Visit.STOP;
            }
            if (!r.partitionKey.equals(head.partitionKey) || !Objects.equals(r.explicitHashKey, head.explicitHashKey)) {
                return ShardQueue.Visit.SKIP;
            }
            if (now - r.deadlineNanos >= 0 || r.isDone()) {
                expired.accept(r);
                return ShardQueue.Visit.TAKE;
            }
            if (!fits(r, limit)) {
                return ShardQueue.Visit.STOP;
            }
            members.add(r);
            return ShardQueue.Visit.TAKE;
        });
    }

    /** Adds {@code r} to the aggregate being built if it may be packed and fits within {@code limit}. */
    private boolean fits(PendingRecord r, long limit) {
        return r.size <= aggregation.maxMemberSize()
                && aggregator.sizeIfAdded(r.partitionKey, r.explicitHashKey, r.data) <= limit
                && aggregator.tryAdd(r.partitionKey, r.explicitHashKey, r.data);
    }
}
