package io.shardwise.producer.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One stream's side of the pipeline: its cached {@link ShardMap}, a {@link ShardQueue} per open
 * shard (plus one for records no open shard covers), the records waiting for the first map, the
 * state of its ListShards refreshes, and the packing of queued records into
 * {@link RequestBatch}es.
 *
 * <p>Confined to the sender thread; no locks.
 */
final class StreamPipeline {
    /** {@link #readyAt} of a stream with nothing sendable now or later (compare with ==, never subtract). */
    static final long NOTHING_QUEUED = Long.MAX_VALUE;

    final String stream;
    private ShardMap map;
    private ShardQueue[] queues = new ShardQueue[0];
    private final Map<String, ShardQueue> queuesByShardId = new HashMap<>();
    private final ShardQueue uncovered = new ShardQueue(null);
    private final ArrayDeque<PendingRecord> awaitingMap = new ArrayDeque<>();
    /** Aggregates stored on an unexpected shard, settled when the next map arrives. */
    final List<ResponseHandler.HeldAggregate> heldForRefresh = new ArrayList<>();
    private int cursor;

    // Prediction health: records that keep landing elsewhere right after a fresh map.
    int mapGeneration;
    /**
     * Prediction health since misses began: the generation of the map that first missed (-1 while
     * prediction is healthy), maps installed since, and records predicted with those newer maps and
     * how many of them landed elsewhere.
     */
    int firstMissGeneration = -1;
    int refreshesSinceMiss;
    long suspectPredicted;
    long suspectMisses;
    boolean predictionOff;
    long predictionRecheckAtNanos;

    // ListShards state
    boolean loading;
    /** Whether the stream's own limits (DescribeStreamSummary) were asked for, and whether reading them failed before. */
    boolean limitsRequested;
    boolean limitsWarned;
    boolean refreshWanted;
    long nextLoadAtNanos;
    int loadFailures;

    /** Per-shard ceilings (records/s, bytes/s); 0 turns rate limiting off. */
    private final double shardRecordsPerSecond;
    private final double shardBytesPerSecond;
    /** For the limiters' clocks; set by the sender before it installs a map. */
    long nowNanos;

    private final Aggregation aggregation;
    private final EntryPacker aggregator;
    private final List<PendingRecord> members = new ArrayList<>();
    /** Scratch list of the records one sweep of a queue removed. */
    private final List<PendingRecord> sweptOut = new ArrayList<>();

    /** A pipeline without per-shard rate limiting or aggregation. */
    StreamPipeline(String stream) {
        this(stream, 0, 0, null);
    }

    StreamPipeline(String stream, double shardRecordsPerSecond, double shardBytesPerSecond) {
        this(stream, shardRecordsPerSecond, shardBytesPerSecond, null);
    }

    /**
     * @param shardRecordsPerSecond per-shard records/s ceiling; 0 turns rate limiting off
     * @param shardBytesPerSecond per-shard bytes/s ceiling
     * @param aggregation how to aggregate, or {@code null} to send every user record as its own Kinesis record
     */
    StreamPipeline(String stream, double shardRecordsPerSecond, double shardBytesPerSecond, Aggregation aggregation) {
        this.stream = stream;
        this.shardRecordsPerSecond = shardRecordsPerSecond;
        this.shardBytesPerSecond = shardBytesPerSecond;
        this.aggregation = aggregation;
        this.aggregator = aggregation == null ? null
                : aggregation.kplFormat() ? new EntryPacker.KplAggregate(aggregation.maxSize(), aggregation.maxCount())
                : new DelimitedPacker(aggregation.maxSize(), aggregation.maxCount(), aggregation.delimiter());
    }

    private ShardQueue newQueue(String shardId) {
        ShardRateLimiter limiter = shardRecordsPerSecond > 0
                ? new ShardRateLimiter(shardRecordsPerSecond, shardBytesPerSecond, nowNanos) : null;
        return new ShardQueue(shardId, limiter, aggregation != null);
    }

    ShardMap map() {
        return map;
    }

    /**
     * @return whether the shard {@code shardId} is open in the current map and its hash-key range
     *     holds every one of {@code records} (then a consumer that checks ranges reads an aggregate
     *     of them stored there)
     */
    boolean rangeHoldsAll(String shardId, List<PendingRecord> records) {
        if (map == null || shardId == null) {
            return false;
        }
        for (PendingRecord r : records) {
            int i = map.indexOf(r.hashHigh, r.hashLow);
            if (i == ShardMap.NOT_COVERED || !map.shardId(i).equals(shardId)) {
                return false;
            }
        }
        return true;
    }

