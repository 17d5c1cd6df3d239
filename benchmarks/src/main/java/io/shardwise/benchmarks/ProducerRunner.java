package io.shardwise.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * The forked producer process: one producer ({@code shardwise}, {@code kpl} or {@code sdk}) driven
 * from one thread against the endpoint the parent ({@link BenchmarkMain}) runs, so that this
 * process's CPU and memory (and its children's: the KPL daemon) are the producer's alone.
 *
 * <p>Protocol on stdin/stdout (other output goes to stderr): after an untimed warm-up it prints
 * {@code @@BENCH READY} and waits for {@code GO}. A count run ({@code records=N}) adds N records as
 * fast as the producer takes them, waits for every acknowledgement and prints
 * {@code @@BENCH RESULT k=v ...}. A timed run ({@code rate=R}) adds R records per second until
 * {@code STOP}, then prints the result at once. CPU and peak RSS cover this JVM and its
 * descendants, measured between GO and the end.
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

        long created = System.nanoTime();
        Driver d = switch (producer) {
            case "shardwise" -> new ShardwiseDriver(scheme, host, port, stream,
                    !Boolean.parseBoolean(a.getOrDefault("unordered", "false")));
            // the KPL's daemon resolves "localhost"; the certificate is not verified
            case "kpl" -> new KplDriver("localhost", port, stream, kplCap);
            case "sdk" -> new SdkDriver(scheme, host, port, stream, sdkConcurrency, sdkCap);
            default -> throw new IllegalArgumentException("producer must be shardwise, kpl or sdk: " + producer);
        };
        Payloads payloads = new Payloads(0x5eed0000L + id * 7919L + producer.hashCode(), size, id);

        long built = System.nanoTime();
        Recording[] recording = new Recording[1];
        if (jfr != null) {
            // Recording from before the warm-up: starting JFR later deoptimises warm code (the run then
            // measures re-compilation); the summary skips the samples taken before the measured phase.
            recording[0] = new Recording(Configuration.getConfiguration("profile"));
            // 2 ms, not the profile's 10-20 ms: a measured phase of a few seconds needs the samples
            recording[0].enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(2));
            recording[0].start();
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
            d.add(payloads.nextKey(), payloads.nextData(w, Payloads.WARMUP), System.nanoTime());
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

        CountDownLatch go = new CountDownLatch(1);
        AtomicBoolean stop = new AtomicBoolean();
        long[] start = new long[2];               // nanoTime, cpu ticks at GO
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
                        long end = System.nanoTime();
                        report(d, start, end, recording[0], jfr);
                        stop.set(true);
                        exitNow(d);
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
        say("READY warmupRecords=" + w + " warmupFailed=" + warmFailed);
        go.await();

        if (records > 0) {
            for (long i = 0; i < records; i++) {
                d.add(payloads.nextKey(), payloads.nextData(i, Payloads.MEASURED), System.nanoTime());
            }
            if (!d.awaitCompleted(records, Duration.ofMinutes(30))) {
                say("ERROR records did not complete: " + d.completed() + " of " + records);
            }
            long end = System.nanoTime();
            report(d, start, end, recording[0], jfr);
            exitNow(d);
        } else {
            long t0 = start[0];
            long i = 0;
            while (!stop.get()) {
                long due = (long) ((System.nanoTime() - t0) * rate / 1e9);
                if (i < due) {
                    d.add(payloads.nextKey(), payloads.nextData(i, Payloads.MEASURED), System.nanoTime());
                    i++;
                    added = i;
                } else {
                    d.pump();
                    LockSupport.parkNanos(200_000);
                }
            }
            Thread.sleep(Long.MAX_VALUE);         // the reader thread reports and exits
        }
    }

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
        say("RESULT elapsedNanos=" + (endNanos - start[0])
                + " added=" + (added >= 0 ? added : succeeded + failed)
                + " succeeded=" + succeeded + " failed=" + failed
                + " cpuTicks=" + (t.cpuTicks() - start[1]) + " ticksPerSecond=" + ProcStats.TICKS_PER_SECOND
                + " peakRssKiB=" + t.peakRssKiB() + " processes=" + t.processes()
                + " throttled=" + throttled + " throttledUnit=" + d.throttledUnit().replace(' ', '_')
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
