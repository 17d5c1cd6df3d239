package io.shardwise.producer.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * 128-bit hash keys as two unsigned longs (high, low): MD5 of a partition key, parsing of explicit
 * hash keys, comparison and conversion. Stateless apart from a per-thread MD5 digest.
 */
final class HashKeys {
    /** 2^128 - 1, the largest hash key. */
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final BigInteger MASK64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private static final ThreadLocal<MessageDigest> MD5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is not available", e);
        }
    });

    private HashKeys() {
    }

    /**
     * MD5 of the key's UTF-8 bytes into {@code out[0]} (high 64 bits) and {@code out[1]} (low 64 bits).
     */
    static void md5(String partitionKey, long[] out) {
        md5(partitionKey.getBytes(StandardCharsets.UTF_8), out);
    }

    /** @return this thread's MD5 digest, to hoist the lookup out of per-record loops */
    static MessageDigest digest() {
        return MD5.get();
    }

    /** MD5 of the given bytes (a partition key's UTF-8 encoding) into {@code out}. */
    static void md5(byte[] utf8, long[] out) {
        md5(MD5.get(), utf8, out);
    }

    /** MD5 of the given bytes with the given (this thread's) digest into {@code out}. */
    static void md5(MessageDigest md, byte[] utf8, long[] out) {
        byte[] d = md.digest(utf8);
        out[0] = toLong(d, 0);
        out[1] = toLong(d, 8);
    }

    private static long toLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }

    /**
     * Parses a decimal explicit hash key into {@code out}.
     *
     * @return false if it is not a decimal number in 0 .. 2^128-1
     */
    static boolean parse(String decimal, long[] out) {
        int n = decimal.length();
        if (n == 0 || n > 39) {
            return false;
        }
        if (n <= 18) {
            long v = 0;
            for (int i = 0; i < n; i++) {
                char c = decimal.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
                v = v * 10 + (c - '0');
            }
            out[0] = 0;
            out[1] = v;
            return true;
        }
        for (int i = 0; i < n; i++) {
            char c = decimal.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        BigInteger b = new BigInteger(decimal);
        if (b.compareTo(MAX) > 0) {
            return false;
        }
        split(b, out);
        return true;
    }

    /** Splits a value in 0 .. 2^128-1 into high and low longs. */
    static void split(BigInteger b, long[] out) {
        out[0] = b.shiftRight(64).longValue();
        out[1] = b.and(MASK64).longValue();
    }

    /** @return the unsigned 128-bit value as a BigInteger */
    static BigInteger toBigInteger(long hi, long lo) {
        BigInteger h = new BigInteger(Long.toUnsignedString(hi));
        return h.shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    /** Unsigned 128-bit comparison. */
    static int compare(long hi1, long lo1, long hi2, long lo2) {
        int c = Long.compareUnsigned(hi1, hi2);
        return c != 0 ? c : Long.compareUnsigned(lo1, lo2);
    }
}
