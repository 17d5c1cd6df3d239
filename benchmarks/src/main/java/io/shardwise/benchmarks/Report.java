package io.shardwise.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Formats {@link Row}s: a console line, a text table, Markdown, and the Shardwise/KPL ratios.
 *
 * <p>Long because every workload family (main, round trip, latency, scale-out, cold start, ordering) has its
 * own table and explaining paragraph, generated here so that docs/benchmarks.md comes from one place.
 */
final class Report {
    private Report() {
    }

    static final String[] HEADERS = {"workload", "producer", "records/s", "MB/s", "CPU s", "records/CPU-s",
        "peak RSS MiB", "p50 ms", "p99 ms", "throttled", "verified", "byte-limit use", "shares",
        "user rec/Kinesis rec", "PutRecords", "endpoint CPU s", "Kinesis rec/M", "PUT units/M", "on-demand GiB/M"};

    /** The figures compared as Shardwise/KPL. */
    static final Map<String, ToDoubleFunction<Row>> RATIOS = new LinkedHashMap<>();

    static {
        RATIOS.put("records/s", Row::recordsPerSecond);
        RATIOS.put("MB/s", Row::megabytesPerSecond);
        RATIOS.put("CPU s", Row::cpuSeconds);
        RATIOS.put("records/CPU-s", Row::recordsPerCpuSecond);
        RATIOS.put("peak RSS", Row::peakRssMiB);
        RATIOS.put("p50", Row::p50Millis);
        RATIOS.put("p99", Row::p99Millis);
        RATIOS.put("throttled", Row::throttledRatio);
        RATIOS.put("byte-limit use", Row::utilisation);
        RATIOS.put("Kinesis rec/M", Row::kinesisRecordsPerMillion);
        RATIOS.put("PUT units/M", Row::putUnitsPerMillion);
        RATIOS.put("on-demand GiB/M", Row::onDemandGiBPerMillion);
    }

