package io.shardwise.benchmarks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * Makes the benchmark's user records: a random partition key (up to 16 hex digits) and data of a
 * fixed size whose first {@value #HEADER} bytes say which record it is (so the endpoint can verify
 * and de-duplicate it) and whose rest is random. Not thread-safe: one per driver thread.
 *
 * <p>Data layout: bytes 0..7 the record's index (big-endian), byte 8 the producer process id,
 * byte 9 the phase ({@link #WARMUP} or {@link #MEASURED}).
 */
final class Payloads {
    static final int HEADER = 10;
    static final byte WARMUP = 0;
    static final byte MEASURED = 1;

    private static final int POOL_MASK = (1 << 16) - 1;

    private final SplittableRandom random;
    private final byte[] pool;
    private final int size;
    private final byte producerId;

    Payloads(long seed, int size, int producerId) {
        if (size < HEADER) {
            throw new IllegalArgumentException("record size must be at least " + HEADER + " bytes: " + size);
        }
        this.random = new SplittableRandom(seed);
        this.size = size;
        this.producerId = (byte) producerId;
        this.pool = new byte[POOL_MASK + 1 + size];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = (byte) random.nextInt(256);
        }
    }

    /** Fixed keys {@link #nextKey()} draws from, or null for a fresh random key each time. */
    private String[] fixedKeys;

    /** From now on {@link #nextKey()} returns one of {@code count} random keys, drawn at random. */
    void limitKeys(int count) {
        String[] k = new String[count];
        for (int i = 0; i < count; i++) {
            k[i] = randomKey();
        }
        fixedKeys = k;
    }

    String nextKey() {
        return fixedKeys != null ? fixedKeys[random.nextInt(fixedKeys.length)] : randomKey();
    }

    private String randomKey() {
        return Long.toHexString(random.nextLong());
    }

    /**
     * A random partition key whose hash key (the MD5 of its UTF-8 bytes) lies in the first of
     * {@code shards} shards splitting the hash-key space evenly (tried until one does; a margin of
     * 2^64 below the shard's end covers how the split rounds).
     */
    String nextKeyOnFirstShard(int shards) {
        long end = Long.divideUnsigned(-1L, shards); // upper 64 bits of the first shard's end, rounded down
        MessageDigest md5 = md5();
        while (true) {
            String key = randomKey();
            byte[] d = md5.digest(key.getBytes(StandardCharsets.UTF_8));
            long high = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (d[i] & 0xff);
            }
            if (Long.compareUnsigned(high, end) < 0) {
                return key;
            }
        }
    }

    private MessageDigest digest;

    private MessageDigest md5() {
        if (digest == null) {
            try {
                digest = MessageDigest.getInstance("MD5");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return digest;
    }

    byte[] nextData(long index, byte phase) {
        byte[] d = new byte[size];
        System.arraycopy(pool, random.nextInt(POOL_MASK + 1), d, HEADER, size - HEADER);
        for (int i = 7; i >= 0; i--) {
            d[i] = (byte) index;
            index >>>= 8;
        }
        d[8] = producerId;
        d[9] = phase;
        return d;
    }
}
