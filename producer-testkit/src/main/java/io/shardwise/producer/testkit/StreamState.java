package io.shardwise.producer.testkit;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stream: its shards (all of them in creation order, and the open ones sorted by hash range for
 * routing), its sequence counter and its maximum record size.
 *
 * <p>Thread-safe: the shard arrays are immutable snapshots published through volatile fields;
 * changes of the shard map (creation, split) hold this object's monitor; the maximum record size
 * is volatile.
 */
final class StreamState {
    final String name;
    final String arn;
    final Instant created;
    /** Stream-wide counter behind every sequence number: increasing in store order. */
    final AtomicLong sequence = new AtomicLong();
    private final AtomicLong roundRobin = new AtomicLong();

    /** Every shard, open or closed, by index. */
    private volatile ShardState[] all = new ShardState[0];
    /** Open shards sorted by starting hash key; their ranges tile 0 .. 2^128-1. */
    private volatile ShardState[] open = new ShardState[0];
    /** When true, records go to open shards in turn whatever their key (AUTO record distribution). */
    volatile boolean autoDistribution;
    /** Largest record, data plus partition key, in KiB ({@code MaxRecordSizeInKiB}). */
    volatile int maxRecordSizeInKiB;

    StreamState(String name, String arn, int shardCount, int maxRecordSizeInKiB, Instant created) {
        this.name = name;
        this.arn = arn;
        this.created = created;
        this.maxRecordSizeInKiB = maxRecordSizeInKiB;
        BigInteger space = HashKeys.MAX.add(BigInteger.ONE);
        BigInteger step = space.divide(BigInteger.valueOf(shardCount));
        ShardState[] shards = new ShardState[shardCount];
        long[] s = new long[2];
        long[] e = new long[2];
        String startSeq = SequenceNumbers.format(0);
        for (int i = 0; i < shardCount; i++) {
            BigInteger start = step.multiply(BigInteger.valueOf(i));
            BigInteger end = i == shardCount - 1 ? HashKeys.MAX : start.add(step).subtract(BigInteger.ONE);
            HashKeys.split(start, s);
            HashKeys.split(end, e);
            shards[i] = new ShardState(this, i, s[0], s[1], e[0], e[1], null, startSeq);
        }
        this.all = shards;
        this.open = shards.clone();
    }

    /** @return the largest record the stream accepts, data plus partition key, in bytes */
    int maxRecordBytes() {
        return maxRecordSizeInKiB * 1024;
    }

    /** @return the open shard whose range holds the hash key (or the next in turn under AUTO distribution) */
    ShardState route(long hi, long lo) {
        ShardState[] o = open;
        if (autoDistribution) {
            return o[(int) Math.floorMod(roundRobin.getAndIncrement(), (long) o.length)];
        }
        int low = 0;
        int high = o.length - 1;
        while (low < high) {
            int mid = (low + high + 1) >>> 1;
            ShardState m = o[mid];
            if (HashKeys.compare(m.startHi, m.startLo, hi, lo) <= 0) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return o[low];
    }

    /** Waits for a shard-map change in progress (a split holds the monitor until it has published). */
    void awaitMapChange() {
        synchronized (this) {
            // nothing: acquiring the monitor is the point
        }
    }

    ShardState[] allShards() {
        return all;
    }

    ShardState[] openShards() {
        return open;
    }

    ShardState shard(String shardId) {
        for (ShardState s : all) {
            if (s.id.equals(shardId)) {
                return s;
            }
        }
        return null;
    }

    /**
     * Splits an open shard at {@code newStartingHashKey} (the first hash key of the upper child).
     *
     * @return the two children's ids, lower range first
     */
    synchronized List<String> split(String shardId, BigInteger newStartingHashKey) {
        ShardState parent = shard(shardId);
        if (parent == null) {
            throw new IllegalArgumentException("No shard " + shardId + " in stream " + name);
        }
        if (!parent.isOpen()) {
            throw new IllegalStateException("Shard " + shardId + " of stream " + name + " is already closed");
        }
        BigInteger start = parent.startingHashKey();
        BigInteger end = parent.endingHashKey();
        BigInteger at = newStartingHashKey != null ? newStartingHashKey
                : start.add(end.subtract(start).add(BigInteger.ONE).shiftRight(1));
        if (at.compareTo(start) <= 0 || at.compareTo(end) > 0) {
            throw new IllegalArgumentException("New starting hash key " + at + " is not inside (" + start + ", " + end
                    + "] of " + shardId);
        }
        parent.close();
        String childStart = SequenceNumbers.format(sequence.get() + 1);
        long[] a = new long[2];
        long[] b = new long[2];
        HashKeys.split(at.subtract(BigInteger.ONE), a);
        HashKeys.split(at, b);
        ShardState[] oldAll = all;
        ShardState low = new ShardState(this, oldAll.length, parent.startHi, parent.startLo, a[0], a[1], parent.id,
                childStart);
        ShardState high = new ShardState(this, oldAll.length + 1, b[0], b[1], parent.endHi, parent.endLo, parent.id,
                childStart);
        ShardState[] newAll = Arrays.copyOf(oldAll, oldAll.length + 2);
        newAll[oldAll.length] = low;
        newAll[oldAll.length + 1] = high;
        List<ShardState> newOpen = new ArrayList<>();
        for (ShardState s : open) {
            if (s != parent) {
                newOpen.add(s);
            }
        }
        newOpen.add(low);
        newOpen.add(high);
        newOpen.sort(Comparator.comparing(ShardState::startingHashKey));
        all = newAll;
        open = newOpen.toArray(new ShardState[0]);
        return List.of(low.id, high.id);
    }
}
