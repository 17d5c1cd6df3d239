package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packing with {@code Ordering.KEY_STRICT}: a key held back (its record waits for a retry) passes
 * over its later records while other keys go; a key is in one entry of a request only; a retried
 * record goes back to its place by added order, whatever order retries come back in.
 */
class KeyStrictPackingTest {
    private static final long NOW = 1_000_000_000L;
    private static final long FAR = NOW + 3_600_000_000_000L;
    private final Outstanding outstanding = new Outstanding();
    private final List<PendingRecord> expired = new ArrayList<>();
    private long sequence;

    private static StreamAccumulator strict(Aggregation aggregation) {
        StreamAccumulator p = new StreamAccumulator("stream", 0, 0, aggregation, true);
        p.installMap(PackingTest.fourEqualShards(), NOW);
        return p;
    }

    /** A record of key {@code key} (all keys on shard 0), numbered in the order made. */
    private PendingRecord rec(int key, int size) {
        return rec(key, size, FAR);
    }

    private PendingRecord rec(int key, int size, long deadline) {
        String pk = "k" + key;
        PendingRecord r = new PendingRecord("stream", pk, null, new byte[size - pk.length()], size, key, key, NOW, deadline,
                outstanding);
        r.numbered(sequence++);
        return r;
    }

    private RequestBatch assemble(StreamAccumulator p) {
        return p.assemble(500, 5L * 1024 * 1024, true, NOW, expired::add);
    }

    private static List<PendingRecord> records(RequestBatch b) {
        List<PendingRecord> out = new ArrayList<>();
        for (int i = 0; i < b.recordCount(); i++) {
            out.add(b.record(i));
        }
        return out;
    }

    /** Completes a request: its shard queues unlock (as the loop does when the answer arrives). */
    private static void answered(RequestBatch b) {
        b.unlockQueues();
    }

    @Test
    void aHeldKeysRecordsWaitWhileOtherKeysGoAndTheRetryReturnsToItsPlace() {
        StreamAccumulator p = strict(null);
        PendingRecord a1 = rec(1, 10);
        PendingRecord b1 = rec(2, 10);
        PendingRecord a2 = rec(1, 10);
        PendingRecord b2 = rec(2, 10);
        PendingRecord a3 = rec(1, 10);
        for (PendingRecord r : List.of(a1, b1)) {
            p.enqueue(r);
        }
        RequestBatch first = assemble(p);
        assertThat(records(first)).containsExactly(a1, b1);
        answered(first);
        // a1 failed and waits for its retry; a2, b2, a3 are added meanwhile
        p.holdKey(a1);
        for (PendingRecord r : List.of(a2, b2, a3)) {
            p.enqueue(r);
        }
        RequestBatch second = assemble(p);
        assertThat(records(second)).as("key 1 waits for a1; key 2 goes").containsExactly(b2);
        answered(second);
        RequestBatch none = assemble(p);
        assertThat(none.isEmpty()).isTrue();
        p.requeueFirst(a1); // the back-off passed: a1 goes back before a2 and releases key 1
        RequestBatch third = assemble(p);
        // plain records: one entry per key per request, so a2 waits for the next request
        assertThat(records(third)).containsExactly(a1);
        answered(third);
        assertThat(records(assemble(p))).containsExactly(a2);
    }

