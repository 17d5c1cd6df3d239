package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

class ShardMapTest {
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    static Shard shard(String id, BigInteger start, BigInteger end, boolean closed) {
        return Shard.builder()
                .shardId(id)
                .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1")
                        .endingSequenceNumber(closed ? "2" : null).build())
                .build();
    }

    static String id(int i) {
        return String.format("shardId-%012d", i);
    }

    /** n equal open shards covering 0 .. 2^128-1 (n must be a power of two). */
    static List<Shard> equalShards(int n) {
        BigInteger width = BigInteger.ONE.shiftLeft(128).divide(BigInteger.valueOf(n));
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == n - 1 ? MAX : start.add(width).subtract(BigInteger.ONE);
            shards.add(shard(id(i), start, end, false));
        }
        return shards;
    }

    private static int indexOf(ShardMap m, BigInteger key) {
        return m.indexOf(HashKeys.high(key), HashKeys.low(key));
    }

    private static String shardFor(ShardMap m, BigInteger key) {
        int i = indexOf(m, key);
        return i == ShardMap.NOT_COVERED ? null : m.shardId(i);
    }

    /** Linear reference: the open shard whose range holds key, or null. */
    private static String bruteForce(List<Shard> shards, BigInteger key) {
        String found = null;
        for (Shard s : shards) {
            if (s.sequenceNumberRange().endingSequenceNumber() != null) {
                continue;
            }
            BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
            if (start.compareTo(key) <= 0 && key.compareTo(end) <= 0) {
                assertThat(found).as("reference shards overlap at %s", key).isNull();
                found = s.shardId();
            }
        }
        return found;
    }

    @Test
    void singleShardCoversEverything() {
        ShardMap m = ShardMapLoader.toMap(List.of(shard("shardId-000000000000", BigInteger.ZERO, MAX, false)));
        assertThat(m.size()).isEqualTo(1);
        assertThat(m.shardId(0)).isEqualTo("shardId-000000000000");
        assertThat(m.startingHashKey(0)).isEqualTo("0");
        assertThat(indexOf(m, BigInteger.ZERO)).isZero();
        assertThat(indexOf(m, MAX)).isZero();
        assertThat(indexOf(m, BigInteger.ONE.shiftLeft(127))).isZero();
        assertThat(indexOf(m, BigInteger.ONE.shiftLeft(127).subtract(BigInteger.ONE))).isZero();
        assertThat(indexOf(m, BigInteger.ONE.shiftLeft(64))).isZero();
        assertThat(m.indexOf(Long.MIN_VALUE, Long.MIN_VALUE)).isZero();
    }

    @Test
    void fourEqualShardsBoundaries() {
        List<Shard> shards = equalShards(4);
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(m.size()).isEqualTo(4);
        BigInteger quarter = BigInteger.ONE.shiftLeft(126);
        for (int i = 0; i < 4; i++) {
            BigInteger start = quarter.multiply(BigInteger.valueOf(i));
            BigInteger end = start.add(quarter).subtract(BigInteger.ONE);
            assertThat(m.shardId(i)).isEqualTo(id(i));
            assertThat(m.startingHashKey(i)).isEqualTo(start.toString());
            assertThat(indexOf(m, start)).as("start of %d", i).isEqualTo(i);
            assertThat(indexOf(m, end)).as("end of %d", i).isEqualTo(i);
            assertThat(indexOf(m, start.add(quarter.shiftRight(1)))).as("middle of %d", i).isEqualTo(i);
            if (i < 3) {
                assertThat(indexOf(m, end.add(BigInteger.ONE))).as("end+1 of %d", i).isEqualTo(i + 1);
            } else {
                assertThat(end).isEqualTo(MAX);
            }
            if (i > 0) {
                assertThat(indexOf(m, start.subtract(BigInteger.ONE))).as("start-1 of %d", i).isEqualTo(i - 1);
            }
        }
        // first and last shard, as raw longs
        assertThat(m.indexOf(0L, 0L)).isZero();
        assertThat(m.indexOf(-1L, -1L)).isEqualTo(3);
        // shard 2 starts at 2^127: the top bit of high is set -> unsigned comparison needed
        assertThat(m.indexOf(Long.MIN_VALUE, 0L)).isEqualTo(2);
        assertThat(m.indexOf(Long.MAX_VALUE, -1L)).isEqualTo(1);
        assertThat(m.indexOf(0xBFFFFFFFFFFFFFFFL, -1L)).isEqualTo(2);
        assertThat(m.indexOf(0xC000000000000000L, 0L)).isEqualTo(3);
    }

    @Test
    void manyShardsAgainstBruteForceFixedSeed() {
        List<Shard> shards = equalShards(256);
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(m.size()).isEqualTo(256);
        Random rnd = new Random(7);
        for (int i = 0; i < 5000; i++) {
            BigInteger key = new BigInteger(128, rnd);
            assertThat(shardFor(m, key)).as("%s", key).isEqualTo(bruteForce(shards, key));
        }
        for (Shard s : shards) {
            BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
            assertThat(shardFor(m, start)).isEqualTo(s.shardId());
            assertThat(shardFor(m, end)).isEqualTo(s.shardId());
        }
    }

    /** Random open shards with random boundaries and gaps, plus some closed ones overlapping them. */
    private static List<Shard> randomShards(long seed, int n, boolean withGaps) {
        Random rnd = new Random(seed);
        List<BigInteger> cuts = new ArrayList<>();
        while (cuts.size() < 2 * n - 1) {
            BigInteger c = new BigInteger(128, rnd);
            if (c.signum() > 0 && !cuts.contains(c)) {
                cuts.add(c);
            }
        }
        Collections.sort(cuts);
        List<Shard> shards = new ArrayList<>();
        BigInteger start = BigInteger.ZERO;
        int k = 0;
        for (int i = 0; i < n; i++) {
            BigInteger end = i == n - 1 ? MAX : cuts.get(k++).subtract(BigInteger.ONE);
            shards.add(shard(id(i), start, end, false));
            if (i < n - 1) {
                BigInteger next = cuts.get(k++);
                if (!withGaps || rnd.nextInt(4) != 0) {
                    next = end.add(BigInteger.ONE);
                }
                start = next;
            }
        }
        // closed shards (e.g. retired parents) anywhere, overlapping the open ones
        for (int i = 0; i < n / 4; i++) {
            BigInteger a = new BigInteger(128, rnd);
            BigInteger b = new BigInteger(128, rnd);
            shards.add(shard("closed-" + i, a.min(b), a.max(b), true));
        }
        Collections.shuffle(shards, rnd);
        return shards;
    }

    @Provide
    Arbitrary<BigInteger> keys() {
        return Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX);
    }

    @Property(tries = 200)
    void manyShardsMatchLinearSearch(@ForAll("keys") BigInteger key, @ForAll @IntRange(min = 0, max = 7) int layout) {
        List<Shard> shards = layout == 0 ? equalShards(256) : randomShards(layout, 64 * layout, layout % 2 == 0);
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(shardFor(m, key)).isEqualTo(bruteForce(shards, key));
        // and the boundaries of a shard near the key
        for (Shard s : shards) {
            if (s.sequenceNumberRange().endingSequenceNumber() != null) {
                continue;
            }
            BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
            if (start.compareTo(key) <= 0 && key.compareTo(end) <= 0) {
                assertThat(shardFor(m, start)).isEqualTo(s.shardId());
                assertThat(shardFor(m, end)).isEqualTo(s.shardId());
                if (start.signum() > 0) {
                    assertThat(shardFor(m, start.subtract(BigInteger.ONE))).isEqualTo(bruteForce(shards, start.subtract(BigInteger.ONE)));
                }
                if (end.compareTo(MAX) < 0) {
                    assertThat(shardFor(m, end.add(BigInteger.ONE))).isEqualTo(bruteForce(shards, end.add(BigInteger.ONE)));
                }
            }
        }
    }

    @Test
    void closedParentIsIgnoredAfterSplit() {
        BigInteger half = BigInteger.ONE.shiftLeft(127);
        List<Shard> shards = List.of(
                shard("shardId-000000000000", BigInteger.ZERO, MAX, true),
                shard("shardId-000000000001", BigInteger.ZERO, half.subtract(BigInteger.ONE), false),
                shard("shardId-000000000002", half, MAX, false));
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(m.size()).isEqualTo(2);
        assertThat(shardFor(m, BigInteger.ZERO)).isEqualTo("shardId-000000000001");
        assertThat(shardFor(m, half.subtract(BigInteger.ONE))).isEqualTo("shardId-000000000001");
        assertThat(shardFor(m, half)).isEqualTo("shardId-000000000002");
        assertThat(shardFor(m, MAX)).isEqualTo("shardId-000000000002");
    }

    @Test
    void closedShardsAfterMergeAreIgnored() {
        BigInteger half = BigInteger.ONE.shiftLeft(127);
        List<Shard> shards = List.of(
                shard("shardId-000000000001", BigInteger.ZERO, half.subtract(BigInteger.ONE), true),
                shard("shardId-000000000002", half, MAX, true),
                shard("shardId-000000000003", BigInteger.ZERO, MAX, false));
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(m.size()).isEqualTo(1);
        assertThat(shardFor(m, half)).isEqualTo("shardId-000000000003");
        assertThat(shardFor(m, BigInteger.ONE)).isEqualTo("shardId-000000000003");
    }

    @Test
    void shardWithoutSequenceNumberRangeCountsAsOpen() {
        Shard s = Shard.builder().shardId("s")
                .hashKeyRange(HashKeyRange.builder().startingHashKey("0").endingHashKey(MAX.toString()).build())
                .build();
        ShardMap m = ShardMapLoader.toMap(List.of(s));
        assertThat(m.size()).isEqualTo(1);
        assertThat(shardFor(m, BigInteger.TEN)).isEqualTo("s");
    }

    @Test
    void shardsGivenOutOfOrderAreSorted() {
        List<Shard> shards = new ArrayList<>(equalShards(4));
        Collections.reverse(shards);
        Collections.swap(shards, 0, 2);
        ShardMap m = ShardMapLoader.toMap(shards);
        for (int i = 0; i < 4; i++) {
            assertThat(m.shardId(i)).isEqualTo(id(i));
        }
        BigInteger quarter = BigInteger.ONE.shiftLeft(126);
        assertThat(shardFor(m, BigInteger.ZERO)).isEqualTo(id(0));
        assertThat(shardFor(m, quarter)).isEqualTo(id(1));
        assertThat(shardFor(m, quarter.shiftLeft(1))).isEqualTo(id(2));
        assertThat(shardFor(m, MAX)).isEqualTo(id(3));
    }

    @Test
    void sortingIsNumericNotLexicographic() {
        // "9" < "10" numerically but not as strings
        List<Shard> shards = List.of(
                shard("b", BigInteger.TEN, MAX, false),
                shard("a", BigInteger.ZERO, BigInteger.valueOf(9), false));
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(m.shardId(0)).isEqualTo("a");
        assertThat(shardFor(m, BigInteger.valueOf(9))).isEqualTo("a");
        assertThat(shardFor(m, BigInteger.TEN)).isEqualTo("b");
        assertThat(shardFor(m, BigInteger.valueOf(100))).isEqualTo("b");
    }

    @Test
    void gapIsNotCovered() {
        BigInteger quarter = BigInteger.ONE.shiftLeft(126);
        // shard 1 of 4 missing (e.g. mid-reshard), and nothing above 3/4
        List<Shard> shards = List.of(
                shard("s0", BigInteger.ZERO, quarter.subtract(BigInteger.ONE), false),
                shard("s2", quarter.shiftLeft(1), quarter.multiply(BigInteger.valueOf(3)).subtract(BigInteger.ONE), false));
        ShardMap m = ShardMapLoader.toMap(shards);
        assertThat(indexOf(m, quarter)).isEqualTo(ShardMap.NOT_COVERED);
        assertThat(indexOf(m, quarter.shiftLeft(1).subtract(BigInteger.ONE))).isEqualTo(ShardMap.NOT_COVERED);
        assertThat(indexOf(m, quarter.subtract(BigInteger.ONE))).isZero();
        assertThat(indexOf(m, quarter.shiftLeft(1))).isEqualTo(1);
        assertThat(indexOf(m, quarter.multiply(BigInteger.valueOf(3)))).isEqualTo(ShardMap.NOT_COVERED);
        assertThat(indexOf(m, MAX)).isEqualTo(ShardMap.NOT_COVERED);
    }

    @Test
    void gapBeforeFirstShardAndEmptyMap() {
        ShardMap m = ShardMapLoader.toMap(List.of(shard("s", BigInteger.valueOf(1000), MAX, false)));
        assertThat(indexOf(m, BigInteger.ZERO)).isEqualTo(ShardMap.NOT_COVERED);
        assertThat(indexOf(m, BigInteger.valueOf(999))).isEqualTo(ShardMap.NOT_COVERED);
        assertThat(indexOf(m, BigInteger.valueOf(1000))).isZero();

        ShardMap empty = ShardMapLoader.toMap(List.of(shard("closed", BigInteger.ZERO, MAX, true)));
        assertThat(empty.size()).isZero();
        assertThat(indexOf(empty, BigInteger.ONE)).isEqualTo(ShardMap.NOT_COVERED);
    }

    @Test
    void realPartitionKeyHashLandsInExpectedShard() throws Exception {
        ShardMap m = ShardMapLoader.toMap(equalShards(4));
        PartitionKeyHasher h = new PartitionKeyHasher();
        // MD5("abc") = 0x9001... -> top two bits 10 -> third quarter (index 2)
        h.hash("abc");
        assertThat(m.shardId(m.indexOf(h.high(), h.low()))).isEqualTo(id(2));
        // MD5("a") = 0x0cc1... -> first quarter
        h.hash("a");
        assertThat(m.shardId(m.indexOf(h.high(), h.low()))).isEqualTo(id(0));
        // MD5("message digest") = 0xf96b... -> last quarter
        h.hash("message digest");
        assertThat(m.shardId(m.indexOf(h.high(), h.low()))).isEqualTo(id(3));
        // and generally: the shard is the top two bits of the digest
        java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
        for (int i = 0; i < 200; i++) {
            String key = "user-" + i;
            byte[] d = md5.digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            int expected = (d[0] & 0xFF) >>> 6;
            h.hash(key);
            assertThat(m.indexOf(h.high(), h.low())).as(key).isEqualTo(expected);
        }
    }
}
