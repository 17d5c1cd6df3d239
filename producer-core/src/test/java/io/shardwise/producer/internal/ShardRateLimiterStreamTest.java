package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Backlogged producers on one four-shard stream, each paced by the real packing and rate limiting code
 * ({@link StreamAccumulator}, one {@link ShardRateLimiter} per shard), against a simulated service on
 * a virtual clock: a request reaches the service after an upward delay, the service counts each entry
 * in an exact sliding one-second window per shard (1 MiB/s, throttling what does not fit) and answers
 * after a round trip. Shards keep their order (one request in flight per shard and producer). Where
 * {@link ShardPacingSimulationTest} checks one producer, this checks several sharing the stream
 * (issue 18's scale-out).
 */
class ShardRateLimiterStreamTest {
    private static final int SHARDS = 4;
    private static final int MIB = 1 << 20;               // each shard's byte limit per second
    private static final int RECORD_SIZE = 1000;          // a 16-character key and 984 bytes of data
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    private static final long T0 = -3 * SECOND;            // nanoTime may be negative

    /** What the service saw in the measured part of a run. */
    record Outcome(double use, double throttled, double[] shares) {
    }

    @Test
    void producersSharingTheStreamSettleOnTheirSharesWithLittleThrottling() {
        // Cutting 10 % (then 30 %) and growing back 10 % a second, two producers were throttled 6 % of
        // their entries, four 11 %.
        Outcome two = run(2, 0, 0, 10 * SECOND, 20 * SECOND, 11);
        assertThat(two.throttled()).as("two producers: share of entries throttled").isLessThanOrEqualTo(0.03);
        assertThat(two.use()).as("two producers: share of the byte limit used").isGreaterThanOrEqualTo(0.92);
        for (double share : two.shares()) {
            assertThat(share).as("two producers: each one's share").isBetween(0.4, 0.6);
        }
        Outcome four = run(4, 0, 0, 10 * SECOND, 20 * SECOND, 11);
        assertThat(four.throttled()).as("four producers: share of entries throttled").isLessThanOrEqualTo(0.05);
        assertThat(four.use()).as("four producers: share of the byte limit used").isGreaterThanOrEqualTo(0.92);
    }

    /**
     * Runs {@code producers} backlogged producers.
     *
     * @param upward when the service counts a request after its send (plus a random 0-2 ms)
     * @param roundTrip when the answer comes back after the send (at least the upward delay)
     */
    static Outcome run(int producers, long upward, long roundTrip, long warmUp, long measured, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Producer> ps = new ArrayList<>();
        for (int i = 0; i < producers; i++) {
            ps.add(new Producer(T0 + random.nextLong(SECOND)));
        }
        List<ArrayDeque<long[]>> window = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            window.add(new ArrayDeque<>());
        }
        long[] windowBytes = new long[SHARDS];
        long[] counted = new long[producers];
        long countedEntries = 0;
        long throttledEntries = 0;
        long from = T0 + SECOND + warmUp;
        long to = from + measured;
        PriorityQueue<Flight> arrivals = new PriorityQueue<>(Comparator.comparingLong((Flight f) -> f.arrivesAt));
        PriorityQueue<Flight> answers = new PriorityQueue<>(Comparator.comparingLong((Flight f) -> f.answeredAt));
        long t = T0;
        while (t < to) {
            while (!arrivals.isEmpty() && arrivals.peek().arrivesAt <= t) {
                Flight f = arrivals.poll();
                RequestBatch b = f.batch;
                f.throttled = new boolean[b.entryCount()];
                for (int e = 0; e < b.entryCount(); e++) {
                    int shard = shardOf(b.record(b.entryStart(e)));
                    ArrayDeque<long[]> w = window.get(shard);
                    while (!w.isEmpty() && w.peekFirst()[0] <= f.arrivesAt - SECOND) {
                        windowBytes[shard] -= w.pollFirst()[1];
                    }
                    int size = b.entrySize(e);
                    boolean measuring = f.arrivesAt >= from;
                    if (windowBytes[shard] + size > MIB) {
                        f.throttled[e] = true;
                        throttledEntries += measuring ? 1 : 0;
                        continue;
                    }
                    w.addLast(new long[] {f.arrivesAt, size});
                    windowBytes[shard] += size;
                    if (measuring) {
                        counted[f.producer] += size;
                        countedEntries++;
                    }
                }
                // 1-4 ms of processing, one answer in ten up to 30 ms later
                f.answeredAt = Math.max(f.arrivesAt, f.sentAt + roundTrip) + MS + random.nextLong(3 * MS)
                        + (random.nextInt(10) == 0 ? random.nextLong(30 * MS) : 0);
                answers.add(f);
            }
            while (!answers.isEmpty() && answers.peek().answeredAt <= t) {
                Flight f = answers.poll();
                ps.get(f.producer).answered(f, t);
            }
            long next = t + 10 * MS;
            for (int i = 0; i < producers; i++) {
                Producer p = ps.get(i);
                if (t - p.start < 0) {
                    next = Math.min(next, p.start);
                    continue;
                }
                for (RequestBatch b : p.send(t)) {
                    arrivals.add(new Flight(i, b, t, t + upward + random.nextLong(2 * MS) + (long) b.bytes() * SECOND / 50_000_000L));
                }
                next = Math.min(next, p.next);
            }
            if (!arrivals.isEmpty()) {
                next = Math.min(next, arrivals.peek().arrivesAt);
            }
            if (!answers.isEmpty()) {
                next = Math.min(next, answers.peek().answeredAt);
            }
            t = Math.max(next, t + 1);
        }
        double seconds = measured / (double) SECOND;
        long total = 0;
        for (long c : counted) {
            total += c;
        }
        double[] shares = new double[producers];
        for (int i = 0; i < producers; i++) {
            shares[i] = total == 0 ? 0 : counted[i] / (double) total;
        }
        return new Outcome(total / (SHARDS * MIB * seconds), throttledEntries / (double) Math.max(1, throttledEntries + countedEntries),
                shares);
    }

    /** One request on its way. */
    private static final class Flight {
        final int producer;
        final RequestBatch batch;
        final long sentAt;
        final long arrivesAt;
        long answeredAt;
        boolean[] throttled;

        Flight(int producer, RequestBatch batch, long sentAt, long arrivesAt) {
            this.producer = producer;
            this.batch = batch;
            this.sentAt = sentAt;
            this.arrivesAt = arrivesAt;
        }
    }

    /** A producer's accumulator, kept backlogged, sending as the sender does. */
    private static final class Producer {
        final long start;
        final StreamAccumulator acc = new StreamAccumulator("stream", 1000, MIB, new Aggregation(50 * 1024, 10_000, false));
        final Outstanding outstanding = new Outstanding();
        final byte[] data = new byte[RECORD_SIZE - 16];
        final long[] queued = new long[SHARDS];
        final List<PendingRecord> expired = new ArrayList<>();
        int inFlight;
        long seq;
        long next;

        Producer(long start) {
            this.start = start;
            acc.installMap(PackingTest.fourEqualShards(), start);
        }

        List<RequestBatch> send(long t) {
            topUp(t);
            List<RequestBatch> sent = new ArrayList<>();
            long readyAt = acc.readyAt(t, 100 * MS, T0 - Long.MAX_VALUE / 2, 500, 5L * MIB, true);
            next = t + 10 * MS;
            if (readyAt != StreamAccumulator.NOTHING_QUEUED && readyAt - t <= 0) {
                RequestBatch b;
                while (inFlight < 32 && !(b = acc.assemble(500, 5L * MIB, true, t, expired::add, 1)).isEmpty()) {
                    sent.add(b);
                    inFlight++;
                    for (int r = b.recordCount() - 1; r >= 0; r--) {
                        queued[shardOf(b.record(r))]--;
                    }
                }
                next = t + MS;
            } else if (readyAt != StreamAccumulator.NOTHING_QUEUED && readyAt - next < 0) {
                next = readyAt;
            }
            return sent;
        }

        void answered(Flight f, long now) {
            inFlight--;
            RequestBatch b = f.batch;
            b.unlockQueues();
            // As the sender does: each run of one shard's entries goes to its limiter.
            int from = 0;
            while (from < b.entryCount()) {
                ShardQueue q = b.record(b.entryStart(from)).queue();
                int to = from;
                long bytes = 0;
                int ok = 0;
                long okBytes = 0;
                for (; to < b.entryCount() && b.record(b.entryStart(to)).queue() == q; to++) {
                    bytes += b.entrySize(to);
                    ok += f.throttled[to] ? 0 : 1;
                    okBytes += f.throttled[to] ? 0 : b.entrySize(to);
                }
                q.limiter().onAnswered(to - from, bytes, ok, okBytes, f.sentAt, now);
                q.limiter().onResult(ok, to - from - ok, now);
                from = to;
            }
            int entry = 0;
            for (int r = 0; r < b.recordCount(); r++) {
                while (r >= b.entryEnd(entry)) {
                    entry++;
                }
                if (f.throttled[entry]) {
                    acc.requeueFirst(b.record(r));
                    queued[shardOf(b.record(r))]++;
                }
            }
        }

        /** At least 3,000 records (3 s of a shard's limit) waiting per shard. */
        private void topUp(long now) {
            for (int s = 0; s < SHARDS; s++) {
                while (queued[s] < 3000) {
                    long n = seq++;
                    long high = ((long) s << 62) | (n & 0x3FFFFFFFFFFFFFFFL);
                    acc.enqueue(new PendingRecord("stream", Long.toHexString(n | Long.MIN_VALUE), null, data, RECORD_SIZE, high, n,
                            now, now + 3600 * SECOND, outstanding));
                    queued[s]++;
                }
            }
        }
    }

    private static int shardOf(PendingRecord r) {
        return (int) (r.hashHigh >>> 62);
    }
}
