package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A backlogged four-shard stream paced by the real packing and rate limiting code
 * ({@link StreamPipeline#readyAt}, {@link StreamPipeline#assemble}, each shard's
 * {@link ShardRateLimiter}) against a simulated service on a virtual clock: requests reach it after a
 * random delay that grows with their size, it counts each entry in a sliding one-second window per
 * shard (1 MiB/s, throttling what does not fit, as Kinesis does) and answers after another random
 * delay, now and then a slow one. Shards keep their order (one request in flight per shard), as by
 * default. What the shards' byte limit allows must be used, without throttling and without a trickle
 * of small requests.
 */
class ShardPacingSimulationTest {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1000 * MS;
    private static final long T0 = -7 * SECOND;            // nanoTime may be negative
    private static final int MIB = 1024 * 1024;
    private static final int SHARDS = 4;
    private static final int RECORD_SIZE = 1000;          // 16-character key + 984 bytes of data
    private static final long WARM_UP = 3 * SECOND;
    private static final long MEASURED = 20 * SECOND;

    private final Outstanding outstanding = new Outstanding();
    private final byte[] data = new byte[RECORD_SIZE - 16];
    private final long[] queued = new long[SHARDS];
    private long seq;

    /** One request on its way: when the service counts it, when its answer comes back, what it carries. */
    private static final class InFlight {
        final RequestBatch batch;
        final long sentAt;
        final long arrivesAt;
        long answeredAt;
        boolean[] throttled;

        InFlight(RequestBatch batch, long sentAt, long arrivesAt) {
            this.batch = batch;
            this.sentAt = sentAt;
            this.arrivesAt = arrivesAt;
        }
    }

    @Test
    void aBackloggedStreamUsesItsShardsByteLimitWithoutThrottlingOrTrickling() {
        StreamPipeline p = new StreamPipeline("stream", 1000, MIB, new Aggregation(50 * 1024, 10_000, false));
        p.nowNanos = T0;
        p.installMap(PackingTest.fourEqualShards());
        SplittableRandom random = new SplittableRandom(7);
        topUp(p, T0);

        // The service: per shard, what it counted (time, bytes) in the last second.
        List<ArrayDeque<long[]>> serviceWindow = new ArrayList<>();
        for (int s = 0; s < SHARDS; s++) {
            serviceWindow.add(new ArrayDeque<>());
        }
        long[] countedBytes = new long[SHARDS];
        long[] requestsPerShard = new long[SHARDS];
        long throttledEntries = 0;
        long measuredFrom = T0 + WARM_UP;
        long measuredTo = measuredFrom + MEASURED;

        PriorityQueue<InFlight> arrivals = new PriorityQueue<>(Comparator.comparingLong((InFlight f) -> f.arrivesAt));
        PriorityQueue<InFlight> answers = new PriorityQueue<>(Comparator.comparingLong((InFlight f) -> f.answeredAt));
        List<PendingRecord> expired = new ArrayList<>();
        int inFlight = 0;
        long t = T0;
        while (t < measuredTo) {
            // The service counts requests in the order they reach it.
            while (!arrivals.isEmpty() && arrivals.peek().arrivesAt <= t) {
                InFlight f = arrivals.poll();
                f.throttled = new boolean[f.batch.entryCount()];
                for (int e = 0; e < f.batch.entryCount(); e++) {
                    int shard = shardOf(f.batch.record(f.batch.entryStart(e)));
                    ArrayDeque<long[]> w = serviceWindow.get(shard);
                    while (!w.isEmpty() && w.peekFirst()[0] <= f.arrivesAt - SECOND) {
                        w.pollFirst();
                    }
                    long held = w.stream().mapToLong(x -> x[1]).sum();
                    int size = f.batch.entrySize(e);
                    if (held + size > MIB) {
                        f.throttled[e] = true;
                        if (f.arrivesAt >= measuredFrom) {
                            throttledEntries++;
                        }
                        continue;
                    }
                    w.addLast(new long[] {f.arrivesAt, size});
                    if (f.arrivesAt >= measuredFrom) {
                        countedBytes[shard] += size;
                    }
                }
                // answered 1..6 ms later; one answer in 50 is slow (up to 60 ms)
                f.answeredAt = f.arrivesAt + MS + random.nextLong(5 * MS) + (random.nextInt(50) == 0 ? random.nextLong(60 * MS) : 0);
                answers.add(f);
            }
            // Answers: the sender unlocks the shards and tells their limiters.
            while (!answers.isEmpty() && answers.peek().answeredAt <= t) {
                InFlight f = answers.poll();
                inFlight--;
                for (ShardQueue q : f.batch.lockedQueues) {
                    q.locked = false;
                }
                feedLimiters(f, t);
                for (int r = 0; r < f.batch.recordCount(); r++) {
                    if (f.throttled[entryOf(f.batch, r)]) {
                        p.requeueFirst(f.batch.record(r));
                        queued[shardOf(f.batch.record(r))]++;
                    }
                }
            }
            topUp(p, t);
            long readyAt = p.readyAt(t, 100 * MS, T0 - Long.MAX_VALUE / 2, 500, 5L * MIB, true);
            long next = t + 10 * MS;
            if (readyAt != StreamPipeline.NOTHING_QUEUED && readyAt - t <= 0) {
                while (inFlight < 32) {
                    RequestBatch batch = p.assemble(500, 5L * MIB, true, t, expired::add, 1);
                    if (batch.isEmpty()) {
                        break;
                    }
                    inFlight++;
                    for (int r = 0; r < batch.recordCount(); r++) {
                        queued[shardOf(batch.record(r))]--;
                    }
                    if (t >= measuredFrom) {
                        requestsPerShard[shardOf(batch.record(0))]++;
                    }
                    // 1..5 ms to the service, plus the upload at 50 MB/s
                    long arrives = t + MS + random.nextLong(4 * MS) + (long) batch.bytes() * SECOND / 50_000_000L;
                    arrivals.add(new InFlight(batch, t, arrives));
                }
                next = t + MS; // what is left (limited, locked) is judged again shortly, as the sender does
            } else if (readyAt != StreamPipeline.NOTHING_QUEUED && readyAt - next < 0) {
                next = readyAt;
            }
            if (!arrivals.isEmpty() && arrivals.peek().arrivesAt < next) {
                next = arrivals.peek().arrivesAt;
            }
            if (!answers.isEmpty() && answers.peek().answeredAt < next) {
                next = answers.peek().answeredAt;
            }
            t = Math.max(next, t + 1);
        }

        assertThat(expired).isEmpty();
        assertThat(throttledEntries).as("entries the service throttled").isZero();
        for (int s = 0; s < SHARDS; s++) {
            double use = (double) countedBytes[s] / (MIB * (MEASURED / (double) SECOND));
            assertThat(use).as("shard %d: share of its byte limit the service counted", s).isGreaterThanOrEqualTo(0.97);
            assertThat(requestsPerShard[s]).as("shard %d: requests in %d s (no trickle of small ones)", s, MEASURED / SECOND)
                    .isLessThanOrEqualTo(20 * MEASURED / SECOND);
        }
    }

    /** As the sender does: each shard's entries of the request are reported to its limiter together. */
    private static void feedLimiters(InFlight f, long now) {
        RequestBatch b = f.batch;
        Map<ShardQueue, long[]> perQueue = new IdentityHashMap<>(); // entries, bytes, counted entries, counted bytes
        for (int e = 0; e < b.entryCount(); e++) {
            long[] sums = perQueue.computeIfAbsent(b.record(b.entryStart(e)).queue, q -> new long[4]);
            sums[0]++;
            sums[1] += b.entrySize(e);
            if (!f.throttled[e]) {
                sums[2]++;
                sums[3] += b.entrySize(e);
            }
        }
        perQueue.forEach((q, sums) -> {
            q.limiter.onAnswered((int) sums[0], sums[1], (int) sums[2], sums[3], f.sentAt, now);
            q.limiter.onResult((int) sums[2], (int) (sums[0] - sums[2]), now);
        });
    }

    private static int entryOf(RequestBatch b, int record) {
        for (int e = 0; e < b.entryCount(); e++) {
            if (record < b.entryEnd(e)) {
                return e;
            }
        }
        throw new AssertionError("record " + record + " is in no entry");
    }

    private static int shardOf(PendingRecord r) {
        return (int) (r.hashHigh >>> 62);
    }

    /** Keeps every shard's queue backlogged: at least 3,000 records (3 s of its limit) waiting. */
    private void topUp(StreamPipeline p, long now) {
        for (int s = 0; s < SHARDS; s++) {
            while (queued[s] < 3000) {
                long n = seq++;
                String key = String.format("%016x", n);
                long high = ((long) s << 62) | (n & 0x3FFFFFFFFFFFFFFFL);
                p.enqueue(new PendingRecord("stream", key, null, data, RECORD_SIZE, high, n, now, now + 3600 * SECOND, outstanding));
                queued[s]++;
            }
        }
    }
}
