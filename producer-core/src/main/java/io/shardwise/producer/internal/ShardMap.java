package io.shardwise.producer.internal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The open shards of one stream and their hash-key ranges, sorted, for predicting which shard a
 * hash key lands on. Closed shards (those with an ending sequence number, e.g. the parents of a
 * split) take no writes and are not predicted; their ranges are kept aside, since records already
 * stored on them are still read (a consumer reads a parent before its children). Immutable; lookups
 * are a binary search over primitive arrays and allocate nothing.
 */
final class ShardMap {
    static final int NOT_COVERED = -1;

    private final String[] shardIds;
    private final long[] startHigh;
    private final long[] startLow;
    private final long[] endHigh;
    private final long[] endLow;

    /**
     * One open shard and its hash-key range (both ends included).
     *
     * @param shardId the shard's id
     * @param start its first hash key
     * @param end its last hash key
     */
    record Range(String shardId, BigInteger start, BigInteger end) {
    }

    /** Every shard's range, open or closed, by shard id. */
    private final java.util.Map<String, Range> rangesById;

    private ShardMap(List<Range> open, List<Range> closed) {
        rangesById = new java.util.HashMap<>();
        for (Range r : closed) {
            rangesById.put(r.shardId(), r);
        }
        for (Range r : open) {
            rangesById.put(r.shardId(), r);
        }
        int n = open.size();
        shardIds = new String[n];
        startHigh = new long[n];
        startLow = new long[n];
        endHigh = new long[n];
        endLow = new long[n];
        for (int i = 0; i < n; i++) {
            Range s = open.get(i);
            BigInteger start = s.start();
            BigInteger end = s.end();
            shardIds[i] = s.shardId();
            startHigh[i] = HashKeys.high(start);
            startLow[i] = HashKeys.low(start);
            endHigh[i] = HashKeys.high(end);
            endLow[i] = HashKeys.low(end);
        }
    }

    /**
     * @param open the stream's open shards, in any order
     * @return their map
     */
    static ShardMap of(List<Range> open) {
        return of(open, List.of());
    }

    /**
     * @param open the stream's open shards, in any order
     * @param closed its closed shards (their ranges only matter for records already stored on them)
     * @return their map
     */
    static ShardMap of(List<Range> open, List<Range> closed) {
        List<Range> sorted = new ArrayList<>(open);
        sorted.sort(Comparator.comparing(Range::start));
        return new ShardMap(sorted, closed);
    }

    /**
     * @return whether the shard {@code shardId}, open or closed, is known to this map and its range
     *     holds the hash key
     */
    boolean rangeHolds(String shardId, long high, long low) {
        Range r = rangesById.get(shardId);
        return r != null && HashKeys.compare(HashKeys.high(r.start()), HashKeys.low(r.start()), high, low) <= 0
                && HashKeys.compare(high, low, HashKeys.high(r.end()), HashKeys.low(r.end())) <= 0;
    }

    /** @return whether this map knows the shard {@code shardId} (open or closed) */
    boolean knows(String shardId) {
        return rangesById.containsKey(shardId);
    }

    /** @return whether open shard {@code i} of this map and open shard {@code j} of {@code other} share hash keys */
    boolean overlaps(int i, ShardMap other, int j) {
        return HashKeys.compare(startHigh[i], startLow[i], other.endHigh[j], other.endLow[j]) <= 0
                && HashKeys.compare(other.startHigh[j], other.startLow[j], endHigh[i], endLow[i]) <= 0;
    }

    /**
     * @return the index of the open shard whose range holds the hash key, or {@link #NOT_COVERED}
     *     when no open shard holds it (a gap, e.g. while a reshard is under way)
     */
    int indexOf(long high, long low) {
        int lo = 0;
        int hi = shardIds.length - 1;
        int found = NOT_COVERED;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (HashKeys.compare(startHigh[mid], startLow[mid], high, low) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (found != NOT_COVERED && HashKeys.compare(high, low, endHigh[found], endLow[found]) > 0) {
            return NOT_COVERED;
        }
        return found;
    }

    String shardId(int index) {
        return shardIds[index];
    }

    int size() {
        return shardIds.length;
    }

    /** @return the decimal starting hash key of shard {@code index} */
    String startingHashKey(int index) {
        return HashKeys.toDecimal(startHigh[index], startLow[index]);
    }
}
