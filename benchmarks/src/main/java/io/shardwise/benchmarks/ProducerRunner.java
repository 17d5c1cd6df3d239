package io.shardwise.benchmarks;

import io.shardwise.producer.Ordering;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The forked producer process: one producer ({@code shardwise} and its variants, {@code kpl} or {@code sdk}) driven
 * from one thread against the endpoint the parent ({@link BenchmarkMain}) runs, so that this
 * process's CPU and memory (and its children's: the KPL daemon) are the producer's alone.
 *
 * <p>Protocol on stdin/stdout (other output goes to stderr): after an untimed warm-up it prints
 * {@code @@BENCH READY} and waits for {@code GO}. A count run ({@code records=N}) adds N records as
 * fast as the producer takes them, waits for every acknowledgement and prints
 * {@code @@BENCH RESULT k=v ...}. A timed run ({@code rate=R}) adds R records per second until
 * {@code STOP}, then prints the result at once; with {@code openLoop=true} latency is measured from
 * each record's scheduled time, and after STOP the process waits for every acknowledgement before it
 * reports. With {@code cold=true} it says READY before building the producer and builds it on GO (no
 * warm-up), reporting the build time and the time to the first acknowledgement. {@code hotShare=F}
 * keys that fraction of the records to the first of {@code shards} shards; {@code keys=N} draws the
 * partition keys from N fixed ones instead of a fresh one per record. CPU and peak RSS cover
 * this JVM and its descendants, measured between GO and the end.
 */
public final class ProducerRunner {
    static final String PREFIX = "@@BENCH ";

    private ProducerRunner() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            a.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        String producer = a.get("producer");
        String host = a.getOrDefault("host", "127.0.0.1");
        int port = Integer.parseInt(a.get("port"));
        String stream = a.get("stream");
        long records = Long.parseLong(a.getOrDefault("records", "0"));
        double rate = Double.parseDouble(a.getOrDefault("rate", "0"));
        int size = Integer.parseInt(a.get("size"));
        int id = Integer.parseInt(a.getOrDefault("id", "0"));
        long warmup = Long.parseLong(a.getOrDefault("warmup", "2000"));
        double warmupSeconds = Double.parseDouble(a.getOrDefault("warmupSeconds", "0"));
        int kplCap = Integer.parseInt(a.getOrDefault("kplCap", "20000"));
        int sdkCap = Integer.parseInt(a.getOrDefault("sdkCap", "20000"));
        int sdkConcurrency = Integer.parseInt(a.getOrDefault("sdkConcurrency", "32"));
        String jfr = a.get("jfr");
        String scheme = a.getOrDefault("scheme", "https");

