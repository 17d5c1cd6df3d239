package io.shardwise.benchmarks;

import io.shardwise.producer.testkit.FakeKinesis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The figures of one producer in one workload.
 *
 * @param recordsPerSecond user records per second (count runs: all records over the time to the
 *     last acknowledgement; timed runs: user records the endpoint stored in the window)
 * @param megabytesPerSecond the same in user-data megabytes (10^6 bytes)
 * @param cpuSeconds CPU of the producer processes and their children (the KPL daemon) over the run
 * @param recordsPerCpuSecond user records per CPU second
 * @param peakRssMiB sum of each process's peak resident set
 * @param p50Millis median add-to-acknowledgement latency
 * @param p99Millis 99th percentile
 * @param throttledRatio Kinesis entries the endpoint throttled / entries it received
 * @param verified measured user records the endpoint stored on the right shard (first copies)
 * @param expected records added (count runs), -1 for timed runs
 * @param utilisation timed runs: bytes stored / (shards x 1 MiB/s x window); NaN otherwise
 * @param shares timed runs with several processes: each one's share of the bytes stored
 * @param userRecordsPerKinesisRecord user records per stored Kinesis record (aggregation)
 * @param putRecordsRequests PutRecords requests the endpoint served in the run
 * @param failed records whose future failed in the producer
 * @param misrouted user records stored on a shard whose range does not hold their hash key
 * @param invalid aggregates with a bad MD5 or format
 * @param duplicates user records stored more than once
 * @param seconds the measured time
 * @param endpointCpuSeconds CPU of the harness's JVM (the endpoint and the verifier) over the run
 * @param kinesisRecordsPerMillion stored Kinesis records holding measured user records (every stored
 *     copy, duplicates included) per million verified user records
 * @param putUnitsPerMillion their PUT payload units (each record's data + partition key in 25 KiB
 *     units, rounded up; provisioned streams) per million verified user records
 * @param onDemandGiBPerMillion their on-demand billed bytes (each record rounded up to 1 KiB), in GiB,
 *     per million verified user records
 * @param p999Millis 99.9th percentile latency
 * @param offeredPerSecond timed runs: the user records per second all processes were told to add
 * @param behind open-loop runs: records due by STOP that the adding thread had not added (they
 *     count in the latency as late as STOP)
 * @param acknowledged user records acknowledged as stored (all of them: open-loop runs wait for
 *     the last one after STOP)
 * @param verifiedAfterDrain open-loop runs: measured user records the endpoint verified once every
 *     acknowledgement was in; -1 otherwise
 * @param buildMillis cold runs: from GO to the producer built; NaN otherwise
 * @param firstAckMillis cold runs: from GO (just before the producer is built) to the first
 *     acknowledgement; NaN otherwise
 * @param hotShardUse runs with a hot shard: the hot shard's bytes / its byte limit over the window
 * @param otherShardsUse runs with a hot shard: the other shards' together
 * @param failureKinds failed records by exception, {@code Kind:count} per process joined with {@code ;}
 * @param injectedFailureRatio Kinesis entries the endpoint failed by injection ({@code InternalFailure}) /
 *     entries it received
 */
