package io.shardwise.producer.testkit;

import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Makes Firehose RecordIds: long, random-looking base64 strings like the service's, unique per
 * generator. Each id is 96 bytes (128 base64 characters): the first 8 are a bijection of a counter
 * (so ids never repeat), the rest are derived from them only to look random.
 *
 * <p>Thread-safe.
 */
final class RecordIds {
    private static final int LONGS = 12;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private final long salt;
    private final AtomicLong counter = new AtomicLong();

    /** @param salt varies the ids between generators (e.g. from the endpoint's seed) */
    RecordIds(long salt) {
        this.salt = salt;
    }

    String next() {
        long unique = mix(counter.getAndIncrement() ^ salt);
        byte[] b = new byte[LONGS * Long.BYTES];
        put(b, 0, unique);
        for (int i = 1; i < LONGS; i++) {
            put(b, i * Long.BYTES, mix(unique + i * GOLDEN));
        }
        return Base64.getEncoder().encodeToString(b);
    }

    /** SplitMix64's finalizer: a bijection on longs (xor-shifts and odd multipliers are invertible). */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static void put(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }
}