        boolean cold = Boolean.parseBoolean(a.getOrDefault("cold", "false"));
        boolean openLoop = Boolean.parseBoolean(a.getOrDefault("openLoop", "false"));
        double hotShare = Double.parseDouble(a.getOrDefault("hotShare", "0"));
        int shards = Integer.parseInt(a.getOrDefault("shards", "1"));
        Payloads payloads = new Payloads(0x5eed0000L + id * 7919L + producer.hashCode(), size, id);
        int keyCount = Integer.parseInt(a.getOrDefault("keys", "0"));
        if (keyCount > 0) {
            payloads.limitKeys(keyCount);
        }
        Keys keys = hotShare > 0
                ? new Keys(payloads, hotShare, shards, new SplittableRandom(0x407L + id))
                : new Keys(payloads, 0, shards, null);

        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        long[] start = new long[2];               // nanoTime, cpu ticks at GO
        Recording[] recording = new Recording[1];
        Driver[] driver = new Driver[1];
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    line = line.trim();
                    if (line.equals("GO")) {
                        if (recording[0] != null) {
                            new JfrSummary.MeasuredPhase().commit();   // the summary counts samples after it
                        }
                        ProcStats.resetPeakRss();
                        start[1] = ProcStats.tree().cpuTicks();
                        start[0] = System.nanoTime();
                        go.countDown();
                    } else if (line.equals("STOP")) {
                        stopNanos = System.nanoTime();
                        stop.set(true);
                        if (!openLoop) {
                            report(driver[0], start, stopNanos, recording[0], jfr);
                            exitNow(driver[0]);
                        }
                    }
                }
            } catch (Exception e) {
                e.printStackTrace();
            }
            // parent gone: do not linger
            Runtime.getRuntime().halt(3);
        }, "bench-stdin");
        reader.setDaemon(true);
        reader.start();

        if (cold) {
            // a cold start: nothing built, nothing warmed; the measurement starts before build()
            say("READY warmupRecords=0 warmupFailed=0");
            go.await();
            if (jfr != null) {
                recording[0] = startRecording();
                new JfrSummary.MeasuredPhase().commit();
            }
            driver[0] = newDriver(producer, a, host, port, stream, scheme, kplCap, sdkCap, sdkConcurrency);
            buildNanos = System.nanoTime() - start[0];
            countRun(driver[0], keys, payloads, records, start, recording[0], jfr);
            return;
        }

        long created = System.nanoTime();
        Driver d = newDriver(producer, a, host, port, stream, scheme, kplCap, sdkCap, sdkConcurrency);
        driver[0] = d;
        long built = System.nanoTime();
        if (jfr != null) {
            // Recording from before the warm-up: starting JFR later deoptimises warm code (the run then
            // measures re-compilation); the summary skips the samples taken before the measured phase.
            recording[0] = startRecording();
        }
        // ---- untimed warm-up: connections, shard maps, the KPL's DescribeStreamSummary, the JIT
        // for at least warmupSeconds (the JIT: TLS, marshalling, the pipeline); count runs add as fast
        // as they can, timed runs at a third of their offered rate (90 % of the stream's limit in all),
        // so the paths of a limited stream are compiled too without leaving a backlog to drain
        long warmupUntil = built + (long) (warmupSeconds * 1e9);
        long w = 0;
        double warmupRate = rate * 0.3;
        long warmupStart = System.nanoTime();
        while (w < warmup || System.nanoTime() < warmupUntil) {
            if (records == 0 && w >= (long) ((System.nanoTime() - warmupStart) * warmupRate / 1e9)) {
                d.pump();
                LockSupport.parkNanos(200_000);
                continue;
            }
            d.add(keys.next(), payloads.nextData(w, Payloads.WARMUP), System.nanoTime());
            w++;
        }
        if (!d.awaitCompleted(w, Duration.ofMinutes(3))) {
            say("ERROR warm-up did not complete: " + d.completed() + " of " + w);
            System.exit(2);
        }
        long warmFailed = d.failed.get();
        System.err.printf("bench: JVM up %d ms, %s built in %d ms, warm-up of %d records in %d ms%n",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime()
                        - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - created),
                producer, TimeUnit.NANOSECONDS.toMillis(built - created), w,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - built));
        d.resetMeasurement();

        say("READY warmupRecords=" + w + " warmupFailed=" + warmFailed);
        go.await();

        if (records > 0) {
            countRun(d, keys, payloads, records, start, recording[0], jfr);
        } else {
            long t0 = start[0];
            long i = 0;
            while (!stop.get()) {
                long due = (long) ((System.nanoTime() - t0) * rate / 1e9);
                if (i < due) {
                    // open loop: latency from when the record was due, so a producer that stalls the
                    // adding thread pays for it in every record scheduled meanwhile
                    long scheduled = openLoop ? t0 + (long) (i * 1e9 / rate) : System.nanoTime();
                    d.add(keys.next(), payloads.nextData(i, Payloads.MEASURED), scheduled);
                    i++;
                    added = i;
                } else {
                    d.pump();
                    LockSupport.parkNanos(200_000);
                }
            }
            if (!openLoop) {
                Thread.sleep(Long.MAX_VALUE);         // the reader thread reports and exits
            }
            // records due a millisecond before STOP but not added (the adding thread was held up): at
            // least this late (the millisecond spares the record whose turn came as STOP arrived)
            long dueAtStop = (long) ((stopNanos - TimeUnit.MILLISECONDS.toNanos(1) - t0) * rate / 1e9);
            for (long j = i; j < dueAtStop; j++) {
                d.latency.recordNanos(stopNanos - (t0 + (long) (j * 1e9 / rate)));
            }
            behind = Math.max(0, dueAtStop - i);
            if (!d.awaitCompleted(i, Duration.ofMinutes(2))) {
                say("ERROR records did not complete after STOP: " + d.completed() + " of " + i);
            }
            report(d, start, stopNanos, recording[0], jfr);
            exitNow(d);
        }
    }

    private static Recording startRecording() throws java.io.IOException, java.text.ParseException {
        Recording r = new Recording(Configuration.getConfiguration("profile"));
        // 2 ms, not the profile's 10-20 ms: a measured phase of a few seconds needs the samples
        r.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
        r.start();
        return r;
    }

    private static Driver newDriver(String producer, Map<String, String> a, String host, int port, String stream,
            String scheme, int kplCap, int sdkCap, int sdkConcurrency) {
        Ordering ordering = Boolean.parseBoolean(a.getOrDefault("unordered", "false")) ? Ordering.NONE : Ordering.SHARD;
        return switch (producer) {
            case "shardwise" -> new ShardwiseDriver(scheme, host, port, stream, ordering, null);
            case Workload.SHARDWISE_10MS -> new ShardwiseDriver(scheme, host, port, stream, ordering, Duration.ofMillis(10));
            case Workload.SHARDWISE_STRICT -> new ShardwiseDriver(scheme, host, port, stream, Ordering.KEY_STRICT, null);
            // the KPL's daemon resolves "localhost"; the certificate is not verified
            case "kpl" -> new KplDriver("localhost", port, stream, kplCap);
            case "sdk" -> new SdkDriver(scheme, host, port, stream, sdkConcurrency, sdkCap);
            default -> throw new IllegalArgumentException("producer must be shardwise, " + Workload.SHARDWISE_10MS
                    + ", " + Workload.SHARDWISE_STRICT + ", kpl or sdk: " + producer);
        };
    }

    /** Adds {@code records} as fast as the producer takes them, waits for every acknowledgement, reports, exits. */
    private static void countRun(Driver d, Keys keys, Payloads payloads, long records, long[] start, Recording rec,
            String jfr) {
        for (long i = 0; i < records; i++) {
            try {
                d.add(keys.next(), payloads.nextData(i, Payloads.MEASURED), System.nanoTime());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!d.awaitCompleted(records, Duration.ofMinutes(30))) {
            say("ERROR records did not complete: " + d.completed() + " of " + records);
        }
        long end = System.nanoTime();
        report(d, start, end, rec, jfr);
        exitNow(d);
    }

    /** Partition keys: random, or with probability {@code hotShare} one on the stream's first shard. */
    private record Keys(Payloads payloads, double hotShare, int shards, SplittableRandom random) {
        String next() {
            return random != null && random.nextDouble() < hotShare ? payloads.nextKeyOnFirstShard(shards)
                    : payloads.nextKey();
        }
    }

    /** When STOP came (nanoTime). */
    private static volatile long stopNanos;
    /** Open-loop runs: records due by STOP that the adding thread had not added. */
    private static volatile long behind;
    /** Cold runs: nanoseconds from GO to the producer built. */
    private static volatile long buildNanos = -1;

    /** Records added in a timed run, read by the reporting thread. */
    private static volatile long added = -1;

    private static synchronized void report(Driver d, long[] start, long endNanos, Recording rec, String jfr) {
        ProcStats.TreeSnapshot t = ProcStats.tree();
        long succeeded = d.succeeded.get();
        long failed = d.failed.get();
        LatencyHistogram h = d.latency;
        long throttled = d.throttledEntries();
        if (rec != null) {
            try {
                rec.stop();
                rec.dump(Path.of(jfr));
            } catch (Exception e) {
                e.printStackTrace();
            }
        }
        long firstAck = d.firstAckNanos.get();
        say("RESULT elapsedNanos=" + (endNanos - start[0])
                + " added=" + (added >= 0 ? added : succeeded + failed)
                + " succeeded=" + succeeded + " failed=" + failed
                + " cpuTicks=" + (t.cpuTicks() - start[1]) + " ticksPerSecond=" + ProcStats.TICKS_PER_SECOND
                + " peakRssKiB=" + t.peakRssKiB() + " processes=" + t.processes()
                + " throttled=" + throttled + " throttledUnit=" + d.throttledUnit().replace(' ', '_')
                + " behind=" + behind + " buildNanos=" + buildNanos + " failures=" + d.failureKinds()
                + " firstAckNanos=" + (firstAck == 0 ? -1 : firstAck - start[0])
                + " hist=" + h.encode());
    }

    /**
     * Ends the process once the result is out: stops what must not outlive it (the KPL's daemon) and
     * exits without a graceful close (the SDK's Netty event loops wait a quiet period of seconds;
     * nothing measured is lost: the figures are already reported).
     */
    private static void exitNow(Driver d) {
        Thread watchdog = new Thread(() -> {
            try {
                TimeUnit.SECONDS.sleep(20);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
            Runtime.getRuntime().halt(4);
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try {
            d.stopForExit();
        } catch (RuntimeException e) {
            e.printStackTrace();
        }
        System.out.flush();
        System.exit(0);
    }

    static synchronized void say(String line) {
        System.out.println(PREFIX + line);
        System.out.flush();
    }
}