record Row(Workload workload, String producer, double recordsPerSecond, double megabytesPerSecond, double cpuSeconds,
        double recordsPerCpuSecond, double peakRssMiB, double p50Millis, double p99Millis, double throttledRatio,
        long verified, long expected, double utilisation, String shares, double userRecordsPerKinesisRecord,
        long putRecordsRequests, long failed, long misrouted, long invalid, long duplicates, double seconds,
        double endpointCpuSeconds, double kinesisRecordsPerMillion, double putUnitsPerMillion,
        double onDemandGiBPerMillion, double p999Millis, double offeredPerSecond, long behind, long acknowledged,
        long verifiedAfterDrain, double buildMillis, double firstAckMillis, double hotShardUse, double otherShardsUse,
        String failureKinds, double injectedFailureRatio) {

    static Row of(Workload w, String producer, List<Map<String, String>> results, FakeKinesis.Counters c0,
            FakeKinesis.Counters c1, Verifier.Snapshot s0, Verifier.Snapshot s1, Verifier.TallySnapshot[] drained,
            double window, Verifier verifier, double endpointCpuSeconds, List<String> shardIds) {
        Verifier.TallySnapshot[] t0 = s0.tallies();
        Verifier.TallySnapshot[] t1 = s1.tallies();
        long behind = 0;
        long acknowledged = 0;
        double buildMillis = Double.NaN;
        double firstAckMillis = Double.NaN;
        List<String> kinds = new ArrayList<>();
        long cpuTicks = 0;
        long rssKiB = 0;
        long failed = 0;
        double slowest = 0;
        LatencyHistogram h = new LatencyHistogram();
        for (Map<String, String> r : results) {
            cpuTicks += Long.parseLong(r.get("cpuTicks"));
            rssKiB += Long.parseLong(r.get("peakRssKiB"));
            failed += Long.parseLong(r.get("failed"));
            slowest = Math.max(slowest, Long.parseLong(r.get("elapsedNanos")) / 1e9);
            h.add(LatencyHistogram.decode(r.get("hist")));
            behind += Long.parseLong(r.getOrDefault("behind", "0"));
            kinds.add(r.getOrDefault("failures", "-"));
            acknowledged += Long.parseLong(r.get("succeeded"));
            if (w.cold()) {
                buildMillis = Long.parseLong(r.get("buildNanos")) / 1e6;
                long first = Long.parseLong(r.get("firstAckNanos"));
                firstAckMillis = first < 0 ? Double.NaN : first / 1e6;
            }
        }
        long verifiedAfterDrain = -1;
        if (drained != null) {
            verifiedAfterDrain = 0;
            for (int i = 0; i < t0.length; i++) {
                verifiedAfterDrain += drained[i].minus(t0[i]).measuredOk();
            }
        }
        double hotShardUse = Double.NaN;
        double otherShardsUse = Double.NaN;
        if (w.hotShare() > 0 && w.timed()) {
            double perShard = FakeKinesis.DEFAULT_BYTES_PER_SECOND * window;
            long others = 0;
            for (int i = 0; i < shardIds.size(); i++) {
                String shard = shardIds.get(i);
                long b = s1.shardBytes().getOrDefault(shard, 0L) - s0.shardBytes().getOrDefault(shard, 0L);
                if (i == 0) {
                    hotShardUse = b / perShard;
                } else {
                    others += b;
                }
            }
            otherShardsUse = others / (perShard * (shardIds.size() - 1));
        }
        long verified = 0;
        long bytes = 0;
        long misrouted = 0;
        long dups = 0;
        long kinesisRecords = 0;
        long putUnits = 0;
        long onDemandBytes = 0;
        List<Long> perProcessBytes = new ArrayList<>();
        for (int i = 0; i < t0.length; i++) {
            Verifier.TallySnapshot d = t1[i].minus(t0[i]);
            verified += d.measuredOk();
            bytes += d.measuredBytes();
            misrouted += d.misrouted();
            dups += d.duplicates();
            kinesisRecords += d.kinesisRecords();
            putUnits += d.putUnits();
            onDemandBytes += d.onDemandBytes();
            perProcessBytes.add(d.measuredBytes());
        }
        double seconds = w.timed() ? window : slowest;
        double cpu = cpuTicks / (double) ProcStats.TICKS_PER_SECOND;
        long expected = w.timed() ? -1 : w.records() * w.processes();
        double records = w.timed() ? verified : expected;
        long received = c1.entriesReceived() - c0.entriesReceived();
        long throttled = c1.entriesThrottled() - c0.entriesThrottled();
        long stored = c1.entriesStored() - c0.entriesStored();
        long injected = c1.entriesFailedByInjection() - c0.entriesFailedByInjection();
        double utilisation = Double.NaN;
        String shares = "";
        if (w.timed()) {
            utilisation = (c1.bytesStored() - c0.bytesStored())
                    / (w.shards() * (double) FakeKinesis.DEFAULT_BYTES_PER_SECOND * window);
            if (perProcessBytes.size() > 1 && bytes > 0) {
                StringBuilder sb = new StringBuilder();
                for (long b : perProcessBytes) {
                    sb.append(sb.length() == 0 ? "" : "/").append(Math.round(100.0 * b / bytes));
                }
                shares = sb.toString();
            }
        }
        return new Row(w, producer,
                records / seconds,
                (w.timed() ? bytes : records * w.recordSize()) / seconds / 1e6,
                cpu,
                cpu > 0 ? records / cpu : Double.NaN,
                rssKiB / 1024.0,
                h.quantile(0.50) / 1000.0,
                h.quantile(0.99) / 1000.0,
                received > 0 ? throttled / (double) received : 0,
                verified, expected, utilisation, shares,
                stored > 0 ? verified / (double) stored : Double.NaN,
                c1.requests("PutRecords") - c0.requests("PutRecords"),
                failed, misrouted, verifier.invalidAggregates.sum(), dups, seconds, endpointCpuSeconds,
                perMillion(kinesisRecords, verified), perMillion(putUnits, verified),
                perMillion(onDemandBytes, verified) / (1L << 30),
                h.quantile(0.999) / 1000.0,
                w.timed() ? w.ratePerProcess() * w.processes() : Double.NaN,
                behind, acknowledged, verifiedAfterDrain, buildMillis, firstAckMillis, hotShardUse, otherShardsUse,
                String.join(";", kinds), received > 0 ? injected / (double) received : 0);
    }

    /** {@code count} per million verified user records; NaN if none was verified. */
    private static double perMillion(long count, long verified) {
        return verified > 0 ? count * 1e6 / verified : Double.NaN;
    }

    List<String> problems() {
        List<String> p = new ArrayList<>();
        String at = "(" + workload.id() + ") " + producer + ": ";
        if (misrouted > 0) {
            p.add(at + misrouted + " user records stored on a shard that does not hold their hash key");
        }
        if (invalid > 0) {
            p.add(at + invalid + " invalid aggregated records");
        }
        if (expected >= 0 && verified != expected) {
            p.add(at + "endpoint verified " + verified + " of " + expected + " records");
        }
        if (expected < 0 && verified == 0) {
            p.add(at + "no records stored in the window");
        }
        if ((expected >= 0 || verifiedAfterDrain >= 0) && failed > 0) {
            p.add(at + failed + " records failed (" + failureKinds + ")");
        }
        if (verifiedAfterDrain >= 0 && verifiedAfterDrain != acknowledged) {
            p.add(at + "endpoint verified " + verifiedAfterDrain + " of the " + acknowledged
                    + " records acknowledged after STOP");
        }
        return p;
    }
}