    @Test
    void retriesComingBackInAnyOrderAreQueuedInAddedOrder() {
        StreamAccumulator p = strict(null);
        PendingRecord a1 = rec(1, 10);
        PendingRecord a2 = rec(1, 10);
        PendingRecord a3 = rec(1, 10);
        PendingRecord b1 = rec(2, 10);
        p.enqueue(a3);
        p.enqueue(b1);
        for (PendingRecord r : List.of(a1, a2)) {
            p.holdKey(r);
        }
        // a2's back-off ends first: it goes back to its place but key 1 stays held by a1
        p.requeueFirst(a2);
        RequestBatch first = assemble(p);
        assertThat(records(first)).containsExactly(b1);
        answered(first);
        p.requeueFirst(a1);
        List<PendingRecord> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            RequestBatch b = assemble(p);
            sent.addAll(records(b));
            answered(b);
        }
        assertThat(sent).containsExactly(a1, a2, a3);
    }

    @Test
    void aKeyGoesIntoOneEntryOfARequestAndALargeRecordWaitsWithItsKeysLaterRecords() {
        // aggregates of at most ~100 bytes; records above 40 bytes travel alone
        StreamAccumulator p = strict(new Aggregation(100, 1000, false, null, 40));
        List<PendingRecord> key1 = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            key1.add(rec(1, 30));
        }
        PendingRecord large = rec(2, 60);
        PendingRecord afterLarge = rec(2, 10);
        PendingRecord other = rec(3, 10);
        PendingRecord laterOfKey2 = rec(2, 10);
        for (PendingRecord r : key1) {
            p.enqueue(r);
        }
        p.enqueue(large);
        p.enqueue(afterLarge);
        p.enqueue(other);
        p.enqueue(laterOfKey2); // added after: must wait too, it is key 2 after the large one
        RequestBatch b = assemble(p);
        List<PendingRecord> sent = records(b);
        // key 1: only the records of the first entry; the large record of key 2 alone; key 3 joins an aggregate
        assertThat(sent).contains(large, other).doesNotContain(afterLarge, laterOfKey2);
        List<PendingRecord> key1Sent = sent.stream().filter(key1::contains).toList();
        assertThat(key1Sent).isNotEmpty().isEqualTo(key1.subList(0, key1Sent.size()));
        assertThat(key1Sent.size()).isLessThan(key1.size());
        int entriesWithKey1 = 0;
        for (int e = 0; e < b.entryCount(); e++) {
            boolean has = false;
            for (int i = b.entryStart(e); i < b.entryEnd(e); i++) {
                has |= key1.contains(b.record(i));
            }
            entriesWithKey1 += has ? 1 : 0;
        }
        assertThat(entriesWithKey1).as("entries of one request carrying key 1").isEqualTo(1);
        answered(b);
        List<PendingRecord> next = records(assemble(p));
        assertThat(next).contains(key1.get(key1Sent.size()), afterLarge);
        assertThat(next.indexOf(afterLarge)).isLessThan(next.indexOf(laterOfKey2) < 0 ? Integer.MAX_VALUE
                : next.indexOf(laterOfKey2));
    }

    @Test
    void aQueueWhoseKeysAreAllHeldIsNotDueUntilAKeyIsReleased() {
        StreamAccumulator p = strict(null);
        PendingRecord a1 = rec(1, 10);
        PendingRecord a2 = rec(1, 10);
        p.enqueue(a2);
        p.holdKey(a1);
        assertThat(assemble(p).isEmpty()).isTrue();
        long flushAll = NOW;
        assertThat(p.readyAt(NOW, 0, flushAll, 500, 1L << 30, true)).as("stalled: nothing due")
                .isEqualTo(StreamAccumulator.NOTHING_QUEUED);
        p.requeueFirst(a1);
        assertThat(p.readyAt(NOW, 0, flushAll, 500, 1L << 30, true)).isEqualTo(NOW);
        assertThat(records(assemble(p))).containsExactly(a1);
    }

    @Test
    void anExpiredRecordTakesItsKeysLaterRecordsOutOfTheRequest() {
        StreamAccumulator p = strict(null);
        PendingRecord a1 = rec(1, 10, NOW - 1);
        PendingRecord a2 = rec(1, 10);
        PendingRecord b1 = rec(2, 10);
        p.enqueue(a1);
        p.enqueue(a2);
        p.enqueue(b1);
        RequestBatch b = assemble(p);
        assertThat(expired).containsExactly(a1);
        assertThat(records(b)).containsExactly(b1);
        FailedKeys failed = new FailedKeys();
        failed.add(a1, new io.shardwise.producer.RecordExpiredException("expired", List.of(), null));
        List<PendingRecord> followers = new ArrayList<>();
        p.removeFollowers(failed, (r, f) -> followers.add(r));
        assertThat(followers).containsExactly(a2);
    }
}
