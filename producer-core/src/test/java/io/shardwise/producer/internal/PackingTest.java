package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.model.HashKeyRange;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.SequenceNumberRange;
import software.amazon.awssdk.services.kinesis.model.Shard;

class PackingTest {
    private static final int MAX_COUNT = 500;
    private static final long MAX_BYTES = 5L * 1024 * 1024;
    private static final int MIB = 1024 * 1024;
    private static final long NOW = 1_000_000_000L;
    private static final long FAR = NOW + 3_600_000_000_000L;
    private static final long NO_FLUSH = NOW - Long.MAX_VALUE / 2;
    private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    // initialised here as well as in setUp(): jqwik properties do not run JUnit's @BeforeEach
    private Outstanding outstanding = new Outstanding();
    private List<PendingRecord> expired = new ArrayList<>();
    private int seq;

    @BeforeEach
    void setUp() {
        outstanding = new Outstanding();
        expired = new ArrayList<>();
        seq = 0;
    }

    static ShardMap fourEqualShards() {
        BigInteger quarter = BigInteger.ONE.shiftLeft(126);
        List<Shard> shards = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            BigInteger start = quarter.multiply(BigInteger.valueOf(i));
            BigInteger end = i == 3 ? MAX : start.add(quarter).subtract(BigInteger.ONE);
            shards.add(Shard.builder()
                    .shardId("shardId-00000000000" + i)
                    .hashKeyRange(HashKeyRange.builder().startingHashKey(start.toString()).endingHashKey(end.toString()).build())
                    .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1").build())
                    .build());
        }
        return ShardMapLoader.toMap(shards);
    }

    private StreamPipeline pipeline() {
        StreamPipeline p = new StreamPipeline("stream");
        p.installMap(fourEqualShards());
        return p;
    }

    /** A record of exactly {@code size} bytes (data + 1-char key) for shard {@code shard} (0..3). */
    private PendingRecord rec(int shard, int size, long added, long deadline) {
        int n = seq++;
        String key = Character.toString('a' + (n % 26));
        long high = ((long) shard << 62) | (n & 0x3FFFFFFFFFFFFFFFL);
        return new PendingRecord("stream", key, null, new byte[size - 1], size, high, n, added, deadline, outstanding);
    }

    private PendingRecord rec(int shard, int size) {
        return rec(shard, size, NOW, FAR);
    }

    /** A record whose size is declared but whose data is not allocated (for large property runs). */
    private PendingRecord light(int shard, int size) {
        int n = seq++;
        long high = ((long) shard << 62) | n;
        return new PendingRecord("stream", "k", null, new byte[0], size, high, n, NOW, FAR, outstanding);
    }

    private RequestBatch assemble(StreamPipeline p) {
        return p.assemble(MAX_COUNT, MAX_BYTES, false, NOW, expired::add);
    }

    private static List<PendingRecord> records(RequestBatch b) {
        List<PendingRecord> out = new ArrayList<>();
        for (int i = 0; i < b.entryCount(); i++) {
            out.add(b.record(i));
        }
        return out;
    }

    private static long sum(List<PendingRecord> rs) {
        return rs.stream().mapToLong(r -> r.size).sum();
    }

    @Test
    void recordsArePredictedToTheirShards() {
        StreamPipeline p = pipeline();
        for (int s = 0; s < 4; s++) {
            PendingRecord r = rec(s, 10);
            p.enqueue(r);
            assertThat(r.predictedShardId).isEqualTo("shardId-00000000000" + s);
        }
    }

    @Test
    void exactly500OneByteRecordsFillOneBatchAnd501stGoesToTheNext() {
        StreamPipeline p = pipeline();
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            PendingRecord r = rec(i % 4, 1);
            all.add(r);
            p.enqueue(r);
        }
        RequestBatch first = assemble(p);
        assertThat(first.entryCount()).isEqualTo(500);
        assertThat(first.bytes()).isEqualTo(500);
        assertThat(first.isFull()).isTrue();
        RequestBatch second = assemble(p);
        assertThat(second.entryCount()).isEqualTo(1);
        List<PendingRecord> seen = new ArrayList<>(records(first));
        seen.addAll(records(second));
        assertThat(seen).containsExactlyInAnyOrderElementsOf(all);
        assertThat(assemble(p).entryCount()).isZero();
        assertThat(expired).isEmpty();
    }

    @Test
    void exactly500OnOneShard() {
        StreamPipeline p = pipeline();
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 501; i++) {
            PendingRecord r = rec(2, 1);
            all.add(r);
            p.enqueue(r);
        }
        RequestBatch first = assemble(p);
        assertThat(records(first)).containsExactlyElementsOf(all.subList(0, 500));
        assertThat(records(assemble(p))).containsExactly(all.get(500));
    }

    @Test
    void recordsSummingToExactly5MiBFitOneBatch() {
        StreamPipeline p = pipeline();
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            PendingRecord r = rec(i % 4, MIB);
            assertThat(r.data.length + r.partitionKey.getBytes(StandardCharsets.UTF_8).length).isEqualTo(MIB);
            all.add(r);
            p.enqueue(r);
        }
        // behind shard 3's record: the queue visited last, when the batch already holds 5 MiB
        PendingRecord extra = rec(3, 1);
        p.enqueue(extra);
        RequestBatch first = assemble(p);
        assertThat(first.entryCount()).isEqualTo(5);
        assertThat(first.bytes()).isEqualTo(5L * MIB);
        assertThat(records(first)).containsExactlyInAnyOrderElementsOf(all);
        assertThat(first.isFull()).isTrue();
        RequestBatch second = assemble(p);
        assertThat(records(second)).containsExactly(extra);
    }

    @Test
    void oneByteOver5MiBDoesNotFit() {
        StreamPipeline p = pipeline();
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(rec(0, MIB));
        }
        all.add(rec(0, MIB + 1));
        all.forEach(p::enqueue);
        RequestBatch first = assemble(p);
        assertThat(records(first)).containsExactlyElementsOf(all.subList(0, 4));
        assertThat(first.bytes()).isEqualTo(4L * MIB);
        RequestBatch second = assemble(p);
        assertThat(records(second)).containsExactly(all.get(4));
    }

    @Test
    void manySmallRecordsSumExactlyToLimit() {
        // 5 MiB in 500 entries exactly: 499 of 10485 bytes and one making up the rest
        StreamPipeline p = pipeline();
        int each = 10485;
        long rest = MAX_BYTES - 499L * each;
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 499; i++) {
            all.add(light(i % 4, each));
        }
        all.add(light(0, (int) rest));
        all.add(light(3, 1));
        all.forEach(p::enqueue);
        RequestBatch first = assemble(p);
        assertThat(first.entryCount()).isEqualTo(500);
        assertThat(first.bytes()).isEqualTo(MAX_BYTES);
        assertThat(records(first)).containsExactlyInAnyOrderElementsOf(all.subList(0, 500));
        assertThat(records(assemble(p))).containsExactly(all.get(500));
    }

    @Test
    void single1MiBRecordAlone() {
        StreamPipeline p = pipeline();
        PendingRecord r = rec(3, MIB);
        p.enqueue(r);
        RequestBatch b = assemble(p);
        assertThat(records(b)).containsExactly(r);
        assertThat(b.bytes()).isEqualTo(MIB);
        assertThat(b.isFull()).isFalse();
        assertThat(assemble(p).entryCount()).isZero();
    }

    @Test
    void recordBiggerThanMaxBytesTravelsAlone() {
        StreamPipeline p = pipeline();
        long maxBytes = 1024;
        PendingRecord small1 = rec(0, 100);
        PendingRecord big = rec(1, 3000);
        PendingRecord small2 = rec(1, 100);
        PendingRecord small3 = rec(2, 100);
        p.enqueue(small1);
        p.enqueue(big);
        p.enqueue(small2);
        p.enqueue(small3);
        List<List<PendingRecord>> batches = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            RequestBatch b = p.assemble(MAX_COUNT, maxBytes, false, NOW, expired::add);
            if (b.entryCount() > 0) {
                batches.add(records(b));
                assertThat(b.bytes() <= maxBytes || b.entryCount() == 1).as("batch %s", batches.size()).isTrue();
            }
        }
        List<PendingRecord> withBig = batches.stream().filter(l -> l.contains(big)).findFirst().orElseThrow();
        assertThat(withBig).containsExactly(big);
        // shard 1 order: big before small2
        int bigAt = -1;
        int small2At = -1;
        for (int i = 0; i < batches.size(); i++) {
            if (batches.get(i).contains(big)) {
                bigAt = i;
            }
            if (batches.get(i).contains(small2)) {
                small2At = i;
            }
        }
        assertThat(bigAt).isLessThan(small2At);
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(4);
    }

    @Test
    void bigRecordFirstInBatchFillsIt() {
        StreamPipeline p = pipeline();
        PendingRecord big = rec(0, 2048);
        PendingRecord other = rec(1, 10);
        p.enqueue(big);
        p.enqueue(other);
        RequestBatch b = p.assemble(MAX_COUNT, 1024, false, NOW, expired::add);
        assertThat(records(b)).containsExactly(big);
        assertThat(b.isFull()).isTrue();
        assertThat(records(p.assemble(MAX_COUNT, 1024, false, NOW, expired::add))).containsExactly(other);
    }

    @Test
    void fitsAndFullOfBatch() {
        StreamPipeline p = pipeline();
        RequestBatch b = new RequestBatch(p, 2, 100);
        PendingRecord huge = rec(0, 500);
        assertThat(b.fits(huge)).as("an empty batch takes anything").isTrue();
        PendingRecord r60 = rec(0, 60);
        PendingRecord r40 = rec(0, 40);
        PendingRecord r41 = rec(0, 41);
        b.add(r60);
        assertThat(b.fits(r41)).isFalse();
        assertThat(b.fits(r40)).isTrue();
        assertThat(b.isFull()).isFalse();
        b.add(r40);
        assertThat(b.isFull()).isTrue();
        assertThat(b.fits(rec(0, 1))).isFalse();
        RequestBatch byCount = new RequestBatch(p, 2, 1000);
        byCount.add(rec(0, 1));
        byCount.add(rec(0, 1));
        assertThat(byCount.isFull()).isTrue();
        assertThat(byCount.fits(rec(0, 1))).isFalse();
    }

    @Test
    void toEntriesFollowsRecordOrder() {
        StreamPipeline p = pipeline();
        RequestBatch b = new RequestBatch(p, 10, MAX_BYTES);
        PendingRecord r1 = new PendingRecord("stream", "key-1", null, new byte[] {1, 2}, 7, 0, 0, NOW, FAR, outstanding);
        PendingRecord r2 = new PendingRecord("stream", "key-2", "12345", new byte[] {3}, 6, 0, 12345, NOW, FAR, outstanding);
        b.add(r1);
        b.add(r2);
        List<PutRecordsRequestEntry> entries = KinesisDestination.entries(b);
        assertThat(entries).hasSize(2);
        assertThat(entries.get(0).partitionKey()).isEqualTo("key-1");
        assertThat(entries.get(0).explicitHashKey()).isNull();
        assertThat(entries.get(0).data().asByteArray()).containsExactly(1, 2);
        assertThat(entries.get(1).partitionKey()).isEqualTo("key-2");
        assertThat(entries.get(1).explicitHashKey()).isEqualTo("12345");
        assertThat(entries.get(1).data().asByteArray()).containsExactly(3);
    }

    // ---- property: mixed sizes ----

    record Spec(int shard, int size) {
    }

    record Scenario(List<Spec> specs, int maxCount, long maxBytes) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        Arbitrary<Long> maxBytes = Arbitraries.oneOf(Arbitraries.just(MAX_BYTES), Arbitraries.longs().between(1024, 64 * 1024));
        Arbitrary<Integer> maxCount = Arbitraries.oneOf(Arbitraries.just(MAX_COUNT), Arbitraries.integers().between(1, 50));
        return Combinators.combine(maxBytes, maxCount).flatAs((mb, mc) -> {
            int cap = (int) Math.min(Integer.MAX_VALUE, mb * 2);
            Arbitrary<Integer> size = Arbitraries.frequencyOf(
                    net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(1, Math.max(1, (int) (mb / 20)))),
                    net.jqwik.api.Tuple.of(3, Arbitraries.integers().between(1, (int) Math.min(mb, Integer.MAX_VALUE))),
                    net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1, cap)));
            Arbitrary<Spec> spec = Combinators.combine(Arbitraries.integers().between(0, 3), size).as(Spec::new);
            return spec.list().ofMinSize(0).ofMaxSize(1200).map(l -> new Scenario(l, mc, mb));
        });
    }

    @Property(tries = 150)
    void mixedSizesPackWithinLimitsLosingNothing(@ForAll("scenarios") Scenario sc) {
        setUp();
        StreamPipeline p = pipeline();
        Map<Integer, List<PendingRecord>> byShard = new HashMap<>();
        List<PendingRecord> all = new ArrayList<>();
        for (Spec s : sc.specs()) {
            PendingRecord r = light(s.shard(), s.size());
            all.add(r);
            byShard.computeIfAbsent(s.shard(), k -> new ArrayList<>()).add(r);
            p.enqueue(r);
        }
        Set<PendingRecord> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<Integer, List<PendingRecord>> sentByShard = new HashMap<>();
        int guard = 0;
        while (p.readyAt(NOW, 0, NO_FLUSH, sc.maxCount(), sc.maxBytes(), false) != Long.MAX_VALUE) {
            assertThat(guard++).as("assemble must make progress").isLessThanOrEqualTo(all.size());
            RequestBatch b = p.assemble(sc.maxCount(), sc.maxBytes(), false, NOW, expired::add);
            List<PendingRecord> rs = records(b);
            assertThat(rs).as("non-empty queues give a non-empty batch").isNotEmpty();
            assertThat(rs.size()).isLessThanOrEqualTo(sc.maxCount());
            assertThat(b.bytes()).isEqualTo(sum(rs));
            if (rs.size() > 1) {
                assertThat(b.bytes()).isLessThanOrEqualTo(sc.maxBytes());
            }
            for (PendingRecord r : rs) {
                assertThat(seen.add(r)).as("record packed twice").isTrue();
                int shard = (int) (r.hashHigh >>> 62);
                assertThat(r.predictedShardId).isEqualTo("shardId-00000000000" + shard);
                sentByShard.computeIfAbsent(shard, k -> new ArrayList<>()).add(r);
            }
        }
        assertThat(expired).isEmpty();
        assertThat(seen).hasSize(all.size());
        for (Map.Entry<Integer, List<PendingRecord>> e : byShard.entrySet()) {
            assertThat(sentByShard.get(e.getKey())).as("order of shard %s", e.getKey()).containsExactlyElementsOf(e.getValue());
        }
    }

    // ---- readyAt ----

    @Test
    void readyAtEmptyIsMaxValue() {
        StreamPipeline p = pipeline();
        assertThat(p.readyAt(NOW, 100, NO_FLUSH, MAX_COUNT, MAX_BYTES, false)).isEqualTo(Long.MAX_VALUE);
        assertThat(p.readyAt(NOW, 100, NOW, MAX_COUNT, MAX_BYTES, true)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void readyAtBeforeMapIsMaxValue() {
        StreamPipeline p = new StreamPipeline("stream");
        PendingRecord r = rec(0, 10);
        p.enqueue(r);
        assertThat(p.wantsLoad()).isTrue();
        assertThat(p.readyAt(NOW, 100, NOW, MAX_COUNT, MAX_BYTES, false)).isEqualTo(Long.MAX_VALUE);
        p.installMap(fourEqualShards());
        assertThat(p.wantsLoad()).isFalse();
        assertThat(r.predictedShardId).isEqualTo("shardId-000000000000");
        assertThat(records(assemble(p))).containsExactly(r);
    }

    @Test
    void readyAtIsOldestPlusLinger() {
        StreamPipeline p = pipeline();
        p.enqueue(rec(0, 10, NOW + 50, FAR));
        p.enqueue(rec(1, 10, NOW + 20, FAR));
        p.enqueue(rec(1, 10, NOW + 5, FAR)); // not the head of its queue: heads are what counts
        p.enqueue(rec(2, 10, NOW + 30, FAR));
        assertThat(p.readyAt(NOW + 60, 100, NO_FLUSH, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW + 20 + 100);
    }

    @Test
    void readyAtNowWhenCountReached() {
        StreamPipeline p = pipeline();
        p.enqueue(rec(0, 10, NOW, FAR));
        p.enqueue(rec(1, 10, NOW, FAR));
        assertThat(p.readyAt(NOW + 1, 100, NO_FLUSH, 3, MAX_BYTES, false)).isEqualTo(NOW + 100);
        p.enqueue(rec(2, 10, NOW, FAR));
        assertThat(p.readyAt(NOW + 1, 100, NO_FLUSH, 3, MAX_BYTES, false)).isEqualTo(NOW + 1);
    }

    @Test
    void readyAtNowWhenBytesReached() {
        StreamPipeline p = pipeline();
        p.enqueue(light(0, 600));
        assertThat(p.readyAt(NOW + 1, 100, NO_FLUSH, MAX_COUNT, 1024, false)).isEqualTo(NOW + 100);
        p.enqueue(light(3, 423));
        assertThat(p.readyAt(NOW + 1, 100, NO_FLUSH, MAX_COUNT, 1024, false)).isEqualTo(NOW + 100);
        p.enqueue(light(3, 1));
        assertThat(p.readyAt(NOW + 1, 100, NO_FLUSH, MAX_COUNT, 1024, false)).isEqualTo(NOW + 1);
    }

    @Test
    void readyAtNowWhenOldestAddedAtOrBeforeFlushMark() {
        StreamPipeline p = pipeline();
        p.enqueue(rec(0, 10, NOW + 10, FAR));
        assertThat(p.readyAt(NOW + 11, 100, NOW + 9, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW + 110);
        assertThat(p.readyAt(NOW + 11, 100, NOW + 10, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW + 11);
        assertThat(p.readyAt(NOW + 11, 100, NOW + 11, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW + 11);
    }

    @Test
    void readyAtWithZeroLingerIsOldest() {
        StreamPipeline p = pipeline();
        p.enqueue(rec(0, 10, NOW - 5, FAR));
        assertThat(p.readyAt(NOW, 0, NO_FLUSH, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW - 5);
    }

    @Test
    void readyAtHandlesNanoTimeWrapAround() {
        StreamPipeline p = pipeline();
        long added = Long.MAX_VALUE - 10;
        p.enqueue(rec(0, 10, added, added + 1_000_000));
        p.enqueue(rec(1, 10, added + 20, added + 1_000_000)); // overflows to negative
        long ready = p.readyAt(added + 30, 100, added - 1_000, MAX_COUNT, MAX_BYTES, false);
        assertThat(ready).isEqualTo(added + 100);
    }

    @Test
    void readyAtWithNegativeNanoTimes() {
        // System.nanoTime() has an arbitrary origin: its values may be negative
        StreamPipeline p = pipeline();
        long base = -5_000_000_000L;
        p.enqueue(rec(0, 10, base, base + 30_000_000_000L));
        assertThat(p.readyAt(base + 1, 100, base - 1_000_000_000L, MAX_COUNT, MAX_BYTES, false)).isEqualTo(base + 100);
        assertThat(p.readyAt(base + 1, 100, base, MAX_COUNT, MAX_BYTES, false)).isEqualTo(base + 1);
    }

    // ---- locks ----

    @Test
    void respectLocksSkipsQueuesTakenByAnInFlightBatch() {
        StreamPipeline p = pipeline();
        List<List<PendingRecord>> byShard = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            List<PendingRecord> l = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                PendingRecord r = rec(s, 10);
                l.add(r);
                p.enqueue(r);
            }
            byShard.add(l);
        }
        RequestBatch first = p.assemble(3, MAX_BYTES, true, NOW, expired::add);
        assertThat(first.entryCount()).isEqualTo(3);
        assertThat(first.lockedQueues).isNotEmpty().allMatch(q -> q.locked);
        Set<String> lockedIds = new java.util.HashSet<>();
        first.lockedQueues.forEach(q -> lockedIds.add(q.shardId));
        for (PendingRecord r : records(first)) {
            assertThat(lockedIds).contains(r.predictedShardId);
        }

        RequestBatch second = p.assemble(3, MAX_BYTES, true, NOW, expired::add);
        for (PendingRecord r : records(second)) {
            assertThat(lockedIds).as("a locked shard must not appear in a second concurrent batch").doesNotContain(r.predictedShardId);
        }
        second.lockedQueues.forEach(q -> lockedIds.add(q.shardId));
        assertThat(second.entryCount()).isPositive();

        // every shard with records left is locked now: nothing sendable
        assertThat(p.readyAt(NOW, 0, NOW, 3, MAX_BYTES, true)).isEqualTo(Long.MAX_VALUE);
        assertThat(p.assemble(3, MAX_BYTES, true, NOW, expired::add).entryCount()).isZero();
        // ignoring locks, the rest is there
        assertThat(p.readyAt(NOW, 0, NOW, 3, MAX_BYTES, false)).isEqualTo(NOW);

        // first batch completes: unlock its queues; the remaining records of those shards come next, in order
        first.lockedQueues.forEach(q -> q.locked = false);
        RequestBatch third = p.assemble(3, MAX_BYTES, true, NOW, expired::add);
        assertThat(third.entryCount()).isPositive();
        Set<String> firstIds = new java.util.HashSet<>();
        first.lockedQueues.forEach(q -> firstIds.add(q.shardId));
        for (PendingRecord r : records(third)) {
            assertThat(firstIds).contains(r.predictedShardId);
        }
        // overall: per-shard order across the three batches
        List<PendingRecord> sent = new ArrayList<>(records(first));
        sent.addAll(records(second));
        sent.addAll(records(third));
        for (List<PendingRecord> l : byShard) {
            List<PendingRecord> got = sent.stream().filter(l::contains).toList();
            assertThat(l).startsWith(got.toArray(new PendingRecord[0]));
        }
    }

    @Test
    void withoutRespectLocksNothingIsLocked() {
        StreamPipeline p = pipeline();
        for (int i = 0; i < 4; i++) {
            p.enqueue(rec(0, 10));
        }
        RequestBatch first = p.assemble(2, MAX_BYTES, false, NOW, expired::add);
        assertThat(first.entryCount()).isEqualTo(2);
        assertThat(first.lockedQueues).isEmpty();
        RequestBatch second = p.assemble(2, MAX_BYTES, false, NOW, expired::add);
        assertThat(second.entryCount()).isEqualTo(2);
    }

    @Test
    void lockedQueueIsSkippedByReadyAt() {
        StreamPipeline p = pipeline();
        p.enqueue(rec(0, 10, NOW, FAR));
        RequestBatch b = p.assemble(MAX_COUNT, MAX_BYTES, true, NOW, expired::add);
        assertThat(b.entryCount()).isEqualTo(1);
        p.enqueue(rec(0, 10, NOW + 1, FAR));
        p.enqueue(rec(1, 10, NOW + 7, FAR));
        // shard 0 locked: only shard 1's record counts
        assertThat(p.readyAt(NOW + 8, 100, NO_FLUSH, MAX_COUNT, MAX_BYTES, true)).isEqualTo(NOW + 107);
        assertThat(p.readyAt(NOW + 8, 100, NO_FLUSH, MAX_COUNT, MAX_BYTES, false)).isEqualTo(NOW + 101);
    }

    // ---- expiry ----

    @Test
    void expiredRecordsGoToConsumerNotBatch() {
        StreamPipeline p = pipeline();
        PendingRecord exactlyDue = rec(0, 10, NOW - 100, NOW);
        PendingRecord past = rec(1, 10, NOW - 100, NOW - 1);
        PendingRecord live = rec(0, 10, NOW - 100, NOW + 1);
        PendingRecord done = rec(2, 10, NOW - 100, FAR);
        done.future.complete(null);
        p.enqueue(exactlyDue);
        p.enqueue(past);
        p.enqueue(live);
        p.enqueue(done);
        RequestBatch b = assemble(p);
        assertThat(records(b)).containsExactly(live);
        assertThat(expired).containsExactlyInAnyOrder(exactlyDue, past, done);
        assertThat(p.readyAt(NOW, 0, NOW, MAX_COUNT, MAX_BYTES, false)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void removeExpiredKeepsLiveRecordsInOrder() {
        StreamPipeline p = pipeline();
        PendingRecord a = rec(0, 10, NOW, FAR);
        PendingRecord b = rec(0, 10, NOW, NOW);
        PendingRecord c = rec(0, 10, NOW, FAR);
        p.enqueue(a);
        p.enqueue(b);
        p.enqueue(c);
        p.removeExpired(NOW, expired::add);
        assertThat(expired).containsExactly(b);
        assertThat(records(assemble(p))).containsExactly(a, c);
    }

    // ---- re-prediction ----

    @Test
    void uncoveredRecordsArePackedToo() {
        BigInteger half = BigInteger.ONE.shiftLeft(127);
        ShardMap onlyLowerHalf = ShardMapLoader.toMap(List.of(Shard.builder().shardId("low")
                .hashKeyRange(HashKeyRange.builder().startingHashKey("0").endingHashKey(half.subtract(BigInteger.ONE).toString()).build())
                .sequenceNumberRange(SequenceNumberRange.builder().startingSequenceNumber("1").build())
                .build()));
        StreamPipeline p = new StreamPipeline("stream");
        p.installMap(onlyLowerHalf);
        PendingRecord covered = rec(0, 10);
        PendingRecord uncovered = rec(3, 10);
        p.enqueue(covered);
        p.enqueue(uncovered);
        assertThat(covered.predictedShardId).isEqualTo("low");
        assertThat(uncovered.predictedShardId).isNull();
        assertThat(records(assemble(p))).containsExactlyInAnyOrder(covered, uncovered);
    }

    @Test
    void installMapRepredictsKeepingOrder() {
        BigInteger full = MAX;
        ShardMap one = ShardMapLoader.toMap(List.of(Shard.builder().shardId("parent")
                .hashKeyRange(HashKeyRange.builder().startingHashKey("0").endingHashKey(full.toString()).build())
                .build()));
        StreamPipeline p = new StreamPipeline("stream");
        p.installMap(one);
        List<PendingRecord> all = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            PendingRecord r = rec(i % 4, 10);
            all.add(r);
            p.enqueue(r);
            assertThat(r.predictedShardId).isEqualTo("parent");
        }
        p.installMap(fourEqualShards());
        List<PendingRecord> sent = new ArrayList<>();
        RequestBatch b;
        while ((b = assemble(p)).entryCount() > 0) {
            sent.addAll(records(b));
        }
        assertThat(sent).containsExactlyInAnyOrderElementsOf(all);
        for (int s = 0; s < 4; s++) {
            int shard = s;
            List<PendingRecord> expected = all.stream().filter(r -> (r.hashHigh >>> 62) == shard).toList();
            assertThat(sent.stream().filter(r -> (r.hashHigh >>> 62) == shard).toList()).containsExactlyElementsOf(expected);
            assertThat(expected).allMatch(r -> r.predictedShardId.equals("shardId-00000000000" + shard));
        }
    }
    @Test
    void recordsAboveTheAggregationMemberLimitTravelAsThemselvesInOrderBetweenAggregates() {
        int maxMember = 4096;
        StreamPipeline p = new StreamPipeline("stream", 0, 0,
                new Aggregation(50 * 1024, 10_000, false, null, maxMember));
        p.installMap(fourEqualShards());
        PendingRecord a = rec(0, 100);
        PendingRecord b = rec(0, maxMember);          // at the limit: still aggregated
        PendingRecord big = rec(0, maxMember + 1);    // one byte over: sent as itself
        PendingRecord c = rec(0, 100);
        PendingRecord d = rec(0, 100);
        PendingRecord bigAlone = rec(0, 8000);
        for (PendingRecord r : List.of(a, b, big, c, d, bigAlone)) {
            p.enqueue(r);
        }
        RequestBatch batch = assemble(p);
        assertThat(batch.entryCount()).isEqualTo(4);
        assertThat(batch.isAggregated(0)).isTrue();
        assertThat(List.of(batch.record(batch.entryStart(0)), batch.record(batch.entryStart(0) + 1))).containsExactly(a, b);
        assertThat(batch.entryEnd(0) - batch.entryStart(0)).isEqualTo(2);
        assertThat(batch.isAggregated(1)).isFalse();
        assertThat(batch.record(batch.entryStart(1))).isSameAs(big);
        assertThat(batch.isAggregated(2)).isTrue();
        assertThat(batch.entryEnd(2) - batch.entryStart(2)).isEqualTo(2);
        assertThat(batch.record(batch.entryStart(2))).isSameAs(c);
        assertThat(batch.isAggregated(3)).isFalse();
        assertThat(batch.record(batch.entryStart(3))).isSameAs(bigAlone);
        assertThat(expired).isEmpty();
    }
}
