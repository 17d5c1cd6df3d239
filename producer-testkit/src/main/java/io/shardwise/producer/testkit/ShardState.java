package io.shardwise.producer.testkit;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One shard of a {@link StreamState}: its hash-key range, sequence-number range, limiters (a
 * one-second window and a burst tank) and stored records.
 *
 * <p>Thread-safe: {@link #tryStore} and the record list are guarded by this object's monitor; the
 * limit overrides and the ending sequence number are volatile.
 */
final class ShardState {
    /** Returned by {@link #tryStore} when the shard's limit (or hot-shard setting) refused the record. */
    static final StoredRecord THROTTLED = new StoredRecord(null, null, null, -1, null, null, 0, 0, null, null);
    /** Returned by {@link #tryStore} when the shard was closed by a split: route again. */
    static final StoredRecord CLOSED = new StoredRecord(null, null, null, -1, null, null, 0, 0, null, null);

    final StreamState stream;
    final String id;
    final int index;
    final long startHi;
    final long startLo;
    final long endHi;
    final long endLo;
    final String parentId;
    final String startingSequenceNumber;

    private volatile String endingSequenceNumber;
    /** Throttle every entry when true. */
    volatile boolean hot;
    /** Per-shard records/s limit overriding the global one, or -1. */
    volatile long recordLimitOverride = -1;
    /** Per-shard bytes/s limit overriding the global one, or -1. */
    volatile long byteLimitOverride = -1;

    private final SlidingWindow window = new SlidingWindow();
    private final BurstTank tank = new BurstTank();
    private ArrayList<StoredRecord> records = new ArrayList<>();
    private boolean closed;

    ShardState(StreamState stream, int index, long startHi, long startLo, long endHi, long endLo, String parentId,
            String startingSequenceNumber) {
        this.stream = stream;
        this.index = index;
        this.id = shardId(index);
        this.startHi = startHi;
        this.startLo = startLo;
        this.endHi = endHi;
        this.endLo = endLo;
        this.parentId = parentId;
        this.startingSequenceNumber = startingSequenceNumber;
    }

    /** @return {@code shardId-} and the index padded to 12 digits */
    static String shardId(int index) {
        String n = Integer.toString(index);
        return "shardId-" + "000000000000".substring(n.length()) + n;
    }

    /** @return the EndingSequenceNumber once closed, else null */
    String endingSequenceNumber() {
        return endingSequenceNumber;
    }

    boolean isOpen() {
        return endingSequenceNumber == null;
    }

    BigInteger startingHashKey() {
        return HashKeys.toBigInteger(startHi, startLo);
    }

    BigInteger endingHashKey() {
        return HashKeys.toBigInteger(endHi, endLo);
    }

    boolean contains(long hi, long lo) {
        return HashKeys.compare(hi, lo, startHi, startLo) >= 0 && HashKeys.compare(hi, lo, endHi, endLo) <= 0;
    }

    /**
     * Stores a record if the shard is open and its limits admit it.
     *
     * <p>Limits, when a records/s or bytes/s limit applies: the record must fit in the one-second
     * {@link SlidingWindow} (one more record within the records/s limit and, for a record no larger
     * than the bytes/s limit, its bytes within that limit too), and the shard's {@link BurstTank}
     * must hold its size. The tank refills at the bytes/s limit and holds
     * {@link #tankCapacity(long, long) ten seconds of it, or the stream's maximum record size if that
     * is more}; it never binds traffic the window admits, so it only matters once a record larger
     * than a second's budget (e.g. up to 10 MiB on a stream whose maximum record size was raised)
     * has emptied it: such a record is measured by the tank alone (it counts as one record in the
     * window, its bytes do not) and every record after it waits until the tank holds its size again.
     * A shard limited to 0 bytes/s admits nothing.
     *
     * @param recordLimit global records/s limit, or -1 when limits are not enforced
     * @param byteLimit global bytes/s limit, or -1 when limits are not enforced
     * @param size the record's size for the byte limit (data plus partition key)
     * @return the stored record, {@link #THROTTLED} or {@link #CLOSED}
     */
    synchronized StoredRecord tryStore(long nowNanos, long recordLimit, long byteLimit, long size, String partitionKey,
            String explicitHashKey, long hi, long lo, byte[] data, Instant arrival, boolean retain) {
        if (closed) {
            return CLOSED;
        }
        if (hot) {
            return THROTTLED;
        }
        long rl = recordLimitOverride;
        long bl = byteLimitOverride;
        if (rl < 0) {
            rl = recordLimit < 0 ? Long.MAX_VALUE : recordLimit;
        }
        if (bl < 0) {
            bl = byteLimit < 0 ? Long.MAX_VALUE : byteLimit;
        }
        if (rl != Long.MAX_VALUE || bl != Long.MAX_VALUE) {
            boolean tanked = bl != Long.MAX_VALUE;
            if (bl == 0 || tanked && !tank.holds(nowNanos, bl, tankCapacity(bl, stream.maxRecordBytes()), size)) {
                return THROTTLED;
            }
            boolean large = size > bl;
            if (!window.tryAcquire(nowNanos, rl, large ? Long.MAX_VALUE : bl, large ? 0 : size)) {
                return THROTTLED;
            }
            if (tanked) {
                tank.take(size);
            }
        }
        long seq = stream.sequence.incrementAndGet();
        StoredRecord r = new StoredRecord(stream.name, id, SequenceNumbers.format(seq), seq, partitionKey,
                explicitHashKey, hi, lo, data, arrival);
        if (retain) {
            records.add(r);
        }
        return r;
    }

    /** Closes the shard (a split): later stores return {@link #CLOSED}. */
    synchronized void close() {
        closed = true;
        endingSequenceNumber = SequenceNumbers.format(stream.sequence.get());
    }

    synchronized List<StoredRecord> records() {
        return new ArrayList<>(records);
    }

    synchronized int recordCount() {
        return records.size();
    }

    synchronized void clearRecords() {
        records = new ArrayList<>();
    }

    /** Forgets what the shard admitted: an empty window and a full tank. */
    synchronized void resetLimits() {
        window.reset();
        tank.reset();
    }

    /**
     * The {@link BurstTank}'s capacity: ten seconds of the shard's byte rate (10 MiB at the default
     * 1 MiB/s: the service's large-records guide described shards as bursting up to 10 MiB while
     * averaging 1 MiB/s), and never less than the stream's maximum record size, so every record the
     * stream accepts can be stored once the tank is full. Over any stretch of time, a window sliding
     * in 100 ms steps admits at most 1.1 seconds' worth of bytes more than the stretch refills, so a
     * tank holding ten seconds' worth never refuses what the window admits (BurstTankTest checks it).
     */
    static long tankCapacity(long bytesPerSecond, long maxRecordBytes) {
        long tenSeconds = bytesPerSecond > Long.MAX_VALUE / 10 ? Long.MAX_VALUE : 10 * bytesPerSecond;
        return Math.max(tenSeconds, maxRecordBytes);
    }
}
