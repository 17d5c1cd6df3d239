package io.shardwise.benchmarks;

import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.Deaggregator;
import io.shardwise.producer.aggregation.InvalidAggregatedRecordException;
import io.shardwise.producer.testkit.StoredRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * The endpoint's record listener: deaggregates every stored Kinesis record (the
 * {@link Deaggregator} checks each aggregate's MD5 trailer) and checks that every user record's hash
 * key (its explicit hash key, else the MD5 of its partition key) lies in the hash-key range of the
 * shard it was stored on. Counts, per producer process, verified user records, their bytes,
 * misrouted ones and duplicates (by the index each benchmark record carries, see {@link Payloads}),
 * and what the service would bill for the stored Kinesis records holding measured user records:
 * every stored copy (retried duplicates included), each of size data + partition key, counted in
 * {@link #PUT_PAYLOAD_UNIT} units (provisioned streams) and rounded up to {@link #ON_DEMAND_UNIT}
 * (on-demand streams).
 *
 * <p>The endpoint calls {@link #accept} on its worker threads before it answers; that only queues the
 * record, and one verifier thread does the work, so verification costs CPU but adds no latency to
 * the producer's requests. {@link #drain} waits until everything queued is verified.
 */
final class Verifier implements Consumer<StoredRecord>, AutoCloseable {
    static final int MAX_PRODUCERS = 8;
    /**
     * Bytes per PUT payload unit: "25KB payload chunks" (AWS Kinesis Data Streams pricing page, which
     * defines 1 KB as 1,024 bytes for on-demand Data-In), so 25 x 1,024.
     */
    static final int PUT_PAYLOAD_UNIT = 25 * 1024;
    /** On-demand Data-In rounds each record up to "the nearest 1 KB (1,024 bytes)" (same page). */
    static final int ON_DEMAND_UNIT = 1024;

    /** Per producer process. */
    static final class Tally {
        final LongAdder measuredOk = new LongAdder();
        final LongAdder measuredBytes = new LongAdder();
        final LongAdder warmupOk = new LongAdder();
        final LongAdder misrouted = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        /** Stored Kinesis records holding this process's measured user records (every copy). */
        final LongAdder kinesisRecords = new LongAdder();
        /** Their PUT payload units: each record's ceil((data + partition key) / 25 KiB). */
        final LongAdder putUnits = new LongAdder();
        /** Their on-demand billed bytes: each record's data + partition key rounded up to 1 KiB. */
        final LongAdder onDemandBytes = new LongAdder();
        private final BitSet seen = new BitSet();

        synchronized boolean firstTime(long index) {
            if (index < 0 || index >= Integer.MAX_VALUE) {
                return true;
            }
            int i = (int) index;
            if (seen.get(i)) {
                return false;
            }
            seen.set(i);
            return true;
        }

        synchronized long distinct() {
            return seen.cardinality();
        }
    }

    /** A snapshot of one producer's tally. */
    record TallySnapshot(long measuredOk, long measuredBytes, long warmupOk, long misrouted, long duplicates,
            long kinesisRecords, long putUnits, long onDemandBytes) {
        TallySnapshot minus(TallySnapshot o) {
            return new TallySnapshot(measuredOk - o.measuredOk, measuredBytes - o.measuredBytes, warmupOk - o.warmupOk,
                    misrouted - o.misrouted, duplicates - o.duplicates, kinesisRecords - o.kinesisRecords,
                    putUnits - o.putUnits, onDemandBytes - o.onDemandBytes);
        }
    }

    /**
     * The tallies of the first processes and, per shard id, the bytes (data + partition key) of every
     * Kinesis record stored on it, warm-up included, at one point of the stored sequence.
     */
    record Snapshot(TallySnapshot[] tallies, Map<String, Long> shardBytes) {
    }

    private final Tally[] tallies = new Tally[MAX_PRODUCERS];
    /** Only the verifier thread writes it. */
    private final Map<String, Long> shardBytes = new HashMap<>();
    final LongAdder kinesisRecords = new LongAdder();
    final LongAdder aggregatedRecords = new LongAdder();
    final LongAdder invalidAggregates = new LongAdder();
    final LongAdder foreign = new LongAdder();
    private volatile Map<String, long[]> ranges = Map.of();
    private final ThreadLocal<MessageDigest> md5 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Stored records, and {@link Mark}s asking for a snapshot of the tallies at that point. */
    private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final Thread worker;

    private record Mark(int processes, CompletableFuture<Snapshot> result) {
    }

    Verifier() {
        for (int i = 0; i < MAX_PRODUCERS; i++) {
            tallies[i] = new Tally();
        }
        worker = new Thread(this::work, "verifier");
        worker.setDaemon(true);
        worker.start();
    }

    private void work() {
        try {
            while (true) {
                Object o = queue.take();
                if (o instanceof Mark m) {
                    TallySnapshot[] out = new TallySnapshot[m.processes()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = snapshot(i);
                    }
                    m.result().complete(new Snapshot(out, Map.copyOf(shardBytes)));
                    continue;
                }
                try {
                    verify((StoredRecord) o);
                } catch (RuntimeException e) {
                    foreign.increment();
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /**
     * The tallies of the first {@code processes} producers over exactly the records stored before
     * this call, once the verifier has got through them.
     */
    TallySnapshot[] tallies(int processes, Duration timeout) throws Exception {
        return snapshot(processes, timeout).tallies();
    }

    /** As {@link #tallies}, with the bytes stored per shard at the same point. */
    Snapshot snapshot(int processes, Duration timeout) throws Exception {
        Mark m = new Mark(processes, new CompletableFuture<>());
        queue.add(m);
        return m.result().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        worker.interrupt();
    }

    /** Sets the shards' hash-key ranges (before traffic starts). */
    void shards(List<Shard> shards) {
        Map<String, long[]> m = new HashMap<>();
        for (Shard s : shards) {
            BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
            m.put(s.shardId(), new long[] {start.shiftRight(64).longValue(), start.longValue(),
                    end.shiftRight(64).longValue(), end.longValue()});
        }
        ranges = m;
    }

    Tally tally(int producerId) {
        return tallies[producerId];
    }

    private TallySnapshot snapshot(int producerId) {
        Tally t = tallies[producerId];
        return new TallySnapshot(t.measuredOk.sum(), t.measuredBytes.sum(), t.warmupOk.sum(), t.misrouted.sum(),
                t.duplicates.sum(), t.kinesisRecords.sum(), t.putUnits.sum(), t.onDemandBytes.sum());
    }

    @Override
    public void accept(StoredRecord r) {
        queue.add(r);
    }

    private void verify(StoredRecord r) {
        kinesisRecords.increment();
        shardBytes.merge(r.shardId(), billedSize(r), Long::sum);
        long[] range = ranges.get(r.shardId());
        List<DeaggregatedRecord> users;
        try {
            users = Deaggregator.create().deaggregate(r.data(), r.partitionKey(), r.explicitHashKey().orElse(null));
        } catch (InvalidAggregatedRecordException e) {
            invalidAggregates.increment();
            return;
        }
        if (users.size() > 1 || (users.size() == 1 && users.get(0).aggregated())) {
            aggregatedRecords.increment();
        }
        long[] h = new long[2];
        Tally billedTo = null;
        for (DeaggregatedRecord u : users) {
            ByteBuffer data = u.dataBuffer();
            if (data.remaining() < Payloads.HEADER) {
                foreign.increment();
                continue;
            }
            int p = data.get(data.position() + 8);
            if (p < 0 || p >= MAX_PRODUCERS) {
                foreign.increment();
                continue;
            }
            Tally t = tallies[p];
            boolean measured = data.get(data.position() + 9) == Payloads.MEASURED;
            if (measured) {
                billedTo = t; // a misrouted or duplicate copy is billed all the same
            }
            hashKey(u, h);
            if (range == null || !inRange(h, range)) {
                t.misrouted.increment();
                continue;
            }
            if (measured) {
                if (t.firstTime(data.getLong(data.position()))) {
                    t.measuredOk.increment();
                    t.measuredBytes.add(data.remaining());
                } else {
                    t.duplicates.increment();
                }
            } else {
                t.warmupOk.increment();
            }
        }
        if (billedTo != null) {
            bill(billedTo, r);
        }
    }

    /**
     * Counts one stored Kinesis record as the service bills it: size = data + partition key (UTF-8),
     * as the record size limit counts them; whether its user records were first copies or not.
     */
    private static void bill(Tally t, StoredRecord r) {
        long size = billedSize(r);
        t.kinesisRecords.increment();
        t.putUnits.add(Math.max(1, ceilDiv(size, PUT_PAYLOAD_UNIT)));
        t.onDemandBytes.add(Math.max(1, ceilDiv(size, ON_DEMAND_UNIT)) * ON_DEMAND_UNIT);
    }

    /** Data + partition key (UTF-8): what the shard limits and the bill count. */
    private static long billedSize(StoredRecord r) {
        return (long) r.data().length + r.partitionKey().getBytes(StandardCharsets.UTF_8).length;
    }

    static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private void hashKey(DeaggregatedRecord u, long[] out) {
        if (u.explicitHashKey().isPresent()) {
            BigInteger v = new BigInteger(u.explicitHashKey().get());
            out[0] = v.shiftRight(64).longValue();
            out[1] = v.longValue();
            return;
        }
        byte[] d = md5.get().digest(u.partitionKey().getBytes(StandardCharsets.UTF_8));
        out[0] = ByteBuffer.wrap(d, 0, 8).getLong();
        out[1] = ByteBuffer.wrap(d, 8, 8).getLong();
    }

    private static boolean inRange(long[] h, long[] range) {
        return compare(h[0], h[1], range[0], range[1]) >= 0 && compare(h[0], h[1], range[2], range[3]) <= 0;
    }

    private static int compare(long aHi, long aLo, long bHi, long bLo) {
        int c = Long.compareUnsigned(aHi, bHi);
        return c != 0 ? c : Long.compareUnsigned(aLo, bLo);
    }
}
