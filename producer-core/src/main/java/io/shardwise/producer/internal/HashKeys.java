package io.shardwise.producer.internal;

import java.math.BigInteger;

/**
 * Unsigned 128-bit hash keys as pairs of longs: parsing and printing the decimal form Kinesis uses
 * (ExplicitHashKey, shard hash-key ranges) and comparing.
 */
final class HashKeys {
    static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final BigInteger MASK_64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private HashKeys() {
    }

    /**
     * @param decimal a decimal string
     * @return its value, or {@code null} if it is not a plain decimal integer in 0 .. 2^128-1 in the form Kinesis
     *     accepts ({@code 0|[1-9][0-9]{0,38}}: ASCII digits, no sign, no leading zeros)
     */
    static BigInteger parseOrNull(String decimal) {
        if (decimal == null || decimal.isEmpty() || decimal.length() > 39
                || (decimal.length() > 1 && decimal.charAt(0) == '0')) {
            return null;
        }
        for (int i = 0; i < decimal.length(); i++) {
            char c = decimal.charAt(i);
            if (c < '0' || c > '9') {
                return null;
            }
        }
        BigInteger v = new BigInteger(decimal);
        return v.compareTo(MAX) > 0 ? null : v;
    }

    static long high(BigInteger v) {
        return v.shiftRight(64).longValue();
    }

    static long low(BigInteger v) {
        return v.and(MASK_64).longValue();
    }

    static BigInteger toBigInteger(long high, long low) {
        return new BigInteger(Long.toUnsignedString(high)).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(low)));
    }

    static String toDecimal(long high, long low) {
        return toBigInteger(high, low).toString();
    }

    /** Compares two unsigned 128-bit values. */
    static int compare(long aHigh, long aLow, long bHigh, long bLow) {
        int c = Long.compareUnsigned(aHigh, bHigh);
        return c != 0 ? c : Long.compareUnsigned(aLow, bLow);
    }

    static long readLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
