package io.shardwise.producer.internal;

/**
 * A set of 128-bit hash keys (a record's ordering key: the MD5 of its partition key, or its explicit
 * hash key) without allocation per key: open addressing over two {@code long} arrays, emptied in
 * constant time by moving to a new generation. Used while one request is packed, where it is filled
 * and emptied once per shard queue.
 *
 * <p>Confined to the sender thread.
 */
final class HashKeySet {
    private long[] highs;
    private long[] lows;
    /** A slot is in use when its generation is the set's current one. */
    private int[] generations;
    private int generation = 1;
    private int size;

    HashKeySet() {
        allocate(64);
    }

    private void allocate(int capacity) {
        highs = new long[capacity];
        lows = new long[capacity];
        generations = new int[capacity];
        size = 0;
    }

    /** Empties the set. */
    void clear() {
        if (size == 0) {
            return;
        }
        size = 0;
        if (++generation == 0) {
            java.util.Arrays.fill(generations, 0);
            generation = 1;
        }
    }

    /** @return whether the record's key is in the set */
    boolean contains(PendingRecord r) {
        return contains(r.hashHigh, r.hashLow);
    }

    boolean contains(long high, long low) {
        if (size == 0) {
            return false;
        }
        int mask = highs.length - 1;
        for (int i = slot(high, low, mask); generations[i] == generation; i = (i + 1) & mask) {
            if (highs[i] == high && lows[i] == low) {
                return true;
            }
        }
        return false;
    }

    /** Adds the record's key. */
    void add(PendingRecord r) {
        add(r.hashHigh, r.hashLow);
    }

    void add(long high, long low) {
        if ((size + 1) * 2 > highs.length) {
            grow();
        }
        int mask = highs.length - 1;
        int i = slot(high, low, mask);
        while (generations[i] == generation) {
            if (highs[i] == high && lows[i] == low) {
                return;
            }
            i = (i + 1) & mask;
        }
        highs[i] = high;
        lows[i] = low;
        generations[i] = generation;
        size++;
    }

    private void grow() {
        long[] oldHighs = highs;
        long[] oldLows = lows;
        int[] oldGenerations = generations;
        int oldGeneration = generation;
        allocate(oldHighs.length * 2);
        generation = 1;
        for (int i = 0; i < oldHighs.length; i++) {
            if (oldGenerations[i] == oldGeneration) {
                add(oldHighs[i], oldLows[i]);
            }
        }
    }

    /** MD5 output is uniform: its low bits spread keys well. */
    private static int slot(long high, long low, int mask) {
        long h = high ^ low;
        return (int) (h ^ (h >>> 32)) & mask;
    }
}