    static String consoleRow(Row r) {
        String[] c = cells(r);
        return String.format("%-9s %11s rec/s %8s MB/s  cpu %7s s  %10s rec/cpu-s  rss %6s MiB  p50 %8s ms  p99 %8s ms"
                        + "  throttled %6s  verified %s%s%s  Kinesis rec/M %s  PUT units/M %s  on-demand GiB/M %s",
                c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10],
                c[11].isEmpty() ? "" : "  limit use " + c[11], c[12].isEmpty() ? "" : "  shares " + c[12],
                c[16], c[17], c[18]);
    }

    static String[] cells(Row r) {
        return new String[] {
            r.workload().id(),
            r.producer(),
            String.format("%,.0f", r.recordsPerSecond()),
            String.format("%,.1f", r.megabytesPerSecond()),
            String.format("%,.2f", r.cpuSeconds()),
            String.format("%,.0f", r.recordsPerCpuSecond()),
            String.format("%,.0f", r.peakRssMiB()),
            ms(r.p50Millis()),
            ms(r.p99Millis()),
            String.format("%.2f%%", 100 * r.throttledRatio()),
            (r.expected() >= 0 ? String.format("%,d/%,d", r.verified(), r.expected()) : String.format("%,d", r.verified()))
                    + (r.duplicates() > 0 ? String.format(" (+%,d dup)", r.duplicates()) : ""),
            Double.isNaN(r.utilisation()) ? "" : String.format("%.1f%%", 100 * r.utilisation()),
            r.shares(),
            Double.isNaN(r.userRecordsPerKinesisRecord()) ? "" : String.format("%.1f", r.userRecordsPerKinesisRecord()),
            String.format("%,d", r.putRecordsRequests()),
            String.format("%,.2f", r.endpointCpuSeconds()),
            perMillion("%,.0f", r.kinesisRecordsPerMillion()),
            perMillion("%,.0f", r.putUnitsPerMillion()),
            perMillion("%,.3f", r.onDemandGiBPerMillion()),
        };
    }

    private static String perMillion(String format, double v) {
        return Double.isNaN(v) ? "-" : String.format(format, v);
    }

    private static String ms(double v) {
        return v < 0 ? "-" : v < 10 ? String.format("%.2f", v) : String.format("%,.0f", v);
    }

    static String text(List<Row> rows) {
        List<String[]> table = new ArrayList<>();
        table.add(HEADERS);
        for (Row r : family(rows, Workload.MAIN)) {
            table.add(cells(r));
        }
        StringBuilder sb = new StringBuilder(table.size() > 1 ? align(table) : "");
        for (FamilyTable f : familyTables(rows)) {
            sb.append('\n').append(f.title()).append(":\n").append(align(f.table()));
        }
        List<String[]> ratios = ratioTable(rows);
        if (ratios.size() > 1) {
            sb.append("\nShardwise / KPL (above 1 is better for records/s, MB/s, records/CPU-s and byte-limit use;"
                    + " below 1 is better for CPU s, RSS, latency, throttling and the cost columns Kinesis rec/M,"
                    + " PUT units/M and on-demand GiB/M):\n");
            sb.append(align(ratios));
        }
        return sb.toString();
    }

    static List<String[]> ratioTable(List<Row> rows) {
        List<String[]> out = new ArrayList<>();
        List<String> head = new ArrayList<>(List.of("workload"));
        head.addAll(RATIOS.keySet());
        out.add(head.toArray(new String[0]));
        Map<String, Row> shardwise = new LinkedHashMap<>();
        Map<String, Row> kpl = new LinkedHashMap<>();
        for (Row r : rows) {
            if (!r.workload().family().equals(Workload.MAIN) && !r.workload().family().equals(Workload.COLD)) {
                continue;
            }
            if (r.producer().equals("shardwise")) {
                shardwise.put(r.workload().id(), r);
            } else if (r.producer().equals("kpl")) {
                kpl.put(r.workload().id(), r);
            }
        }
        for (Map.Entry<String, Row> e : shardwise.entrySet()) {
            Row k = kpl.get(e.getKey());
            if (k == null) {
                continue;
            }
            List<String> line = new ArrayList<>(List.of(e.getKey()));
            for (ToDoubleFunction<Row> f : RATIOS.values()) {
                double s = f.applyAsDouble(e.getValue());
                double b = f.applyAsDouble(k);
                line.add(Double.isNaN(s) || Double.isNaN(b) || b <= 0 || s < 0 ? "-" : String.format("%.2fx", s / b));
            }
            out.add(line.toArray(new String[0]));
        }
        return out;
    }

    private static String align(List<String[]> table) {
        int cols = table.get(0).length;
        int[] w = new int[cols];
        for (String[] row : table) {
            for (int i = 0; i < cols; i++) {
                w[i] = Math.max(w[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : table) {
            for (int i = 0; i < cols; i++) {
                String cell = row[i];
                boolean left = i < 2;
                sb.append(left ? String.format("%-" + w[i] + "s", cell) : String.format("%" + w[i] + "s", cell));
                sb.append(i + 1 < cols ? "  " : "\n");
            }
        }
        return sb.toString();
    }

    private static String markdownTable(List<String[]> table, int leftColumns) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < table.size(); r++) {
            sb.append("| ").append(String.join(" | ", table.get(r))).append(" |\n");
            if (r == 0) {
                sb.append("|");
                for (int i = 0; i < table.get(0).length; i++) {
                    sb.append(i < leftColumns ? " --- |" : " ---: |");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code producer}'s rows by workload id. */
    private static Map<String, Row> byWorkload(List<Row> rows, String producer) {
        Map<String, Row> out = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.producer().equals(producer)) {
                out.put(r.workload().id(), r);
            }
        }
        return out;
    }

    private static List<Row> family(List<Row> rows, String family) {
        return rows.stream().filter(r -> r.workload().family().equals(family)).toList();
    }

    /** A table of one family of workloads, with the paragraph saying what it measures. */
    record FamilyTable(String title, String about, List<String[]> table, int leftColumns) {
    }

    private static String seconds(double s) {
        return s == Math.rint(s) ? String.format("%.0f", s) : String.valueOf(s);
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format("%.1f%%", 100 * v);
    }

    /** The tables of the workload families other than a..e, for those that ran. */
    static List<FamilyTable> familyTables(List<Row> rows) {
        List<FamilyTable> out = new ArrayList<>();
        List<Row> rt = family(rows, Workload.ROUND_TRIP);
        if (!rt.isEmpty()) {
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"workload", "producer", "round trip ms", "byte-limit use", "throttled", "records/s",
                "CPU s", "p50 ms", "p99 ms", "PutRecords", "user rec/Kinesis rec", "verified"});
            for (Row r : rt) {
                String[] c = cells(r);
                t.add(new String[] {c[0], c[1], String.valueOf(r.workload().roundTripMillis()), c[11], c[9], c[2], c[4],
                    c[7], c[8], c[14], c[13], c[10]});
            }
            out.add(new FamilyTable("Round trip (workload (d) against a far endpoint)", """
                    Workload (d) (one process, 4 shards, 3x the byte limit offered, limits enforced) with FakeKinesis
                    answering every request the stated time after it processed it (`FakeKinesis.roundTrip`): the
                    writes count against the shard's one-second window when they arrive, as in the service, and the
                    producer learns of them one round trip later. *byte-limit use* is what the endpoint stored in the
                    window over the shards' byte limit; *throttled* is entries refused / entries received. A producer
                    that holds its own window on what it has sent until it hears back leaves capacity unused as the
                    round trip grows.
                    """, t, 2));
        }
        List<Row> lat = family(rows, Workload.LATENCY);
        if (!lat.isEmpty()) {
            Map<String, Row> kpl = byWorkload(lat, "kpl");
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"workload", "producer", "load", "record B", "offered rec/s", "stored rec/s", "p50 ms",
                "p99 ms", "p99.9 ms", "p99 / KPL p99", "behind at STOP", "throttled", "verified / acknowledged",
                "CPU s", "user rec/Kinesis rec", "PUT units/M"});
            for (Row r : lat) {
                String[] c = cells(r);
                Row k = kpl.get(r.workload().id());
                String ratio = k == null || k.p99Millis() <= 0 || r.p99Millis() < 0 ? "-"
                        : String.format("%.2fx", r.p99Millis() / k.p99Millis());
                t.add(new String[] {c[0], c[1], String.format("%.0f%%", 100 * r.workload().load()),
                    String.format("%,d", r.workload().recordSize()), String.format("%,.0f", r.offeredPerSecond()), c[2],
                    c[7], c[8], ms(r.p999Millis()), ratio, String.format("%,d", r.behind()), c[9],
                    String.format("%,d/%,d", r.verifiedAfterDrain(), r.acknowledged()), c[4], c[13], c[17]});
            }
            out.add(new FamilyTable("Latency at a normal load", """
                    4 shards, limits enforced, one process adding records open loop at 10 %, 50 % or 90 % of the
                    stream's limit (whichever shard limit binds first for unaggregated records: 1,000 records/s for
                    100 B and 1,000 B records) for the stated window, then waiting for every acknowledgement.
                    Latency is from each record's *scheduled* time (not the start of its add call) to its
                    acknowledgement, so a producer that holds up the adding thread pays for it in every record due
                    meanwhile; records due by STOP but never added count as late as STOP (*behind at STOP*).
                    *shardwise* runs `ProducerConfig.defaults()` (`recordMaxBufferedTime` 100 ms),
                    *shardwise-10ms* the same with `recordMaxBufferedTime` 10 ms; the KPL its defaults
                    (`RecordMaxBufferedTime` 100 ms); the SDK loop sends a partial batch after 100 ms.
                    *verified / acknowledged*: measured user records the endpoint verified once every
                    acknowledgement was in, against those acknowledged (the run fails unless they are equal).
                    """, t, 2));
        }
        List<Row> so = family(rows, Workload.SCALE_OUT);
        if (!so.isEmpty()) {
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"workload", "producer", "processes", "byte-limit use", "throttled", "shares",
                "hot shard use", "other shards use", "records/s", "PutRecords", "CPU s", "p50 ms", "p99 ms",
                "verified"});
            for (Row r : so) {
                String[] c = cells(r);
                t.add(new String[] {c[0], c[1], String.valueOf(r.workload().processes()), c[11], c[9], c[12],
                    pct(r.hotShardUse()), pct(r.otherShardsUse()), c[2], c[14], c[4], c[7], c[8], c[10]});
            }
            out.add(new FamilyTable("Scale-out: many producers on one stream", """
                    2, 4 and 8 producer processes (one producer each, as one per service instance) on one 4-shard
                    stream, limits enforced, offering 3x the stream's byte limit in total (each 1/n of it), 1,000 B
                    records. *shares* are each process's part of the user bytes stored (even is 100/n each).
                    *sh*: a hot shard, 2 processes offering 1x the stream's byte limit in total with half of the
                    records keyed to the first shard and the rest at random over all four (the first shard offered
                    2.5x its limit, the others 0.5x each): at best the hot shard is used 100 % and the others 50 %
                    (62.5 % of the stream), the others never throttled; *hot shard use* and
                    *other shards use* are the bytes stored on each over its byte limit in the window (from every
                    stored Kinesis record, so a backlog another shard is held up by shows as unused capacity).
                    """, t, 2));
        }
        List<Row> cold = family(rows, Workload.COLD);
        if (!cold.isEmpty()) {
            List<String[]> t = new ArrayList<>();
            t.add(new String[] {"workload", "producer", "records/s", "CPU s", "records/CPU-s", "build ms",
                "GO to first ack ms", "p50 ms", "p99 ms", "peak RSS MiB", "user rec/Kinesis rec", "verified"});
            for (Row r : cold) {
                String[] c = cells(r);
                t.add(new String[] {c[0], c[1], c[2], c[4], c[5], ms(r.buildMillis()), ms(r.firstAckMillis()), c[7],
                    c[8], c[6], c[13], c[10]});
            }
            out.add(new FamilyTable("Cold start", """
                    Workload (a) from a fresh JVM with no warm-up, as a Lambda function or a short batch job runs it:
                    the process starts, says READY before building anything, and on GO builds the producer
                    (`build()`; for the KPL, starting its native daemon) and adds the records as fast as the producer
                    takes them. records/s and CPU s run from GO to the last acknowledgement, so they include building
                    the producer, class loading, the TLS handshakes and the code running interpreted or at C1
                    before the JIT compiles it (the JVM's own start, before READY, is not counted). *build ms*: GO to
                    the producer built; *GO to first ack ms*: GO to the first record acknowledged.
                    """, t, 2));
        }
        List<Row> ord = family(rows, Workload.ORDERING);
        if (!ord.isEmpty()) {
            out.add(new FamilyTable("Ordering: SHARD against KEY_STRICT", """
                    Each workload run by *shardwise* (`ProducerConfig.defaults()`, `ordering(SHARD)`) and
                    *shardwise-strict* (the same with `ordering(KEY_STRICT)`) back to back. *oa*, *od*: as (a)
                    and (d); *-f1*: FakeKinesis fails 1 %% of the PutRecords entries it receives with
                    `InternalFailure` (warm-up included), which the producer retries; *oa-f1-k1k*: as *oa-f1* with
                    the records spread over 1,000 partition keys, so later records of a failed entry's keys wait
                    for its retry in KEY_STRICT. *KEY_STRICT / SHARD*: KEY_STRICT's records/s over SHARD's in the
                    same workload and round of the same run, against the target (at least %.0f %%); *per CPU-s
                    KEY_STRICT / SHARD* the same for records per CPU second, which what else runs on the machine
                    disturbs less than records/s; with
                    `--repeat N` the rounds alternate which runs first, and *median of N* gives the median share
                    (and the lowest..highest) and KEY_STRICT's median records/s. *injected*: entries failed by
                    injection / entries received; *failed*: records whose future failed.
                    """.formatted(100 * Workload.STRICT_TARGET), orderingTable(ord), 3));
        }
        return out;
    }

    /**
     * The ordering family's table: each KEY_STRICT row with its records/s over those of the SHARD row
     * of its workload and round (the i-th of each), and the same for records per CPU second (on a
     * shared machine less disturbed by what else runs); with several rounds, a row per workload with
     * the median of those shares and the records/s share's range.
     */
    static List<String[]> orderingTable(List<Row> rows) {
        Map<String, List<Row>> shard = new LinkedHashMap<>();
        Map<String, List<Row>> strict = new LinkedHashMap<>();
        Map<String, List<Double>> shares = new LinkedHashMap<>();
        Map<String, List<Double>> cpuShares = new LinkedHashMap<>();
        List<String[]> t = new ArrayList<>();
        t.add(new String[] {"workload", "producer", "ordering", "records/s", "KEY_STRICT / SHARD", "target", "CPU s",
            "records/CPU-s", "per CPU-s KEY_STRICT / SHARD", "throttled", "injected", "failed", "p50 ms", "p99 ms", "user rec/Kinesis rec",
            "PutRecords", "verified"});
        for (Row r : rows) {
            String id = r.workload().id();
            boolean isStrict = r.producer().equals(Workload.SHARDWISE_STRICT);
            (isStrict ? strict : shard).computeIfAbsent(id, k -> new ArrayList<>()).add(r);
        }
        for (Row r : rows) {
            String id = r.workload().id();
            boolean isStrict = r.producer().equals(Workload.SHARDWISE_STRICT);
            String ratio = "";
            String target = "";
            String cpuRatio = "";
            if (isStrict) {
                int round = strict.get(id).indexOf(r);
                List<Row> s = shard.getOrDefault(id, List.of());
                if (round < s.size() && s.get(round).recordsPerSecond() > 0) {
                    double q = r.recordsPerSecond() / s.get(round).recordsPerSecond();
                    shares.computeIfAbsent(id, k -> new ArrayList<>()).add(q);
                    ratio = String.format("%.1f%%", 100 * q);
                    target = target(q);
                    double qc = r.recordsPerCpuSecond() / s.get(round).recordsPerCpuSecond();
                    cpuShares.computeIfAbsent(id, k -> new ArrayList<>()).add(qc);
                    cpuRatio = String.format("%.1f%%", 100 * qc);
                }
            }
            String[] c = cells(r);
            t.add(new String[] {c[0], c[1], isStrict ? "KEY_STRICT" : r.producer().equals("shardwise") ? "SHARD" : "-",
                c[2], ratio, target, c[4], c[5], cpuRatio, c[9], String.format("%.2f%%", 100 * r.injectedFailureRatio()),
                String.format("%,d", r.failed()), c[7], c[8], c[13], c[14], c[10]});
        }
        for (Map.Entry<String, List<Double>> e : shares.entrySet()) {
            List<Double> q = e.getValue();
            if (q.size() < 2) {
                continue;
            }
            List<Double> sorted = q.stream().sorted().toList();
            double median = median(sorted);
            String[] line = new String[t.get(0).length];
            Arrays.fill(line, "");
            line[0] = e.getKey();
            line[1] = "median of " + q.size();
            line[2] = "KEY_STRICT";
            line[3] = String.format("%,.0f", median(strict.get(e.getKey()).stream()
                    .map(Row::recordsPerSecond).sorted().toList()));
            line[4] = String.format("%.1f%% (%.1f..%.1f)", 100 * median, 100 * sorted.get(0),
                    100 * sorted.get(sorted.size() - 1));
            line[5] = target(median);
            line[8] = String.format("%.1f%%", 100 * median(cpuShares.get(e.getKey()).stream().sorted().toList()));
            t.add(line);
        }
        return t;
    }

    private static String target(double share) {
        return String.format(">= %.0f%%: %s", 100 * Workload.STRICT_TARGET,
                share >= Workload.STRICT_TARGET ? "met" : "missed");
    }

    /** @param sorted at least one value, ascending */
    private static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static final String BEGIN = "<!-- generated by benchmarks/run: begin -->";
    static final String END = "<!-- generated by benchmarks/run: end -->";

    /**
     * The report to write to {@code existing}'s file: if that holds the {@link #BEGIN}/{@link #END}
     * markers, only the text between them is replaced (so hand-written notes around them stay);
     * otherwise the whole file is the generated report.
     */
    static String merge(String existing, String generated) {
        String block = BEGIN + "\n" + generated.strip() + "\n" + END + "\n";
        if (existing != null) {
            int b = existing.indexOf(BEGIN);
            int e = existing.indexOf(END);
            if (b >= 0 && e > b) {
                return existing.substring(0, b) + block + existing.substring(e + END.length()).replaceFirst("^\n", "");
            }
        }
        return "# Benchmarks: Shardwise, the KPL and the plain SDK\n\n" + block;
    }

    static String markdown(List<Row> rows, BenchmarkMain.Options o, String date, String machine,
            Map<String, String> profiles, List<String> problems) {
        StringBuilder sb = new StringBuilder();
        sb.append("Measured ").append(date).append(" on ").append(machine).append(", at the end ")
                .append(Machine.loadAverage()).append(".\n");
        sb.append("Command: `").append(o.command.strip()).append("`.")
                .append(o.quick ? " **Quick (smoke) run: record counts / 20, short timed runs; not for comparison.**" : "")
                .append("\n\n");
        sb.append("""
                The machine has 2 cores shared by the producer process, the endpoint (FakeKinesis, in the harness's
                JVM, TLS) and anything else running: figures are noisy, compare them within one run only.

                ## Workloads

                """);
        Map<String, Workload> seen = new LinkedHashMap<>();
        for (Row r : rows) {
            seen.putIfAbsent(r.workload().id(), r.workload());
        }
        for (Workload w : seen.values()) {
            sb.append("- **(").append(w.id()).append(")** ").append(w.title()).append('\n');
        }
        List<String[]> table = new ArrayList<>();
        table.add(HEADERS);
        for (Row r : family(rows, Workload.MAIN)) {
            table.add(cells(r));
        }
        if (table.size() > 1) {
            sb.append("\n## Results\n\n");
            sb.append(markdownTable(table, 2));
        }
        for (FamilyTable f : familyTables(rows)) {
            sb.append("\n## ").append(f.title()).append("\n\n").append(f.about().strip()).append("\n\n")
                    .append(markdownTable(f.table(), f.leftColumns()));
        }
        List<String[]> ratios = ratioTable(rows);
        if (ratios.size() > 1) {
            sb.append("\n## Shardwise / KPL\n\n");
            sb.append("Above 1 is better for records/s, MB/s, records/CPU-s and byte-limit use; below 1 is better for"
                    + " CPU s, peak RSS, latency, throttling and the cost columns (Kinesis rec/M, PUT units/M,"
                    + " on-demand GiB/M).\n\n");
            sb.append(markdownTable(ratios, 1));
        }
        if (!problems.isEmpty()) {
            sb.append("\n## Problems in this run\n\n");
            for (String p : problems) {
                sb.append("- ").append(p).append('\n');
            }
        }
        sb.append("""

                ## How it is measured

                `benchmarks/run` (module `benchmarks`, class `BenchmarkMain`) runs, for each workload and producer, a
                fresh `FakeKinesis` (producer-testkit) in the harness's JVM: HTTPS with a self-signed certificate made
                by `keytool` at start, per-shard limits enforced (1,000 records/s and 1 MiB/s per shard), records not
                retained. Each producer runs in a forked JVM (`ProducerRunner`, `%s`) so its CPU and memory are its
                own; the KPL's native daemon is that JVM's child and is counted with it.

                - **Producers.** *shardwise*: `KinesisProducer` with `ProducerConfig.defaults()` and a producer-built
                  client (the forked JVM trusts the certificate via `javax.net.ssl.trustStore`). *kpl*: KPL %s with
                  its defaults except `setKinesisEndpoint("localhost")`, `setKinesisPort`, `setVerifyCertificate(false)`,
                  `setMetricsLevel("none")`; the driver caps outstanding records at %,d as a user must (its Java
                  side slows down sharply with hundreds of thousands outstanding). *sdk*: `KinesisAsyncClient.putRecords`
                  with 500-entry (5 MiB) batches, at most %d requests in flight, failed entries re-sent after 100 ms,
                  a partial batch sent after 100 ms, no aggregation, at most %,d records outstanding. Shardwise's own
                  backpressure (`maxOutstandingRecords`, blocking add) bounds it; the driver adds no cap.
                - **Records.** Random partition keys (up to 16 hex digits); data of the stated size whose first 10
                  bytes carry the record's index, the process id and warm-up/measured flag, the rest random.
                - **Warm-up.** Each process first sends an untimed warm-up and waits for it, so connections, shard
                  maps, the KPL's DescribeStreamSummary (`RecordDistributionStrategy`) and the JIT (TLS, marshalling)
                  are ready: for at least %s s, in count runs with at least 10%% of the records (2,000..100,000) added
                  as fast as the producer takes them, in timed runs at a third of the offered rate (90%% of the
                  stream's limit for all processes together). Then the harness says GO (timed runs 1.1 s
                  later, once the warm-up's sends have left every one-second window). Why 15 s: with both cores busy, HotSpot
                  reaches C2 for the TLS cipher's GHASH caller (`GHASH.update`, seen with
                  `-Xlog:jit+compilation=debug`) only after ~10 s; until then AES-GCM runs at C1 speed without
                  its CLMUL intrinsic and costs a JVM producer ~25%% of its CPU (5 s of warm-up measured
                  ~190,000 rec/s for Shardwise in (a), 15 s ~250,000). A service producing for hours runs the
                  compiled code; the KPL's native daemon needs no JIT, so a longer warm-up does not hurt it.
                - **Count runs (a-c).** The process adds the records as fast as the producer takes them and waits for
                  every acknowledgement. records/s = records / time from GO to the last acknowledgement.
                - **Other families.** Round trip (r0..r300), latency (l10-100..l90-1k), scale-out (s2, s4, s8, sh),
                  cold start (a-cold) and ordering (oa, od, oa-f1, od-f1, oa-f1-k1k) are described above their
                  tables; they are timed runs as (d) except a-cold, a count run as (a) without warm-up, and the
                  ordering family's count runs as (a). Windows: round trip and ordering as (d), latency %s s each,
                  scale-out %s s each.
                - **Timed runs (d, e).** Each process adds records at a fixed rate (the offered load: 3x the shards'
                  byte limit for all processes together; in (e) each of the two offers 1.5x) until the harness says
                  STOP after the window. records/s and MB/s are what the endpoint stored in the window;
                  byte-limit use = Kinesis bytes stored (data + partition keys, as the limit counts them) /
                  (shards x 1 MiB/s x window); shares = each process's part of the user bytes stored.
                - **CPU s.** utime + stime of the producer JVM and its descendants (`/proc/<pid>/stat`) from GO to
                  the end, all threads (GC and JIT included). **peak RSS**: sum of each process's `VmHWM`, reset at
                  GO (`/proc/<pid>/clear_refs`) so it covers the measured phase.
                - **Latency.** From the start of the add call to the completion callback, for acknowledged records
                  (saturating count runs measure mostly buffering: outstanding records / throughput).
                - **throttled.** Kinesis entries the endpoint refused with ProvisionedThroughputExceededException /
                  entries it received (retries included).
                - **verified.** User records the endpoint stored, counted once each, after deaggregating every
                  stored Kinesis record (`Deaggregator`, which checks the MD5 trailer) and checking each user record's
                  hash key (explicit, or MD5 of its partition key) lies in the range of the shard it landed on.
                  Misrouted records and bad aggregates are reported as problems (the run then exits with 1), and so
                  is a count run that does not get every record verified; duplicates are shown as "+N dup".
                - **user rec/Kinesis rec.** Aggregation: measured user records per Kinesis record stored.
                - **Cost: Kinesis rec/M, PUT units/M, on-demand GiB/M.** Per million verified user records,
                  over the stored Kinesis records that hold the row's measured user records: every stored copy
                  counts, as the service bills it (a retried batch's duplicates and misrouted records included).
                  A record's billed size is its data + partition key. *Kinesis rec/M*: Kinesis records stored.
                  *PUT units/M* (provisioned streams): each record's size in 25 KB units, rounded up, with 25 KB
                  = %,d bytes (the pricing page says "25KB payload chunks" without bytes; 25 x 1,024
                  follows its on-demand definition of 1 KB as 1,024 bytes; 25,000 would give more units).
                  *on-demand GiB/M* (on-demand Data-In): each record's size rounded up to 1 KB = %,d bytes
                  ("rounded up to the nearest 1 KB (1,024 bytes)"), summed, in GiB (2^30 bytes). Source:
                  https://aws.amazon.com/kinesis/data-streams/pricing/. Aggregation is what lowers them; an
                  aggregate just over a multiple of 25 KiB pays a whole extra PUT unit.
                - **endpoint CPU s.** CPU of the harness's own JVM over the run: the endpoint (TLS, parsing) and the
                  verifier. It shares the 2 cores with the producer, so a producer that makes the endpoint work
                  harder (many small requests) also slows itself down.
                - **Caveats.** Peak RSS of the JVM producers follows their heap limit (`-Xmx1g`: G1 grows the heap
                  when allocation is fast); the KPL's Java side is small and its daemon holds the buffers. In count
                  runs every producer is saturated, so latency mostly measures how many records it buffers.
                """.formatted(String.join(" ", o.childJvmOptions), "1.1.1", o.kplCap, o.sdkConcurrency, o.sdkCap,
                        String.format("%.0f", o.warmupSeconds), seconds(o.latencySeconds), seconds(o.scaleOutSeconds),
                        Verifier.PUT_PAYLOAD_UNIT, Verifier.ON_DEMAND_UNIT));
        if (!profiles.isEmpty()) {
            sb.append("\n## Profile (JFR execution samples)\n\n");
            for (String p : profiles.values()) {
                sb.append("```\n").append(p.strip()).append("\n```\n");
            }
        }
        sb.append("""

                ## Running it

                ```bash
                benchmarks/run                      # everything (about an hour); writes docs/benchmarks.md
                benchmarks/run --workloads a,b,c,d,e                # the first five only (10-15 minutes)
                benchmarks/run --workloads latency --producers shardwise,shardwise-10ms --out /tmp/l.md
                benchmarks/run --quick              # smoke run (CI); writes benchmarks/target/benchmarks-quick.md
                benchmarks/run --workloads a --producers shardwise --profile --out /tmp/a.md   # JFR of Shardwise
                benchmarks/run --jmh                # JMH micro-benchmarks; e.g. --jmh -prof gc, --jmh AddRecord
                benchmarks/run --help
                ```
                """);
        return sb.toString();
    }
}