    /** @return the number of shard queues (open shards of the current map) */
    int shardCount() {
        return queues.length;
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
        if (predictionOff) {
            return uncovered;
        }
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
            next[i] = q != null ? q : newQueue(id);
            nextById.put(id, next[i]);
        }
        queuesByShardId.clear();
        queuesByShardId.putAll(nextById);
        queues = next;
        map = newMap;
        mapGeneration++;
        if (firstMissGeneration >= 0) {
            refreshesSinceMiss++;
        }
        cursor = 0;
        for (PendingRecord r : queued) {
            queueFor(r).addLast(r);
        }
    }

    /**
     * Stops predicting shards until {@code recheckAt}: every queued record moves to the queue of
     * unpredicted records, and new ones go there too (batched per stream, not per shard).
     */
    void disablePrediction(long recheckAt) {
        predictionOff = true;
        predictionRecheckAtNanos = recheckAt;
        List<PendingRecord> queued = new ArrayList<>();
        for (ShardQueue q : queues) {
            drain(q, queued::add);
        }
        for (PendingRecord r : queued) {
            uncovered.addLast(r);
        }
    }

    /** Predicts shards again; the next map (a refresh is requested) re-sorts the queued records. */
    void enablePrediction() {
        predictionOff = false;
        predictionHealthy();
        refreshWanted = true;
    }

    /** Forgets past misses: prediction works (again). */
    void predictionHealthy() {
        firstMissGeneration = -1;
        refreshesSinceMiss = 0;
        suspectPredicted = 0;
        suspectMisses = 0;
    }

    /** Removes every waiting record (queued or waiting for the map) and hands it to {@code sink}. */
    void drainQueues(Consumer<PendingRecord> sink) {
        for (ShardQueue q : queues) {
            drain(q, sink);
        }
        drain(uncovered, sink);
        drainAwaitingMap(sink);
    }

    /** As {@link #drainQueues}, and the records held for a map refresh too (for close). */
    void drainAll(Consumer<PendingRecord> sink) {
        drainQueues(sink);
        for (ResponseHandler.HeldAggregate a : heldForRefresh) {
            a.members().forEach(sink);
        }
        heldForRefresh.clear();
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

    /** @return the earlier of {@code oldest} and the added time of the oldest record waiting here */
    long oldestAddedNanos(long oldest) {
        for (int i = 0; i <= queues.length; i++) {
            ShardQueue q = i == queues.length ? uncovered : queues[i];
            PendingRecord head = q.peek();
            if (head != null && head.addedNanos - oldest < 0) {
                oldest = head.addedNanos;
            }
        }
        PendingRecord head = awaitingMap.peekFirst();
        if (head != null && head.addedNanos - oldest < 0) {
            oldest = head.addedNanos;
        }
        return oldest;
    }

    /** Removes records whose deadline has passed from every queue and hands them to {@code expired}. */
    void removeExpired(long now, Consumer<PendingRecord> expired) {
        removeWhere(r -> now - r.deadlineNanos >= 0 || r.isDone(), expired);
    }

    /** Removes the waiting records (queued or waiting for the map) that match and hands them to {@code removed}. */
    void removeWhere(Predicate<PendingRecord> match, Consumer<PendingRecord> removed) {
        for (ShardQueue q : queues) {
            removeWhere(q, match, removed);
        }
        removeWhere(uncovered, match, removed);
        for (Iterator<PendingRecord> it = awaitingMap.iterator(); it.hasNext(); ) {
            PendingRecord r = it.next();
            if (match.test(r)) {
                it.remove();
                removed.accept(r);
            }
        }
    }

    private void removeWhere(ShardQueue q, Predicate<PendingRecord> match, Consumer<PendingRecord> removed) {
        if (q.isEmpty()) {
            return;
        }
        // One read-only pass over the queue (ArrayDeque.removeIf rewrites it only from the first
        // match on), instead of moving every waiting record out and back in.
        sweptOut.clear();
        q.records.removeIf(r -> {
            if (match.test(r)) {
                sweptOut.add(r);
                return true;
            }
            return false;
        });
        for (PendingRecord r : sweptOut) {
            q.bytes -= r.size;
            removed.accept(r);
        }
        sweptOut.clear();
    }

    /**
     * When the next request of this stream is due: {@code now} if the sendable records fill a
     * request, or the oldest was added at or before {@code flushMark}, otherwise when the oldest
     * reaches the linger time; {@link #NOTHING_QUEUED} if nothing is queued. Records a shard's rate
     * limiter holds back are not sendable; the result is then no later than when it lets them go.
     */
    long readyAt(long now, long lingerNanos, long flushMark, int maxCount, long maxBytes, boolean respectLocks) {
        long count = 0;
        long bytes = 0;
        long oldest = 0;
        long limiterAt = 0;
        boolean any = false;
        boolean limited = false;
        for (int i = 0; i <= queues.length; i++) {
            ShardQueue q = i == queues.length ? uncovered : queues[i];
            if (q.isEmpty() || (respectLocks && q.locked)) {
                continue;
            }
            int sendable = q.sendableNow(now);
            if (sendable == 0) {
                long at = q.sendableAt(now);
                if (!limited || at - limiterAt < 0) {
                    limiterAt = at;
                    limited = true;
                }
                continue;
            }
            count += sendable;
            bytes += sendable == q.size() ? q.bytes : (long) ((double) q.bytes / q.size() * sendable);
            long added = q.peek().addedNanos;
            if (!any || added - oldest < 0) {
                oldest = added;
                any = true;
            }
        }
        if (!any) {
            return limited ? limiterAt : NOTHING_QUEUED;
        }
        if (count >= maxCount || bytes >= maxBytes || oldest - flushMark <= 0) {
            return now;
        }
        long lingerAt = oldest + lingerNanos;
        return limited && limiterAt - lingerAt < 0 ? limiterAt : lingerAt;
    }

    /**
     * Packs the next request: visits the shard queues round-robin from a rotating start, taking
     * each queue's records oldest first while they fit (and its rate limiter pays for them); with
     * aggregation, consecutive records of a shard queue are packed into aggregated entries. Records
     * past their deadline go to {@code expired} instead. With {@code respectLocks}, locked queues are
     * skipped and every queue the batch takes from is locked by it.
     */
    RequestBatch assemble(int maxCount, long maxBytes, boolean respectLocks, long now, Consumer<PendingRecord> expired) {
        return assemble(maxCount, maxBytes, respectLocks, now, expired, Integer.MAX_VALUE);
    }

    /**
     * As {@link #assemble(int, long, boolean, long, Consumer)}, taking from at most {@code maxQueues}
     * shard queues: with preserved shard order a queue is locked while its request is in flight, so
     * spreading a stream's shards over several smaller requests keeps several in flight.
     */
    RequestBatch assemble(int maxCount, long maxBytes, boolean respectLocks, long now, Consumer<PendingRecord> expired,
                             int maxQueues) {
        RequestBatch batch = new RequestBatch(this, maxCount, maxBytes);
        batch.mapGeneration = mapGeneration;
        int n = queues.length + 1;
        int taken = 0;
        for (int k = 0; k < n && !batch.isFull() && taken < maxQueues; k++) {
            int idx = (cursor + k) % n;
            ShardQueue q = idx == queues.length ? uncovered : queues[idx];
            if (q.isEmpty() || (respectLocks && q.locked) || q.sendableNow(now) == 0) {
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
                int added = aggregator != null && (q.shardId != null || !aggregation.kplFormat())
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
                    q.locked = true;
                    batch.lockedQueues.add(q);
                }
            }
        }
        cursor = (cursor + 1) % n;
        return batch;
    }

    private static int takePlain(ShardQueue q, RequestBatch batch, long now) {
        PendingRecord r = q.peek();
        if (!batch.fits(r) || (q.limiter != null && !q.limiter.tryAcquire(r.size, now))) {
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
        if (q.limiter != null) {
            // Build only what the shard's limiter can pay for now, rather than build and take apart.
            limit = Math.min(limit, q.limiter.bytesAvailable(now) - entryKeyBytes);
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
            for (PendingRecord r : members) {
                q.addFirst(r);
            }
            members.clear();
            return q.isEmpty() || aggregator.packsSingleRecords() ? 0 : takePlain(q, batch, now);
        }
        byte[] data = aggregator.toBytes();
        if (q.limiter != null && !q.limiter.tryAcquire(data.length + entryKeyBytes, now)) {
            for (int i = members.size() - 1; i >= 0; i--) {
                q.addFirst(members.get(i));
            }
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
            if (r.size > aggregation.maxMemberSize()
                    || aggregator.sizeIfAdded(r.partitionKey, r.explicitHashKey, r.data) > limit
                    || !aggregator.tryAdd(r.partitionKey, r.explicitHashKey, r.data)) {
                break; // a record too large to aggregate goes next, as itself
            }
            members.add(q.poll());
        }
    }

    /** Key-preserving mode: takes, in order, the records sharing the head's partition and explicit hash keys. */
    private void collectSameKey(ShardQueue q, PendingRecord head, long limit, long now, Consumer<PendingRecord> expired) {
        int scanned = 0;
        for (Iterator<PendingRecord> it = q.records.iterator(); it.hasNext() && scanned < 10_000
                && aggregator.count() < aggregation.maxCount(); scanned++) {
            PendingRecord r = it.next();
            if (!r.partitionKey.equals(head.partitionKey) || !java.util.Objects.equals(r.explicitHashKey, head.explicitHashKey)) {
                continue;
            }
            if (now - r.deadlineNanos >= 0 || r.isDone()) {
                it.remove();
                q.bytes -= r.size;
                expired.accept(r);
                continue;
            }
            if (r.size > aggregation.maxMemberSize()
                    || aggregator.sizeIfAdded(r.partitionKey, r.explicitHashKey, r.data) > limit
                    || !aggregator.tryAdd(r.partitionKey, r.explicitHashKey, r.data)) {
                break;
            }
            it.remove();
            q.bytes -= r.size;
            members.add(r);
        }
    }
}
