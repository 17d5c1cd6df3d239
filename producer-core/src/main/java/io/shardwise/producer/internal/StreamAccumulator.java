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
 * One stream's records waiting to be sent: its cached {@link ShardMap}, a {@link ShardQueue} per open
 * shard plus one for records no open shard covers (or all records while prediction is off), and the
 * records waiting for the first map. It predicts each record's shard, says when the stream's next
 * request is due ({@link #readyAt}) and has its {@link BatchAssembler} pack it ({@link #assemble}).
 *
 * <p>With {@code Ordering.KEY_STRICT} it also keeps each queue in added order through retries and
 * reshards, and the stream's held keys ({@link KeyOrder}).
 *
 * <p>Confined to the sender thread; no locks.
 *
 * <p>Long because every change to the queues (a map installed, prediction off or on again, a retry
 * back, a key held or released) keeps their order and locks consistent here, in one place.
 */
final class StreamAccumulator {
    /** {@link #readyAt} of a stream with nothing sendable now or later (compare with ==, never subtract). */
    static final long NOTHING_QUEUED = Long.MAX_VALUE;

    private final String stream;
    private ShardMap map;
    /** The open shards' queues, then the queue of unpredicted records (always last). */
    private ShardQueue[] queues;
    private final Map<String, ShardQueue> queuesByShardId = new HashMap<>();
    private final ShardQueue uncovered = new ShardQueue(null);
    private final ArrayDeque<PendingRecord> awaitingMap = new ArrayDeque<>();
    /** Incremented with every map installed: tells which map a request's records were predicted with. */
    private int mapGeneration;
    private boolean predicting = true;
    /** Per-shard ceilings (records/s, bytes/s); 0 turns rate limiting off. */
    private final double shardRecordsPerSecond;
    private final double shardBytesPerSecond;
    private final BatchAssembler assembler;
    /** With {@code Ordering.KEY_STRICT}, the keys held back; {@code null} otherwise. */
    private final KeyOrder keyOrder;
    private static final java.util.Comparator<PendingRecord> BY_SEQUENCE = java.util.Comparator.comparingLong(PendingRecord::sequence);
    /** Scratch list of the records one sweep of a queue removed. */
    private final List<PendingRecord> sweptOut = new ArrayList<>();

    /** An accumulator without per-shard rate limiting or aggregation. */
    StreamAccumulator(String stream) {
        this(stream, 0, 0, null, false);
    }

    /** An accumulator keeping shard order only (not {@code KEY_STRICT}). */
    StreamAccumulator(String stream, double shardRecordsPerSecond, double shardBytesPerSecond, Aggregation aggregation) {
        this(stream, shardRecordsPerSecond, shardBytesPerSecond, aggregation, false);
    }

    /**
     * @param shardRecordsPerSecond per-shard records/s ceiling; 0 turns rate limiting off
     * @param shardBytesPerSecond per-shard bytes/s ceiling
     * @param aggregation how to aggregate, or {@code null} to send every user record as its own entry
     * @param keyStrict whether records of one key keep their added order whatever fails ({@code Ordering.KEY_STRICT})
     */
    StreamAccumulator(String stream, double shardRecordsPerSecond, double shardBytesPerSecond, Aggregation aggregation,
                      boolean keyStrict) {
        this.stream = stream;
        this.shardRecordsPerSecond = shardRecordsPerSecond;
        this.shardBytesPerSecond = shardBytesPerSecond;
        this.keyOrder = keyStrict ? new KeyOrder() : null;
        this.assembler = new BatchAssembler(aggregation, keyOrder);
        this.queues = new ShardQueue[] {uncovered};
    }

    String stream() {
        return stream;
    }

    /** @return the current map, or {@code null} before the first */
    ShardMap map() {
        return map;
    }

    /** @return the generation of the current map (0 before the first) */
    int mapGeneration() {
        return mapGeneration;
    }

    /** @return whether records are sorted by predicted shard (else all wait in one queue) */
    boolean isPredicting() {
        return predicting;
    }

    /** @return whether records wait for a first map */
    boolean awaitsMap() {
        return map == null && !awaitingMap.isEmpty();
    }

    /** @return the number of shard queues (open shards of the current map) */
    int shardCount() {
        return queues.length - 1;
    }

    /**
     * @return whether the shard {@code shardId} (open or closed) is in the current map and its hash-key
     *     range holds every one of {@code records} (then a consumer that checks ranges reads an
     *     aggregate of them stored there)
     */
    boolean rangeHoldsAll(String shardId, List<PendingRecord> records) {
        if (map == null || shardId == null) {
            return false;
        }
        for (PendingRecord r : records) {
            if (!map.rangeHolds(shardId, r.hashHigh, r.hashLow)) {
                return false;
            }
        }
        return true;
    }

    /** Queues a record behind the others of its predicted shard. */
    void enqueue(PendingRecord r) {
        if (map == null) {
            awaitingMap.addLast(r);
        } else {
            queueFor(r).addLast(r);
        }
    }

    /**
     * Queues a record for retry ahead of the others of its (re-)predicted shard: it is older than they
     * are. With {@code KEY_STRICT} it goes to its place by added order instead, and releases its key.
     */
    void requeueFirst(PendingRecord r) {
        if (keyOrder != null) {
            requeueInOrder(r);
            return;
        }
        if (map == null) {
            awaitingMap.addFirst(r);
        } else {
            queueFor(r).addFirst(r);
        }
    }

    private void requeueInOrder(PendingRecord r) {
        if (map == null) {
            List<PendingRecord> older = new ArrayList<>();
            while (!awaitingMap.isEmpty() && awaitingMap.peekFirst().sequence() < r.sequence()) {
                older.add(awaitingMap.pollFirst());
            }
            awaitingMap.addFirst(r);
            for (int i = older.size() - 1; i >= 0; i--) {
                awaitingMap.addFirst(older.get(i));
            }
        } else {
            queueFor(r).insertInOrder(r);
        }
        releaseKey(r);
    }

    /** @return whether records of one key keep their added order whatever fails ({@code KEY_STRICT}) */
    boolean isKeyStrict() {
        return keyOrder != null;
    }

    /**
     * With {@code KEY_STRICT}: {@code r} leaves the queues without being stored (retry back-off, an
     * aggregate held for a map): its key's later records wait until it is {@link #releaseKey released}.
     * Once per record until released; nothing otherwise.
     */
    void holdKey(PendingRecord r) {
        if (keyOrder != null && !r.holdsKey()) {
            r.holdsKey(true);
            keyOrder.hold(r);
        }
    }

    /** With {@code KEY_STRICT}: {@code r} is back in its queue, settled or failed; its key may go when no other record holds it. */
    void releaseKey(PendingRecord r) {
        if (keyOrder != null && r.holdsKey()) {
            r.holdsKey(false);
            if (keyOrder.release(r) && map != null) {
                queueFor(r).unstall();
            }
        }
    }

    /**
     * With {@code KEY_STRICT}: removes the queued records that must not be stored because an earlier
     * record of their key failed for good ({@code failed} maps a key to that record's sequence) and
     * hands each to {@code removed} with the record it followed.
     */
    void removeFollowers(FailedKeys failed, java.util.function.BiConsumer<PendingRecord, FailedKeys.Failure> removed) {
        if (failed.isEmpty()) {
            return;
        }
        removeWhere(r -> failed.precedingFailure(r) != null, r -> removed.accept(r, failed.precedingFailure(r)));
    }

    private ShardQueue queueFor(PendingRecord r) {
        if (!predicting) {
            return uncovered;
        }
        int i = map.indexOf(r.hashHigh, r.hashLow);
        return i == ShardMap.NOT_COVERED ? uncovered : queues[i];
    }

    /**
     * Installs a new shard map and re-predicts every queued record against it, keeping each
     * shard's order. Queues of shards present in both maps are kept (with their lock and limiter).
     *
     * @param now the engine's clock, for the new shards' limiters
     */
    void installMap(ShardMap newMap, long now) {
        List<PendingRecord> queued = new ArrayList<>();
        drainQueues(queued::add);
        ShardQueue[] next = new ShardQueue[newMap.size() + 1];
        Map<String, ShardQueue> nextById = new HashMap<>();
        for (int i = 0; i < newMap.size(); i++) {
            String id = newMap.shardId(i);
            ShardQueue q = queuesByShardId.get(id);
            next[i] = q != null ? q : newQueue(id, now);
            nextById.put(id, next[i]);
        }
        next[newMap.size()] = uncovered;
        if (map != null) {
            retireLockedQueues(newMap, next, nextById);
        }
        if (uncovered.isLocked() && predicting) {
            // Unpredicted records in flight may be of any shard: every shard's queue waits for them.
            List<ShardQueue> all = new ArrayList<>(newMap.size());
            for (int i = 0; i < newMap.size(); i++) {
                all.add(next[i]);
            }
            uncovered.holdBack(all);
        }
        queuesByShardId.clear();
        queuesByShardId.putAll(nextById);
        queues = next;
        map = newMap;
        mapGeneration++;
        assembler.restart();
        if (keyOrder != null) {
            // Queues merge after a reshard: each new queue keeps its records in added order.
            queued.sort(BY_SEQUENCE);
        }
        for (PendingRecord r : queued) {
            queueFor(r).addLast(r);
        }
    }

    /** The old map's queues that leave while locked hold back the new queues overlapping their ranges. */
    private void retireLockedQueues(ShardMap newMap, ShardQueue[] next, Map<String, ShardQueue> nextById) {
        for (int i = 0; i < map.size(); i++) {
            ShardQueue old = queues[i];
            if (!old.isLocked() || nextById.containsKey(old.shardId())) {
                continue;
            }
            List<ShardQueue> overlapping = new ArrayList<>(2);
            for (int j = 0; j < newMap.size(); j++) {
                if (map.overlaps(i, newMap, j) && next[j] != old) {
                    overlapping.add(next[j]);
                }
            }
            old.holdBack(overlapping);
        }
    }

    private ShardQueue newQueue(String shardId, long now) {
        ShardRateLimiter limiter = shardRecordsPerSecond > 0
                ? new ShardRateLimiter(shardRecordsPerSecond, shardBytesPerSecond, now) : null;
        return new ShardQueue(shardId, limiter, assembler.aggregates());
    }

    /** Stops predicting shards: every queued record, and every new one, waits in the queue of unpredicted records. */
    void stopPredicting() {
        predicting = false;
        List<PendingRecord> queued = new ArrayList<>();
        for (int i = 0; i < queues.length - 1; i++) {
            queues[i].drainTo(queued::add);
            queues[i].holdBack(List.of(uncovered)); // their records in flight go first
        }
        if (keyOrder != null) {
            uncovered.drainTo(queued::add);
            queued.sort(BY_SEQUENCE);
        }
        for (PendingRecord r : queued) {
            uncovered.addLast(r);
        }
    }

    /** Predicts shards again; the next map re-sorts the queued records. */
    void predictAgain() {
        predicting = true;
    }

    /** Removes every waiting record (queued or waiting for the map) and hands it to {@code sink}. */
    void drainQueues(Consumer<PendingRecord> sink) {
        for (ShardQueue q : queues) {
            q.drainTo(sink);
        }
        drainAwaitingMap(sink);
    }

    /** Removes the records waiting for a first map and hands them to {@code sink}. */
    void drainAwaitingMap(Consumer<PendingRecord> sink) {
        PendingRecord r;
        while ((r = awaitingMap.pollFirst()) != null) {
            sink.accept(r);
        }
    }

    /** @return the earlier of {@code oldest} and the added time of the oldest record waiting here */
    long oldestAddedNanos(long oldest) {
        for (ShardQueue q : queues) {
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

    /** Removes records whose deadline has passed (or that the application completed) and hands them to {@code expired}. */
    void removeExpired(long now, Consumer<PendingRecord> expired) {
        removeWhere(r -> now - r.deadlineNanos >= 0 || r.isDone(), expired);
    }

    /** Removes the waiting records (queued or waiting for the map) that match and hands them to {@code removed}. */
    void removeWhere(Predicate<PendingRecord> match, Consumer<PendingRecord> removed) {
        for (ShardQueue q : queues) {
            q.removeIf(match, removed, sweptOut);
        }
        for (Iterator<PendingRecord> it = awaitingMap.iterator(); it.hasNext(); ) {
            PendingRecord r = it.next();
            if (match.test(r)) {
                it.remove();
                removed.accept(r);
            }
        }
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
        for (ShardQueue q : queues) {
            if (q.isEmpty() || (respectLocks && q.isLocked()) || q.isStalled()) {
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
            bytes += sendable == q.size() ? q.bytes() : (long) ((double) q.bytes() / q.size() * sendable);
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
     * @return whether the records sendable now from the unlocked queues (as {@link #readyAt} counts
     *     them, user records before aggregation) fit in one request of {@code maxCount} entries and
     *     {@code maxBytes}
     */
    boolean sendableFitsOneRequest(long now, int maxCount, long maxBytes) {
        long count = 0;
        long bytes = 0;
        for (ShardQueue q : queues) {
            if (q.isEmpty() || q.isLocked() || q.isStalled()) {
                continue;
            }
            int sendable = q.sendableNow(now);
            count += sendable;
            bytes += sendable == q.size() ? q.bytes() : (long) ((double) q.bytes() / q.size() * sendable);
            if (count > maxCount || bytes > maxBytes) {
                return false;
            }
        }
        return true;
    }

    /** As {@link #assemble(int, long, boolean, long, Consumer, int)} from every queue. */
    RequestBatch assemble(int maxCount, long maxBytes, boolean respectLocks, long now, Consumer<PendingRecord> expired) {
        return assemble(maxCount, maxBytes, respectLocks, now, expired, Integer.MAX_VALUE);
    }

    /**
     * Packs the next request (see {@link BatchAssembler#assemble}), taking from at most
     * {@code maxQueues} shard queues: with preserved shard order a queue is locked while its request
     * is in flight, so spreading a stream's shards over several smaller requests keeps several in flight.
     */
    RequestBatch assemble(int maxCount, long maxBytes, boolean respectLocks, long now, Consumer<PendingRecord> expired,
                          int maxQueues) {
        return assembler.assemble(stream, mapGeneration, queues, maxCount, maxBytes, respectLocks, now, expired, maxQueues);
    }
}
