package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HashKeysTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger TWO_128 = BigInteger.ONE.shiftLeft(128);
    private static final String MAX_DECIMAL = "340282366920938463463374607431768211455";

    @Test
    void maxConstantIsTwoTo128MinusOne() {
        assertThat(HashKeys.MAX).isEqualTo(TWO_128.subtract(BigInteger.ONE));
        assertThat(HashKeys.MAX.toString()).isEqualTo(MAX_DECIMAL);
    }

    @Test
    void parsesValidValues() {
        assertThat(HashKeys.parseOrNull("0")).isEqualTo(BigInteger.ZERO);
        assertThat(HashKeys.parseOrNull("1")).isEqualTo(BigInteger.ONE);
        assertThat(HashKeys.parseOrNull(MAX_DECIMAL)).isEqualTo(TWO_128.subtract(BigInteger.ONE));
        assertThat(HashKeys.parseOrNull("170141183460469231731687303715884105728")).isEqualTo(BigInteger.ONE.shiftLeft(127));
        assertThat(HashKeys.parseOrNull("18446744073709551616")).isEqualTo(TWO_64);
    }

    @Test
    void twoTo128IsRejected() {
        assertThat(TWO_128.toString()).isEqualTo("340282366920938463463374607431768211456");
        assertThat(HashKeys.parseOrNull(TWO_128.toString())).isNull();
        assertThat(HashKeys.parseOrNull("999999999999999999999999999999999999999")).isNull(); // 39 digits, > max
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "", "1.5", " 1", "1 ", "abc", "+1", "1e3", "0x10", "١٢٣", "12a",
            "007", "00", "01", "-0", "0340282366920938463463374607431768211455", // the service's pattern: 0|[1-9][0-9]{0,38}
            "1000000000000000000000000000000000000000", // 40 digits
            "0000000000000000000000000000000000000001", // 40 digits, small value
            "3402823669209384634633746074317682114550"})
    void rejectsInvalid(String s) {
        assertThat(HashKeys.parseOrNull(s)).as("'%s'", s).isNull();
    }

    @Test
    void rejectsNull() {
        assertThat(HashKeys.parseOrNull(null)).isNull();
    }

    @Test
    void highLowOfKnownValues() {
        assertThat(HashKeys.high(BigInteger.ZERO)).isZero();
        assertThat(HashKeys.low(BigInteger.ZERO)).isZero();
        assertThat(HashKeys.high(HashKeys.MAX)).isEqualTo(-1L);
        assertThat(HashKeys.low(HashKeys.MAX)).isEqualTo(-1L);
        assertThat(HashKeys.high(TWO_64)).isEqualTo(1L);
        assertThat(HashKeys.low(TWO_64)).isZero();
        assertThat(HashKeys.high(TWO_64.subtract(BigInteger.ONE))).isZero();
        assertThat(HashKeys.low(TWO_64.subtract(BigInteger.ONE))).isEqualTo(-1L);
        assertThat(HashKeys.high(BigInteger.ONE.shiftLeft(127))).isEqualTo(Long.MIN_VALUE);
        assertThat(HashKeys.low(BigInteger.ONE.shiftLeft(127))).isZero();
        assertThat(HashKeys.toDecimal(-1L, -1L)).isEqualTo(MAX_DECIMAL);
        assertThat(HashKeys.toDecimal(0L, 0L)).isEqualTo("0");
        assertThat(HashKeys.toDecimal(1L, 0L)).isEqualTo("18446744073709551616");
        assertThat(HashKeys.toDecimal(0L, -1L)).isEqualTo("18446744073709551615");
    }

    @Test
    void readLongIsBigEndian() {
        byte[] b = {0, 0x01, 0x23, 0x45, 0x67, (byte) 0x89, (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, (byte) 0xFF, 0, 0, 0, 0, 0, 0x7F};
        assertThat(HashKeys.readLong(b, 1)).isEqualTo(0x0123456789ABCDEFL);
        assertThat(HashKeys.readLong(b, 8)).isEqualTo(0xEFFF00000000007FL);
    }

    @Provide
    Arbitrary<BigInteger> hashKeys() {
        Arbitrary<BigInteger> uniform = Arbitraries.bigIntegers().between(BigInteger.ZERO, HashKeys.MAX);
        Arbitrary<BigInteger> edges = Arbitraries.of(BigInteger.ZERO, BigInteger.ONE, HashKeys.MAX,
                TWO_64, TWO_64.subtract(BigInteger.ONE), BigInteger.ONE.shiftLeft(127), BigInteger.ONE.shiftLeft(63));
        Arbitrary<BigInteger> fromBits = Arbitraries.longs().tuple2().map(t -> HashKeys.toBigInteger(t.get1(), t.get2()));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, uniform), net.jqwik.api.Tuple.of(1, edges), net.jqwik.api.Tuple.of(4, fromBits));
    }

    @Property(tries = 200)
    void roundTrip(@ForAll("hashKeys") BigInteger v) {
        assertThat(v.signum()).isNotNegative();
        assertThat(v).isLessThanOrEqualTo(HashKeys.MAX);
        long high = HashKeys.high(v);
        long low = HashKeys.low(v);
        assertThat(HashKeys.toBigInteger(high, low)).isEqualTo(v);
        String decimal = HashKeys.toDecimal(high, low);
        assertThat(decimal).isEqualTo(v.toString());
        assertThat(HashKeys.parseOrNull(decimal)).isEqualTo(v);
        // the two longs are the unsigned halves
        assertThat(new BigInteger(Long.toUnsignedString(high))).isEqualTo(v.shiftRight(64));
        assertThat(new BigInteger(Long.toUnsignedString(low))).isEqualTo(v.mod(TWO_64));
    }

    @Property(tries = 200)
    void compareAgreesWithBigInteger(@ForAll("hashKeys") BigInteger a, @ForAll("hashKeys") BigInteger b) {
        int c = HashKeys.compare(HashKeys.high(a), HashKeys.low(a), HashKeys.high(b), HashKeys.low(b));
        assertThat(Integer.signum(c)).isEqualTo(a.compareTo(b));
        assertThat(HashKeys.compare(HashKeys.high(a), HashKeys.low(a), HashKeys.high(a), HashKeys.low(a))).isZero();
    }

    @Test
    void compareIsUnsigned() {
        // top bit of high set: larger than anything with high's top bit clear
        assertThat(HashKeys.compare(Long.MIN_VALUE, 0, Long.MAX_VALUE, -1L)).isPositive();
        assertThat(HashKeys.compare(Long.MAX_VALUE, -1L, Long.MIN_VALUE, 0)).isNegative();
        assertThat(HashKeys.compare(-1L, -1L, 0, 0)).isPositive();
        assertThat(HashKeys.compare(0, 0, -1L, -1L)).isNegative();
        // equal highs: low compared unsigned
        assertThat(HashKeys.compare(5, Long.MIN_VALUE, 5, Long.MAX_VALUE)).isPositive();
        assertThat(HashKeys.compare(5, -1L, 5, 1)).isPositive();
        assertThat(HashKeys.compare(5, 1, 5, -1L)).isNegative();
        // high dominates low
        assertThat(HashKeys.compare(1, 0, 0, -1L)).isPositive();
        assertThat(HashKeys.compare(-1L, -1L, -1L, -1L)).isZero();
    }

    @Test
    void compareUnsignedRandomTopBitSet() {
        Random rnd = new Random(42);
        for (int i = 0; i < 1000; i++) {
            long ah = rnd.nextLong() | Long.MIN_VALUE;
            long al = rnd.nextLong();
            long bh = rnd.nextLong() & Long.MAX_VALUE;
            long bl = rnd.nextLong();
            assertThat(HashKeys.compare(ah, al, bh, bl)).isPositive();
            assertThat(HashKeys.compare(bh, bl, ah, al)).isNegative();
            assertThat(Integer.signum(HashKeys.compare(ah, al, ah, bl)))
                    .isEqualTo(Integer.signum(HashKeys.toBigInteger(ah, al).compareTo(HashKeys.toBigInteger(ah, bl))));
        }
    }
}
