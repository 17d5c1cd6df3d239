package io.shardwise.benchmarks;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises the {@code jdk.ExecutionSample} events of a JFR recording (what
 * {@code jfr print --events jdk.ExecutionSample} lists one by one): samples per thread, the top
 * frames (self time), and the methods most often anywhere on the stack (total time), in percent of
 * all samples.
 *
 * <p>{@code java -cp ... io.shardwise.benchmarks.JfrSummary FILE.jfr [TOP]}
 */
public final class JfrSummary {
    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        System.out.print(summarize(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25));
    }

    static String summarize(Path file, int top) throws IOException {
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> total = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> selfPackages = new HashMap<>();
        Map<String, Long> chains = new HashMap<>();
        Map<String, Long> shardwiseFrames = new HashMap<>();
        long samples = 0;
        java.time.Instant measuredFrom = events.stream()
                .filter(e -> e.getEventType().getName().equals(MeasuredPhase.NAME))
                .map(RecordedEvent::getStartTime).findFirst().orElse(java.time.Instant.MIN);
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(measuredFrom)) {
                continue;
            }
            RecordedStackTrace st = e.getStackTrace();
            if (st == null || st.getFrames().isEmpty()) {
                continue;
            }
            samples++;
            RecordedThread t = e.getThread("sampledThread");
            threads.merge(threadGroupName(t == null ? "?" : t.getJavaName()), 1L, Long::sum);
            List<RecordedFrame> frames = st.getFrames();
            String topFrame = name(frames.get(0));
            self.merge(topFrame, 1L, Long::sum);
            selfPackages.merge(area(frames.get(0)), 1L, Long::sum);
            StringBuilder chain = new StringBuilder(shortName(frames.get(0)));
            for (int i = 1; i < Math.min(4, frames.size()); i++) {
                chain.append(" <- ").append(shortName(frames.get(i)));
            }
            chains.merge(chain.toString(), 1L, Long::sum);
            for (RecordedFrame f : frames) {
                // the first (innermost) Shardwise frame: where Shardwise code spends or causes the time
                if (f.getMethod().getType().getName().startsWith("io.shardwise.producer")) {
                    shardwiseFrames.merge(name(f), 1L, Long::sum);
                    break;
                }
            }
            Set<String> onStack = new HashSet<>();
            for (RecordedFrame f : frames) {
                if (onStack.add(name(f))) {
                    total.merge(name(f), 1L, Long::sum);
                }
            }
        }
        StringBuilder sb = new StringBuilder();
        sb.append("JFR execution samples: ").append(samples).append(" in ").append(file.getFileName())
                .append(measuredFrom.equals(java.time.Instant.MIN) ? "" : " (measured phase only)").append('\n');
        if (samples == 0) {
            return sb.toString();
        }
        append(sb, "samples by thread (pools grouped)", threads, samples, top);
        append(sb, "self time by area (top frame's package)", selfPackages, samples, top);
        append(sb, "top frames (self time)", self, samples, top);
        append(sb, "top frames with their callers", chains, samples, top);
        append(sb, "innermost Shardwise frame (time spent in or below it)", shardwiseFrames, samples, top);
        append(sb, "methods on the stack (total time)", total, samples, top);
        return sb.toString();
    }

    private static void append(StringBuilder sb, String title, Map<String, Long> counts, long samples, int top) {
        sb.append('\n').append(title).append(":\n");
        List<Map.Entry<String, Long>> sorted = counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top).collect(Collectors.toList());
        for (Map.Entry<String, Long> en : sorted) {
            sb.append(String.format("  %5.1f%%  %6d  %s%n", 100.0 * en.getValue() / samples, en.getValue(), en.getKey()));
        }
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static String shortName(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName() + ":" + f.getLineNumber();
    }

    /** The top frame's package, coarsened: io.netty.handler.ssl, software.amazon.awssdk.core, ... */
    private static String area(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        int last = type.lastIndexOf('.');
        String pkg = last < 0 ? "" : type.substring(0, last);
        String[] parts = pkg.split("\\.");
        int keep = pkg.startsWith("software.amazon.awssdk") || pkg.startsWith("io.shardwise") ? 4 : 3;
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(keep, parts.length)));
    }

    /** Thread names without their trailing numbers, so a pool counts as one. */
    private static String threadGroupName(String name) {
        return name.replaceAll("[-#]?\\d+", "-N");
    }

    /** Marks the start of the measured phase in a recording that began before the warm-up. */
    @jdk.jfr.Name(MeasuredPhase.NAME)
    @jdk.jfr.Label("Benchmark measured phase")
    static final class MeasuredPhase extends jdk.jfr.Event {
        static final String NAME = "io.shardwise.benchmarks.MeasuredPhase";
    }
}
