package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

class HashKeysTest {

    @Test
    void md5IsTheUnsignedBigEndianDigestOfTheUtf8Key() throws Exception {
        for (String key : new String[] {"", "a", "partition-key-1", "ключ", "🔑 emoji", "x".repeat(256)}) {
            long[] h = new long[2];
            HashKeys.md5(key, h);
            BigInteger expected = new BigInteger(1, MessageDigest.getInstance("MD5")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
            assertThat(HashKeys.toBigInteger(h[0], h[1])).as(key).isEqualTo(expected);
        }
        // a published vector: MD5("a") = 0cc175b9c0f1b6a831c399e269772661
        long[] h = new long[2];
        HashKeys.md5("a", h);
        assertThat(HashKeys.toBigInteger(h[0], h[1])).isEqualTo(new BigInteger("0cc175b9c0f1b6a831c399e269772661", 16));
    }

    @Test
    void parsesExplicitHashKeysInRangeOnly() {
        long[] h = new long[2];
        BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        for (BigInteger v : new BigInteger[] {BigInteger.ZERO, BigInteger.valueOf(999_999_999_999_999_999L),
                BigInteger.TEN.pow(18), BigInteger.ONE.shiftLeft(64), BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE),
                max}) {
            assertThat(HashKeys.parse(v.toString(), h)).as(v.toString()).isTrue();
            assertThat(HashKeys.toBigInteger(h[0], h[1])).isEqualTo(v);
        }
        assertThat(HashKeys.parse(max.add(BigInteger.ONE).toString(), h)).isFalse();
        assertThat(HashKeys.parse("-1", h)).isFalse();
        assertThat(HashKeys.parse("12a", h)).isFalse();
        assertThat(HashKeys.parse("", h)).isFalse();
        assertThat(HashKeys.parse("1".repeat(40), h)).isFalse();
    }

    @Test
    void comparesAsUnsigned128BitNumbers() {
        assertThat(HashKeys.compare(0, -1L, 1, 0)).isNegative(); // 2^64-1 < 2^64
        assertThat(HashKeys.compare(-1L, 0, 1, -1L)).isPositive(); // high bit set is the largest
        assertThat(HashKeys.compare(5, 7, 5, 7)).isZero();
    }

    @Test
    void sequenceNumbersAre56DigitsAndOrderedAsStringsAndNumbers() {
        assertThat(SequenceNumbers.format(0)).hasSize(56).startsWith("49").matches("490{54}");
        String a = SequenceNumbers.format(9);
        String b = SequenceNumbers.format(10);
        String c = SequenceNumbers.format(Long.MAX_VALUE);
        assertThat(a).endsWith("9").hasSize(56);
        assertThat(c).endsWith(Long.toString(Long.MAX_VALUE)).hasSize(56);
        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(c)).isNegative();
        assertThat(new BigInteger(a)).isLessThan(new BigInteger(b));
        for (long p = 1; p > 0 && p <= Long.MAX_VALUE / 10; p *= 10) {
            for (long n : new long[] {p - 1, p, p + 1}) {
                String s = SequenceNumbers.format(n);
                assertThat(s).as("format(%d)", n).hasSize(56).startsWith("49");
                assertThat(new BigInteger(s.substring(2))).isEqualTo(BigInteger.valueOf(n));
            }
        }
    }
}
