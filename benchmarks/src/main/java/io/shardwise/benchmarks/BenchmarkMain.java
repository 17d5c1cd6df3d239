package io.shardwise.benchmarks;

import io.shardwise.producer.testkit.FakeKinesis;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The end-to-end harness: for each workload and each producer (Shardwise, the KPL, a plain SDK v2
 * putRecords loop), starts a fresh {@link FakeKinesis} over TLS in this JVM, forks the producer
 * into its own JVM ({@link ProducerRunner}), and measures records/s, MB/s, CPU seconds of the
 * producer's process tree, peak RSS, add-to-ack latency, the throttled-entry ratio and the user
 * records the endpoint verified ({@link Verifier}). Prints a table and the Shardwise/KPL ratios and
 * writes them as Markdown. Run it with {@code benchmarks/run} (see {@code --help}).
 *
 * <p>Long because it is the harness's one entry point: option parsing, the run of each workload
 * family and producer, and the summary, read top to bottom.
 */
public final class BenchmarkMain {
    static final String STREAM = "bench";
    static final List<String> ALL_PRODUCERS = List.of("shardwise", Workload.SHARDWISE_10MS, Workload.SHARDWISE_STRICT,
            "kpl", "sdk");

    private BenchmarkMain() {
    }

    /** Command-line options. */
    static final class Options {
        double scale = 1;
        Double seconds;
        Double latencySeconds;
        Double scaleOutSeconds;
        Set<String> workloads = new LinkedHashSet<>(Workload.FAMILIES);
        List<String> producers = ALL_PRODUCERS;
        Path out;
        Path workDir = Path.of("benchmarks", "target", "bench");
        boolean profile;
        boolean plainHttp;
        boolean shardwiseUnordered;
        boolean tlsNative;
        boolean quick;
        int repeat = 1;
        List<String> childJvmOptions = List.of("-Xmx1g", "-XX:+UseG1GC");
        int limitRecordSize = 1000;
        int kplCap = 20_000;
        int sdkCap = 20_000;
        int sdkConcurrency = 32;
        Double warmupSeconds;
        String command = "benchmarks/run";
        Path kplLib = Path.of(System.getProperty("bench.kplLib", "benchmarks/target/kpl-lib"));
        Path tcnativeLib = Path.of(System.getProperty("bench.tcnativeLib", "benchmarks/target/tcnative-lib"));
        Path tlsDir = System.getProperty("bench.tlsDir") == null ? null : Path.of(System.getProperty("bench.tlsDir"));
    }

    static final String USAGE = """
            benchmarks/run [options]            end-to-end: Shardwise vs the KPL vs a plain SDK putRecords loop
            benchmarks/run --jmh [JMH options]  micro-benchmarks (e.g. --jmh -prof gc, --jmh AddRecord -t 8)
            benchmarks/run --jfr-summary FILE   top frames of a JFR recording
            options:
              --quick                  record counts / 20, timed runs 5 s (latency, scale-out 3 s), one workload
                                       per new family, Shardwise only (ordering: oa-f1, KEY_STRICT only; the CI
                                       smoke run); writes
                                       benchmarks/target/benchmarks-quick.md unless --out is given
              --scale X                divide record counts by X (default 1)
              --seconds S              length of the timed runs (d, e, the round-trip sweep; default 30)
              --latency-seconds S      length of each latency run (default 15)
              --scale-out-seconds S    length of each scale-out run (default 20)
              --workloads a,b,...      workloads by id (a..e, r0 r50 r100 r300, l10-100 .. l90-1k, s2 s4 s8 sh,
                                       a-cold, oa od oa-f1 od-f1 oa-f1-k1k) or family (main = a..e, roundtrip,
                                       latency, scaleout, cold, ordering); default all families
              --producers p,...        shardwise,shardwise-10ms,shardwise-strict,kpl,sdk (default all;
                                       shardwise-10ms runs in the latency workloads only, shardwise-strict
                                       (ordering KEY_STRICT) in the ordering workloads only)
              --repeat N               run each workload's producers N times, every other round in reverse order
                                       (default 1; the ordering table adds the median KEY_STRICT / SHARD)
              --out FILE               Markdown report (default docs/benchmarks.md)
              --profile                record JFR in the Shardwise runs (shardwise, shardwise-strict), summarise
                                       top frames
              --plain-http             diagnostic: Shardwise and the SDK over plain HTTP (the KPL needs TLS);
                                       not a fair comparison
              --shardwise-unordered    diagnostic: Shardwise with preserveShardOrder(false) instead of the default
              --tls-native             diagnostic: Shardwise's processes get netty-tcnative (BoringSSL) on their
                                       class path, so its Netty client encrypts with OpenSSL instead of the JDK
                                       (what a user gets by adding the jar; the KPL's daemon encrypts natively
                                       anyway). Off by default: cold (a) at load 6-17 showed no clear gain
                                       (median CPU -15 %, records/s within the noise, build() +1 s)
              --warmup-seconds S       every run warms up for at least S seconds (default 15; --quick 1)
              --limit-record-size N    record size in (d) and (e) (default 1000)
              --child-jvm-opts "..."   JVM options of the producer processes (default "-Xmx1g -XX:+UseG1GC");
                                       diagnostic: -Dbench.shardwiseMaxOutstanding=N sets Shardwise's
                                       maxOutstandingRecords
              --kpl-cap N              KPL driver's outstanding-record cap (default 20000)
              --sdk-cap N              SDK loop's outstanding-record cap (default 20000)
              --sdk-concurrency N      SDK loop's concurrent requests (default 32)
              --work-dir DIR           certificates, logs, JFR files (default benchmarks/target/bench)
            """;

