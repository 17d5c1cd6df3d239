package io.shardwise.benchmarks;

import io.shardwise.producer.testkit.FakeKinesis;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * One benchmark workload.
 *
 * @param id a..e, or the id of a workload of another family (e.g. {@code r100}, {@code l50-1k})
 * @param family which table it belongs to ({@link #MAIN}, {@link #ROUND_TRIP}, {@link #LATENCY},
 *     {@link #SCALE_OUT}, {@link #COLD}, {@link #ORDERING}); {@code --workloads} selects by id or family
 * @param title what it is, for the table
 * @param records user records per producer (count runs), 0 for a timed run
 * @param recordSize bytes of data per user record
 * @param shards shards of the stream
 * @param seconds length of a timed run's measured window
 * @param load offered load of a timed run as a multiple of the stream's limit (all processes together)
 * @param processes producer processes run at once
 * @param producers the producers this workload runs (intersected with {@code --producers})
 * @param roundTripMillis the endpoint's round trip ({@link FakeKinesis#roundTrip}), 0 for none
 * @param hotShare the fraction of records keyed to the stream's first shard (0: random keys, spread evenly)
 * @param openLoop latency from each record's scheduled time, and after the window the processes
 *     stop adding and wait for every acknowledgement, which the endpoint must all have verified
 * @param byRecordsToo the offered load is a multiple of whichever shard limit binds first (records/s
 *     or bytes/s); otherwise of the byte limit alone
 * @param cold no warm-up: the process is told GO before it builds its producer
 * @param entryFailureRate the fraction of PutRecords entries the endpoint fails with {@code InternalFailure}
 *     ({@code FakeKinesis.faults().entryFailureRate}), warm-up included; 0 for none
 * @param keys how many distinct partition keys the records are spread over (at random), 0 for a fresh
 *     random key per record
 */
record Workload(String id, String family, String title, long records, int recordSize, int shards, double seconds,
        double load, int processes, List<String> producers, int roundTripMillis, double hotShare, boolean openLoop,
        boolean byRecordsToo, boolean cold, double entryFailureRate, int keys) {
    static final String MAIN = "main";
    static final String ROUND_TRIP = "roundtrip";
    static final String LATENCY = "latency";
    static final String SCALE_OUT = "scaleout";
    static final String COLD = "cold";
    static final String ORDERING = "ordering";
    static final List<String> FAMILIES = List.of(MAIN, ROUND_TRIP, LATENCY, SCALE_OUT, COLD, ORDERING);
    /** Shardwise with {@code recordMaxBufferedTime} 10 ms, run in the latency workloads. */
    static final String SHARDWISE_10MS = "shardwise-10ms";
    /** Shardwise with {@code ordering(Ordering.KEY_STRICT)}, run in the ordering workloads. */
    static final String SHARDWISE_STRICT = "shardwise-strict";
    /** The ordering family's figures are KEY_STRICT's as a share of SHARD's; the target for each. */
    static final double STRICT_TARGET = 0.80;
    static final List<String> THREE = List.of("shardwise", "kpl", "sdk");

    boolean timed() {
        return records == 0;
    }

    /** Untimed warm-up records per process (none in a cold run). */
    long warmupRecords() {
        if (cold) {
            return 0;
        }
        return timed() ? 2_000 : Math.max(2_000, Math.min(100_000, records / 10));
    }

    /** Offered records per second per process (timed runs); the partition key is about 16 bytes. */
    double ratePerProcess() {
        double perShard = FakeKinesis.DEFAULT_BYTES_PER_SECOND / (recordSize + 16.0);
        if (byRecordsToo) {
            perShard = Math.min(perShard, FakeKinesis.DEFAULT_RECORDS_PER_SECOND);
        }
        return load * shards * perShard / processes;
    }

    /** @return whether {@code --workloads} names this workload or its family */
    boolean selectedBy(Collection<String> names) {
        return names.contains(id) || names.contains(family);
    }

    private static Workload count(String id, String family, String title, long records, int size, int shards,
            List<String> producers, boolean cold) {
        return new Workload(id, family, title, records, size, shards, 0, 0, 1, producers, 0, 0, false, false, cold, 0,
                0);
    }

    private static Workload timed(String id, String family, String title, int size, double seconds, double load,
            int processes, List<String> producers, int roundTripMillis, double hotShare) {
        return new Workload(id, family, title, 0, size, 4, seconds, load, processes, producers, roundTripMillis, hotShare,
                false, false, false, 0, 0);
    }

    /**
     * Every workload.
     *
     * @param scale divides the record counts of count runs
     * @param seconds window of (d), (e) and the round-trip sweep
     * @param latencySeconds window of each latency run
     * @param scaleOutSeconds window of each scale-out run
     * @param limitRecordSize record size of (d), (e), the round-trip sweep and scale-out
     * @param quick the smoke run: one scaled-down workload per new family, Shardwise only
     */
    static List<Workload> all(double scale, double seconds, double latencySeconds, double scaleOutSeconds,
            int limitRecordSize, boolean quick) {
        List<Workload> all = new ArrayList<>();
        all.add(count("a", MAIN, fmt(scale, 1_000_000) + " x 100 B, random keys, 256 shards",
                (long) (1_000_000 / scale), 100, 256, THREE, false));
        all.add(count("b", MAIN, fmt(scale, 200_000) + " x 1,000 B, 256 shards", (long) (200_000 / scale), 1_000, 256,
                THREE, false));
        all.add(count("c", MAIN, fmt(scale, 100_000) + " x 10,000 B, 256 shards", (long) (100_000 / scale), 10_000, 256,
                THREE, false));
        all.add(timed("d", MAIN, "limits enforced, 4 shards, " + (int) seconds + " s at 3x the byte limit, "
                + limitRecordSize + " B", limitRecordSize, seconds, 3.0, 1, THREE, 0, 0));
        all.add(timed("e", MAIN, "as (d), two producer processes at once (1.5x each)", limitRecordSize, seconds, 3.0, 2,
                THREE, 0, 0));

        // the smoke run (CI) runs each new family once, Shardwise only: the harness paths they add are
        // the same for every producer
        List<String> one = List.of("shardwise");

        for (int rt : quick ? new int[] {300} : new int[] {0, 50, 100, 300}) {
            all.add(timed("r" + rt, ROUND_TRIP, "as (d), the endpoint answering every request " + rt + " ms late",
                    limitRecordSize, seconds, 3.0, 1, quick ? one : THREE, rt, 0));
        }

        List<String> latencyProducers = quick ? one : List.of("shardwise", SHARDWISE_10MS, "kpl", "sdk");
        for (int size : quick ? new int[] {1_000} : new int[] {100, 1_000}) {
            for (int percent : quick ? new int[] {50} : new int[] {10, 50, 90}) {
                String sizeName = size == 100 ? "100" : "1k";
                all.add(new Workload("l" + percent + "-" + sizeName, LATENCY, "latency: 4 shards, " + percent
                        + " % of the stream's limit, " + String.format("%,d", size) + " B, " + fmt(latencySeconds)
                        + " s open loop", 0, size, 4, latencySeconds, percent / 100.0, 1, latencyProducers, 0, 0, true,
                        true, false, 0, 0));
            }
        }

        for (int n : quick ? new int[0] : new int[] {2, 4, 8}) {
            all.add(timed("s" + n, SCALE_OUT, "scale-out: " + n + " producer processes, 4 shards, " + fmt(scaleOutSeconds)
                    + " s at 3x the byte limit in total, " + limitRecordSize + " B", limitRecordSize, scaleOutSeconds, 3.0,
                    n, THREE, 0, 0));
        }
        all.add(timed("sh", SCALE_OUT, "1 hot shard among 4: 2 processes, " + fmt(scaleOutSeconds) + " s at 1x the byte"
                + " limit in total, half of the records keyed to the first shard, the rest at random (the first shard"
                + " offered 2.5x its limit, the others 0.5x; at best 62.5 % of the stream's limit), " + limitRecordSize
                + " B", limitRecordSize, scaleOutSeconds, 1.0, 2,
                quick ? one : THREE, 0, 0.5));

        all.add(count("a-cold", COLD, "cold start: " + fmt(scale, 1_000_000) + " x 100 B, random keys, 256 shards, from"
                + " a fresh JVM (no warm-up; GO before the producer is built)", (long) (1_000_000 / scale), 100, 256,
                quick ? one : THREE, true));

        // SHARD (the default) against KEY_STRICT, each workload run by both back to back; the smoke run
        // runs one short KEY_STRICT row with failures (the harness path of injected failures and the
        // strict producer)
        List<String> both = List.of("shardwise", SHARDWISE_STRICT);
        if (!quick) {
            all.add(ordering(count("oa", ORDERING, "as (a): " + fmt(scale, 1_000_000) + " x 100 B, random keys, 256"
                    + " shards", (long) (1_000_000 / scale), 100, 256, both, false), 0, 0));
            all.add(ordering(timed("od", ORDERING, "as (d): 4 shards, " + (int) seconds + " s at 3x the byte limit, "
                    + limitRecordSize + " B", limitRecordSize, seconds, 3.0, 1, both, 0, 0), 0, 0));
        }
        all.add(ordering(count("oa-f1", ORDERING, "as (a), the endpoint failing 1 % of entries with InternalFailure: "
                + fmt(scale, 1_000_000) + " x 100 B, random keys, 256 shards", (long) (1_000_000 / scale), 100, 256,
                quick ? List.of(SHARDWISE_STRICT) : both, false), 0.01, 0));
        if (!quick) {
            all.add(ordering(timed("od-f1", ORDERING, "as (d), the endpoint failing 1 % of entries with"
                    + " InternalFailure: 4 shards, " + (int) seconds + " s at 3x the byte limit, " + limitRecordSize
                    + " B", limitRecordSize, seconds, 3.0, 1, both, 0, 0), 0.01, 0));
            all.add(ordering(count("oa-f1-k1k", ORDERING, "as (oa-f1), the records spread over 1,000 partition keys"
                    + " (about 4 a shard; a failed entry holds back later records of its keys): " + fmt(scale,
                    1_000_000) + " x 100 B, 256 shards", (long) (1_000_000 / scale), 100, 256, both, false), 0.01,
                    1_000));
        }
        return all;
    }

    /** {@code w} with entries failed at {@code entryFailureRate} and records over {@code keys} keys (0: random). */
    private static Workload ordering(Workload w, double entryFailureRate, int keys) {
        return new Workload(w.id, w.family, w.title, w.records, w.recordSize, w.shards, w.seconds, w.load, w.processes,
                w.producers, w.roundTripMillis, w.hotShare, w.openLoop, w.byRecordsToo, w.cold, entryFailureRate, keys);
    }

    private static String fmt(double scale, long n) {
        return String.format("%,d", (long) (n / scale));
    }

    private static String fmt(double seconds) {
        return seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds);
    }
}
