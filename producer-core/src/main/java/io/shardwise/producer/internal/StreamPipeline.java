package io.shardwise.producer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One stream's side of the pipeline: its cached {@link ShardMap}, a {@link ShardQueue} per open
 * shard (plus one for records no open shard covers), the records waiting for the first map, the
 * state of its ListShards refreshes, and the packing of queued records into
 * {@link PutRecordsBatch}es.
 *
 * <p>Confined to the sender thread; no locks.
 */
final class StreamPipeline {
    final String stream;
    private ShardMap map;
    private ShardQueue[] queues = new ShardQueue[0];
    private final Map<String, ShardQueue> queuesByShardId = new HashMap<>();
    private final ShardQueue uncovered = new ShardQueue(null);
    private final ArrayDeque<PendingRecord> awaitingMap = new ArrayDeque<>();
    private int cursor;

    // ListShards state
    boolean loading;
    boolean refreshWanted;
    long nextLoadAtNanos;
    int loadFailures;

    StreamPipeline(String stream) {
        this.stream = stream;
    }

    ShardMap map() {
        return map;
    }

    /** @return whether a ListShards call is due: no map yet and records wait for one, or a refresh was asked for */
    boolean wantsLoad() {
        return !loading && ((map == null && !awaitingMap.isEmpty()) || refreshWanted);
    }

    /** Queues a record behind the others of its predicted shard. */
    void enqueue(PendingRecord r) {
        if (map == null) {
            awaitingMap.addLast(r);
        } else {
            queueFor(r).addLast(r);
        }
    }

    /** Queues a record for retry ahead of the others of its (re-)predicted shard: it is older than they are. */
    void requeueFirst(PendingRecord r) {
        if (map == null) {
            awaitingMap.addFirst(r);
        } else {
            queueFor(r).addFirst(r);
        }
    }

    private ShardQueue queueFor(PendingRecord r) {
        int i = map.indexOf(r.hashHigh, r.hashLow);
        return i == ShardMap.NOT_COVERED ? uncovered : queues[i];
    }

    /**
     * Installs a new shard map and re-predicts every queued record against it, keeping each
     * shard's order. Queues of shards present in both maps are kept (with their lock).
     */
    void installMap(ShardMap newMap) {
        List<PendingRecord> queued = new ArrayList<>();
        drainQueues(queued::add);
        ShardQueue[] next = new ShardQueue[newMap.size()];
        Map<String, ShardQueue> nextById = new HashMap<>();
        for (int i = 0; i < next.length; i++) {
            String id = newMap.shardId(i);
            ShardQueue q = queuesByShardId.get(id);
            next[i] = q != null ? q : new ShardQueue(id);
            nextById.put(id, next[i]);
        }
        queuesByShardId.clear();
        queuesByShardId.putAll(nextById);
        queues = next;
        map = newMap;
        cursor = 0;
        for (PendingRecord r : queued) {
            queueFor(r).addLast(r);
        }
    }

    /** Removes every waiting record (queued or waiting for the map) and hands it to {@code sink}. */
    void drainQueues(Consumer<PendingRecord> sink) {
        for (ShardQueue q : queues) {
            drain(q, sink);
        }
        drain(uncovered, sink);
        drainAwaitingMap(sink);
    }

    void drainAwaitingMap(Consumer<PendingRecord> sink) {
        PendingRecord r;
        while ((r = awaitingMap.pollFirst()) != null) {
            sink.accept(r);
        }
    }

    private static void drain(ShardQueue q, Consumer<PendingRecord> sink) {
        PendingRecord r;
        while ((r = q.poll()) != null) {
            sink.accept(r);
        }
    }

    /** Removes records whose deadline has passed from every queue and hands them to {@code expired}. */
    void removeExpired(long now, Consumer<PendingRecord> expired) {
        for (ShardQueue q : queues) {
            removeExpired(q, now, expired);
        }
        removeExpired(uncovered, now, expired);
        for (Iterator<PendingRecord> it = awaitingMap.iterator(); it.hasNext(); ) {
            PendingRecord r = it.next();
            if (now - r.deadlineNanos >= 0 || r.isDone()) {
                it.remove();
                expired.accept(r);
            }
        }
    }

    private static void removeExpired(ShardQueue q, long now, Consumer<PendingRecord> expired) {
        if (q.isEmpty()) {
            return;
        }
        int n = q.size();
        for (int i = 0; i < n; i++) {
            PendingRecord r = q.poll();
            if (now - r.deadlineNanos >= 0 || r.isDone()) {
                expired.accept(r);
            } else {
                q.records.addLast(r);
                q.bytes += r.size;
            }
        }
    }

    /**
     * When the next request of this stream is due: {@code now} if the sendable records fill a
     * request, or the oldest was added at or before {@code flushMark}, otherwise when the oldest
     * reaches the linger time; {@link Long#MAX_VALUE} if nothing is sendable.
     */
    long readyAt(long now, long lingerNanos, long flushMark, int maxCount, long maxBytes, boolean respectLocks) {
        long count = 0;
        long bytes = 0;
        long oldest = Long.MAX_VALUE;
        boolean any = false;
        for (int i = 0; i <= queues.length; i++) {
            ShardQueue q = i == queues.length ? uncovered : queues[i];
            if (q.isEmpty() || (respectLocks && q.locked)) {
                continue;
            }
            count += q.size();
            bytes += q.bytes;
            long added = q.peek().addedNanos;
            if (!any || added - oldest < 0) {
                oldest = added;
                any = true;
            }
        }
        if (!any) {
            return Long.MAX_VALUE;
        }
        if (count >= maxCount || bytes >= maxBytes || oldest - flushMark <= 0) {
            return now;
        }
        return oldest + lingerNanos;
    }

    /**
     * Packs the next request: visits the shard queues round-robin from a rotating start, taking
     * each queue's records oldest first while they fit; records past their deadline go to
     * {@code expired} instead. With {@code respectLocks}, locked queues are skipped and every
     * queue the batch takes from is locked by it.
     */
    PutRecordsBatch assemble(int maxCount, long maxBytes, boolean respectLocks, long now, Consumer<PendingRecord> expired) {
        PutRecordsBatch batch = new PutRecordsBatch(this, maxCount, maxBytes);
        int n = queues.length + 1;
        for (int k = 0; k < n && !batch.isFull(); k++) {
            int idx = (cursor + k) % n;
            ShardQueue q = idx == queues.length ? uncovered : queues[idx];
            if (q.isEmpty() || (respectLocks && q.locked)) {
                continue;
            }
            boolean took = false;
            while (!q.isEmpty()) {
                PendingRecord r = q.peek();
                if (now - r.deadlineNanos >= 0 || r.isDone()) {
                    expired.accept(q.poll());
                    continue;
                }
                if (!batch.fits(r)) {
                    break;
                }
                batch.add(q.poll());
                took = true;
            }
            if (took && respectLocks) {
                q.locked = true;
                batch.lockedQueues.add(q);
            }
        }
        cursor = (cursor + 1) % n;
        return batch;
    }
}