    public static void main(String[] args) throws Exception {
        // the endpoint logs a stack trace whenever a producer process exits with connections open
        if (System.getProperty("org.slf4j.simpleLogger.log.io.netty") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.io.netty", "error");
        }
        Options o = parse(args);
        if (o == null) {
            System.out.print(USAGE);
            return;
        }
        System.exit(run(o));
    }

    static Options parse(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--quick" -> {
                    o.quick = true;
                    o.scale = 20;
                    if (o.seconds == null) {
                        o.seconds = 5.0;
                    }
                    if (o.latencySeconds == null) {
                        o.latencySeconds = 3.0;
                    }
                    if (o.scaleOutSeconds == null) {
                        o.scaleOutSeconds = 3.0;
                    }
                }
                case "--latency-seconds" -> o.latencySeconds = Double.parseDouble(args[++i]);
                case "--scale-out-seconds" -> o.scaleOutSeconds = Double.parseDouble(args[++i]);
                case "--scale" -> o.scale = Double.parseDouble(args[++i]);
                case "--repeat" -> o.repeat = Integer.parseInt(args[++i]);
                case "--seconds" -> o.seconds = Double.parseDouble(args[++i]);
                case "--workloads" -> o.workloads = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
                case "--producers" -> o.producers = Arrays.asList(args[++i].split(","));
                case "--out" -> o.out = Path.of(args[++i]);
                case "--work-dir" -> o.workDir = Path.of(args[++i]);
                case "--profile" -> o.profile = true;
                case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(args[++i]);
                case "--plain-http" -> o.plainHttp = true;
                case "--shardwise-unordered" -> o.shardwiseUnordered = true;
                case "--tls-native" -> o.tlsNative = true;
                case "--limit-record-size" -> o.limitRecordSize = Integer.parseInt(args[++i]);
                case "--child-jvm-opts" -> o.childJvmOptions = Arrays.asList(args[++i].trim().split("\\s+"));
                case "--kpl-cap" -> o.kplCap = Integer.parseInt(args[++i]);
                case "--sdk-cap" -> o.sdkCap = Integer.parseInt(args[++i]);
                case "--sdk-concurrency" -> o.sdkConcurrency = Integer.parseInt(args[++i]);
                case "--command" -> o.command = args[++i];
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        for (String p : o.producers) {
            if (!ALL_PRODUCERS.contains(p)) {
                throw new IllegalArgumentException("unknown producer " + p + "; known: " + ALL_PRODUCERS);
            }
        }
        if (o.latencySeconds == null) {
            o.latencySeconds = 15.0;
        }
        if (o.scaleOutSeconds == null) {
            o.scaleOutSeconds = 20.0;
        }
        if (o.warmupSeconds == null) {
            o.warmupSeconds = o.quick ? 1.0 : 15.0;
        }
        if (o.out == null) {
            o.out = o.quick ? Path.of("benchmarks", "target", "benchmarks-quick.md") : Path.of("docs", "benchmarks.md");
        }
        return o;
    }

    static int run(Options o) throws Exception {
        String started = ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z"));
        String machine = Machine.describe();
        System.out.println("Shardwise benchmarks, " + started + "\n" + machine + "\n");
        SelfSignedCert cert = SelfSignedCert.create(o.tlsDir != null ? o.tlsDir : o.workDir.resolve("tls"));
        double seconds = o.seconds == null ? 30 : o.seconds;
        List<Row> rows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        Map<String, String> profiles = new LinkedHashMap<>();
        List<Workload> all = Workload.all(o.scale, seconds, o.latencySeconds, o.scaleOutSeconds, o.limitRecordSize,
                o.quick);
        for (String name : o.workloads) {
            if (all.stream().noneMatch(w -> w.id().equals(name) || w.family().equals(name))) {
                throw new IllegalArgumentException("unknown workload " + name + "\n" + USAGE);
            }
        }
        for (Workload w : all) {
            if (!w.selectedBy(o.workloads)) {
                continue;
            }
            System.out.println("(" + w.id() + ") " + w.title());
            for (int round = 0; round < o.repeat; round++) {
                // every other round in reverse, so that neither producer always runs first
                List<String> producers = new ArrayList<>(w.producers());
                if (round % 2 == 1) {
                    Collections.reverse(producers);
                }
                for (String producer : producers) {
                    if (!o.producers.contains(producer)) {
                        continue;
                    }
                    Row r;
                    try {
                        r = runOne(o, cert, w, producer, profiles);
                    } catch (IOException e) {
                        problems.add("(" + w.id() + ") " + producer + ": " + e.getMessage());
                        System.out.println("   " + producer + ": FAILED " + e.getMessage());
                        continue;
                    }
                    rows.add(r);
                    System.out.println("   " + Report.consoleRow(r) + "  (" + Machine.loadAverage() + ")");
                    problems.addAll(r.problems());
                }
            }
        }
        String report = Report.text(rows);
        System.out.println();
        System.out.println(report);
        for (Map.Entry<String, String> p : profiles.entrySet()) {
            System.out.println(p.getValue());
        }
        if (!problems.isEmpty()) {
            System.out.println("PROBLEMS:");
            problems.forEach(p -> System.out.println("  " + p));
        }
        Path out = o.out;
        if (out.getParent() != null) {
            Files.createDirectories(out.getParent());
        }
        String existing = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : null;
        Files.writeString(out, Report.merge(existing, Report.markdown(rows, o, started, machine, profiles, problems)),
                StandardCharsets.UTF_8);
        System.out.println("Written: " + out);
        return problems.isEmpty() ? 0 : 1;
    }

    static Row runOne(Options o, SelfSignedCert cert, Workload w, String producer, Map<String, String> profiles)
            throws Exception {
        boolean tls = !o.plainHttp || producer.equals("kpl");
        try (Verifier verifier = new Verifier();
             FakeKinesis kinesis = FakeKinesis.builder()
                .https(tls ? cert.serverContext : null)
                .stream(STREAM, w.shards())
                .enforceShardLimits(true)
                .roundTrip(Duration.ofMillis(w.roundTripMillis()))
                .retainRecords(false)
                .recordListener(verifier)
                .build()) {
            verifier.shards(kinesis.shards(STREAM));
            // warm-up included: the retry paths are compiled before GO too
            kinesis.faults().entryFailureRate(w.entryFailureRate());
            kinesis.start();
            List<String> jvm = new ArrayList<>(o.childJvmOptions);
            jvm.add("-Djavax.net.ssl.trustStore=" + cert.trustStore.toAbsolutePath());
            jvm.add("-Djavax.net.ssl.trustStorePassword=" + SelfSignedCert.PASSWORD);
            jvm.add("-Djavax.net.ssl.trustStoreType=PKCS12");
            jvm.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
            List<ChildProcess> children = new ArrayList<>();
            Path jfr = null;
            long launched = System.nanoTime();
            try {
                for (int i = 0; i < w.processes(); i++) {
                    List<String> args = new ArrayList<>(List.of("producer=" + producer, "port=" + kinesis.port(),
                            "stream=" + STREAM, "size=" + w.recordSize(), "id=" + i, "warmup=" + w.warmupRecords(), "warmupSeconds=" + o.warmupSeconds,
                            "scheme=" + (tls ? "https" : "http"), "unordered=" + o.shardwiseUnordered, "kplCap=" + o.kplCap, "sdkCap=" + o.sdkCap, "sdkConcurrency=" + o.sdkConcurrency,
                            "cold=" + w.cold(), "openLoop=" + w.openLoop(), "hotShare=" + w.hotShare(), "shards=" + w.shards(),
                            "keys=" + w.keys()));
                    if (w.timed()) {
                        args.add("rate=" + w.ratePerProcess());
                    } else {
                        args.add("records=" + w.records());
                    }
                    if (o.profile && (producer.equals("shardwise") || producer.equals(Workload.SHARDWISE_STRICT))
                            && i == 0) {
                        Files.createDirectories(o.workDir.resolve("jfr"));
                        jfr = o.workDir.resolve("jfr").resolve(producer + "-" + w.id() + ".jfr").toAbsolutePath();
                        args.add("jfr=" + jfr);
                    }
                    // the KPL 1.1.1 needs a newer protobuf runtime than the project's (see the parent pom)
                    String cp = ChildProcess.classPath(producer.equals("kpl") ? o.kplLib : null);
                    if (o.tlsNative && producer.startsWith("shardwise")) {
                        cp = ChildProcess.withJars(cp, o.tcnativeLib);
                    }
                    children.add(ChildProcess.start(w.id() + "-" + producer + "-" + i, jvm, cp, args,
                            o.workDir.resolve("logs")));
                }
                for (ChildProcess c : children) {
                    c.await("READY", Duration.ofMinutes(5));
                }
                double startup = (System.nanoTime() - launched) / 1e9;
                if (w.timed()) {
                    // The warm-up's sends leave every one-second window first: the endpoint forgets them
                    // below, and a producer that paces itself by its own sends must not start the
                    // measured window owing them either.
                    TimeUnit.MILLISECONDS.sleep(1100);
                }
                kinesis.resetShardWindows();
                FakeKinesis.Counters c0 = kinesis.counters();
                Verifier.Snapshot t0 = verifier.snapshot(w.processes(), Duration.ofMinutes(5));
                long self = ProcessHandle.current().pid();
                long endpointCpu0 = ProcStats.cpuTicks(self, false);
                long go = System.nanoTime();
                for (ChildProcess c : children) {
                    c.send("GO");
                }
                List<Map<String, String>> results = new ArrayList<>();
                FakeKinesis.Counters c1;
                Verifier.Snapshot t1;
                Verifier.TallySnapshot[] drained = null;
                double window;
                if (w.timed()) {
                    TimeUnit.NANOSECONDS.sleep((long) (w.seconds() * 1e9));
                    c1 = kinesis.counters();
                    window = (System.nanoTime() - go) / 1e9;
                    t1 = verifier.snapshot(w.processes(), Duration.ofMinutes(5));
                    for (ChildProcess c : children) {
                        c.send("STOP");
                    }
                    for (ChildProcess c : children) {
                        results.add(c.await("RESULT", Duration.ofMinutes(w.openLoop() ? 4 : 2)));
                    }
                    if (w.openLoop()) {
                        // every acknowledgement is in: what the endpoint stored before them is all queued
                        drained = verifier.tallies(w.processes(), Duration.ofMinutes(5));
                    }
                } else {
                    for (ChildProcess c : children) {
                        results.add(c.await("RESULT", Duration.ofMinutes(60)));
                    }
                    c1 = kinesis.counters();
                    window = (System.nanoTime() - go) / 1e9;
                    t1 = verifier.snapshot(w.processes(), Duration.ofMinutes(5));
                }
                long endpointCpu = ProcStats.cpuTicks(self, false) - endpointCpu0;
                long ended = System.nanoTime();
                for (ChildProcess c : children) {
                    c.awaitExit(Duration.ofSeconds(60));
                }
                System.out.printf("   %s: start-up and warm-up %.1f s, measured %.1f s, exit %.1f s%n", producer, startup,
                        (ended - go) / 1e9, (System.nanoTime() - ended) / 1e9);
                List<String> shardIds = kinesis.shards(STREAM).stream().map(s -> s.shardId()).toList();
                Row row = Row.of(w, producer, results, c0, c1, t0, t1, drained, window, verifier,
                        endpointCpu / (double) ProcStats.TICKS_PER_SECOND, shardIds);
                if (jfr != null && Files.exists(jfr)) {
                    profiles.put(w.id() + " " + producer, producer + ", workload (" + w.id() + "): "
                            + JfrSummary.summarize(jfr, 25));
                }
                return row;
            } finally {
                for (ChildProcess c : children) {
                    c.awaitExit(Duration.ofSeconds(1));
                }
            }
        }
    }
}
