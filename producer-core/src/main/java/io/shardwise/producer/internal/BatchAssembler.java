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
 * <p>With {@code Ordering.KEY_STRICT} ({@link #BatchAssembler(Aggregation, KeyOrder)}) it packs a
 * queue by key instead of by position: records whose key is held back ({@link KeyOrder}) are passed
 * over with every later record of their key, and a key goes into one entry of a request only (entries
 * of one request succeed or fail independently, so two entries of one key could be stored out of
 * order); records of other keys go on past them.
 *
 * <p>Confined to the sender thread; owns only its rotation and its packing scratch space.
 *
 * <p>Long because it packs two ways, by position and by key, around the same aggregate building.
 */
final class BatchAssembler {
    /**
     * A provisioned stream bills every record it stores (data and partition key) in "PUT payload
     * units" of 25 KiB (AWS Kinesis Data Streams pricing). An aggregate the shard's limiter cuts short
     * is cut at whole units, and a remainder of less than half a unit waits for the next send: the
     * 0.1 s chunks a backlogged shard sends (about 105 KB at 1 MiB/s) were two full aggregates and a
     * sliver of about 2 KB that paid for a unit of its own (1.18x the KPL's PUT units in workload
     * (d)). Half a unit and more still goes: the last room of a shard's one-second window (about
     * 14 KB once 20 full aggregates are in it) would otherwise stay unused (with whole units only,
     * (d) used 96.8-97.0 % of the byte limit instead of 97.8 %).
     */
    static final int PUT_PAYLOAD_UNIT = 25 * 1024;

    /** How far past the head a key-preserving aggregate looks for records of the head's key. */
    private static final int SAME_KEY_SCAN = 10_000;

    private final Aggregation aggregation;
    private final EntryPacker aggregator;
    private final List<PendingRecord> members = new ArrayList<>();
    private int cursor;

    /** {@code KEY_STRICT}: the keys held back, or {@code null} when packing by position. */
    private final KeyOrder keyOrder;
    /** {@code KEY_STRICT}: keys already in an entry of this request (from the queue being packed), or failed in it. */
    private final HashKeySet entryKeys;
    /** {@code KEY_STRICT}: keys passed over while one entry is built: their later records are passed over too. */
    private final HashKeySet passedOver;
    /** {@code KEY_STRICT}: the visitor of one entry's scan (made once) and its state. */
    private final java.util.function.Function<PendingRecord, ShardQueue.Visit> strictVisitor = this::visitStrict;
    private ShardQueue scanQueue;
    private RequestBatch scanBatch;
    private long scanNow;
    private Consumer<PendingRecord> scanExpired;
    private PendingRecord scanHead;
    private boolean scanPlain;
    private long scanLimit;
    private int scanEntryKeyBytes;
    /** What {@link #takeStrictEntry} returns when no record of the queue may go now (all held back). */
    private static final int NONE_ELIGIBLE = -1;

    /** @param aggregation how to pack, or {@code null} to send every user record as its own entry */
    BatchAssembler(Aggregation aggregation) {
        this(aggregation, null);
    }

    /**
     * @param aggregation how to pack, or {@code null} to send every user record as its own entry
     * @param keyOrder with {@code KEY_STRICT}, the stream's held keys; {@code null} to pack by position
     */
    BatchAssembler(Aggregation aggregation, KeyOrder keyOrder) {
        this.keyOrder = keyOrder;
        this.entryKeys = keyOrder == null ? null : new HashKeySet();
        this.passedOver = keyOrder == null ? null : new HashKeySet();
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
            if (keyOrder != null) {
                entryKeys.clear();
                int added = 0;
                while (!q.isEmpty() && !batch.isFull() && (added = takeStrictEntry(q, batch, now, expired)) > 0) {
                    took = true;
                }
                if (!took && added == NONE_ELIGIBLE) {
                    q.stall();
                }
            }
            while (keyOrder == null && !q.isEmpty() && !batch.isFull()) {
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
            long budget = limiter.bytesAvailable(now);
            if (budget - entryKeyBytes < limit && q.bytes() > budget) {
                // The limiter cuts this aggregate short: cut it at whole PUT payload units.
                long units = budget / PUT_PAYLOAD_UNIT;
                if (budget < PUT_PAYLOAD_UNIT / 2 && limiter.canHold(PUT_PAYLOAD_UNIT)) {
                    return 0; // a sliver: it goes with the next send, in whole units
                }
                budget = units == 0 ? budget : units * PUT_PAYLOAD_UNIT;
            }
            limit = Math.min(limit, budget - entryKeyBytes);
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
        addAggregate(batch, members.get(0), data, entryKeyBytes);
        int added = members.size();
        members.clear();
        return added;
    }

    /**
     * {@code KEY_STRICT}: takes the next entry of {@code q} by key. The first record whose key is
     * neither held back nor already in this request (nor passed over in this scan) heads the entry:
     * alone if it is not aggregated, else with the following eligible records that fit. Expired
     * records leave for {@code expired} and their keys are passed over (their later records fail
     * with them, see {@code FailedKeys}).
     *
     * @return user records added; 0 if the next entry does not fit or its limiter refuses it;
     *     {@link #NONE_ELIGIBLE} if no record of the queue may go now
     */
    private int takeStrictEntry(ShardQueue q, RequestBatch batch, long now, Consumer<PendingRecord> expired) {
        passedOver.clear();
        members.clear();
        if (aggregator != null) {
            aggregator.clear();
        }
        scanQueue = q;
        scanBatch = batch;
        scanNow = now;
        scanExpired = expired;
        scanHead = null;
        scanPlain = false;
        try {
            q.scan(SAME_KEY_SCAN, strictVisitor);
            PendingRecord head = scanHead;
            if (head == null) {
                return NONE_ELIGIBLE;
            }
            if (scanPlain) {
                batch.add(head);
                entryKeys.add(head);
                return 1;
            }
            if (members.isEmpty()) {
                return 0; // the head fits neither the request nor the limiter now
            }
            ShardRateLimiter limiter = q.limiter();
            if (members.size() == 1 && !aggregator.packsSingleRecords()) {
                // Alone it goes out as the plain record (an aggregate of one is sent as the record itself).
                PendingRecord only = members.get(0);
                members.clear();
                if (!batch.fits(only) || (limiter != null && !limiter.tryAcquire(only.size, now))) {
                    q.insertInOrder(only);
                    return 0;
                }
                batch.add(only);
                entryKeys.add(only);
                return 1;
            }
            byte[] data = aggregator.toBytes();
            if (limiter != null && !limiter.tryAcquire(data.length + scanEntryKeyBytes, now)) {
                for (PendingRecord m : members) {
                    q.insertInOrder(m);
                }
                members.clear();
                return 0;
            }
            addAggregate(batch, head, data, scanEntryKeyBytes);
            for (PendingRecord m : members) {
                entryKeys.add(m);
            }
            int added = members.size();
            members.clear();
            return added;
        } finally {
            scanQueue = null;
            scanBatch = null;
            scanExpired = null;
            scanHead = null;
        }
    }

    /** One record of a {@code KEY_STRICT} entry's scan (see {@link #takeStrictEntry}). */
    private ShardQueue.Visit visitStrict(PendingRecord r) {
        if (scanNow - r.deadlineNanos >= 0 || r.isDone()) {
            scanExpired.accept(r);
            entryKeys.add(r); // nothing more of its key in this request: FailedKeys fails them next
            return ShardQueue.Visit.TAKE;
        }
        if (keyOrder.isHeld(r) || entryKeys.contains(r) || passedOver.contains(r)) {
            passedOver.add(r);
            return ShardQueue.Visit.SKIP;
        }
        PendingRecord head = scanHead;
        if (head == null) {
            scanHead = r;
            return startStrictEntry(r);
        }
        if (aggregator.count() >= aggregation.maxCount()) {
            return ShardQueue.Visit.STOP;
        }
        boolean sameHash = r.hashHigh == head.hashHigh && r.hashLow == head.hashLow;
        if (aggregation.preserveKeys()
                && (!r.partitionKey.equals(head.partitionKey) || !Objects.equals(r.explicitHashKey, head.explicitHashKey))) {
            // Not of this entry's partition key: its key (if it is the head's hash key) waits with it.
            if (sameHash) {
                passedOver.add(r);
            }
            return ShardQueue.Visit.SKIP;
        }
        if (r.size > aggregation.maxMemberSize()) {
            passedOver.add(r); // travels alone, in a later request if its key is in this entry
            return ShardQueue.Visit.SKIP;
        }
        if (fits(r, scanLimit)) {
            members.add(r);
            return ShardQueue.Visit.TAKE;
        }
        return ShardQueue.Visit.STOP;
    }

    /** The head of a {@code KEY_STRICT} entry: a plain record, or the first member of an aggregate. */
    private ShardQueue.Visit startStrictEntry(PendingRecord head) {
        ShardQueue q = scanQueue;
        boolean aggregates = aggregator != null && (q.shardId() != null || !aggregation.kplFormat())
                && head.size <= aggregation.maxMemberSize();
        ShardRateLimiter limiter = q.limiter();
        if (aggregates) {
            boolean kpl = aggregation.kplFormat();
            int entryKeyBytes = !kpl ? 0 : aggregation.preserveKeys() ? head.size - head.data.length
                    : RequestBatch.AGGREGATE_PARTITION_KEY.length();
            long limit = Math.min(aggregation.maxSize(), scanBatch.isEmpty() ? Long.MAX_VALUE : scanBatch.bytesLeft()) - entryKeyBytes;
            if (limiter != null) {
                limit = Math.min(limit, limiter.bytesAvailable(scanNow) - entryKeyBytes);
            }
            scanEntryKeyBytes = entryKeyBytes;
            scanLimit = limit;
            if (limit > aggregator.emptySize() && fits(head, limit)) {
                members.add(head);
                return ShardQueue.Visit.TAKE;
            }
            if (aggregator.packsSingleRecords()) {
                return ShardQueue.Visit.STOP;
            }
        }
        if (scanBatch.fits(head) && (limiter == null || limiter.tryAcquire(head.size, scanNow))) {
            scanPlain = true;
            return ShardQueue.Visit.TAKE_LAST;
        }
        return ShardQueue.Visit.STOP;
    }

    /** Adds the aggregate of {@link #members} (headed by {@code first}) to the batch. */
    private void addAggregate(RequestBatch batch, PendingRecord first, byte[] data, int entryKeyBytes) {
        boolean kpl = aggregation.kplFormat();
        boolean preserve = aggregation.preserveKeys();
        String entryKey = !kpl ? null : preserve ? first.partitionKey : RequestBatch.AGGREGATE_PARTITION_KEY;
        String hashKey = !kpl ? null : preserve ? first.explicitHashKey
                : first.explicitHashKey != null ? first.explicitHashKey : HashKeys.toDecimal(first.hashHigh, first.hashLow);
        batch.addAggregate(members, data, entryKey, hashKey, entryKeyBytes);
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
