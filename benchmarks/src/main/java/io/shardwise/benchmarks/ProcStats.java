package io.shardwise.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time and resident memory of this process and every process it started (the KPL's native
 * daemon), read from {@code /proc}. Linux only; elsewhere the figures are zero.
 */
final class ProcStats {
    /** Clock ticks per second of {@code /proc/<pid>/stat} times ({@code getconf CLK_TCK}; 100 on Linux). */
    static final long TICKS_PER_SECOND = 100;

    private ProcStats() {
    }

    /** A snapshot of the process tree rooted at this JVM. */
    record TreeSnapshot(long cpuTicks, long jvmCpuTicks, long peakRssKiB, int processes) {
        double cpuSeconds() {
            return cpuTicks / (double) TICKS_PER_SECOND;
        }
    }

    /**
     * CPU ticks of this JVM (all threads, plus children it already reaped) and of its live
     * descendants, and the sum of each process's peak RSS ({@code VmHWM}).
     */
    static TreeSnapshot tree() {
        long self = ProcessHandle.current().pid();
        long jvm = cpuTicks(self, true);
        long cpu = jvm;
        long hwm = peakRssKiB(self);
        int n = 1;
        for (long pid : descendants()) {
            cpu += cpuTicks(pid, true);
            hwm += peakRssKiB(pid);
            n++;
        }
        return new TreeSnapshot(cpu, jvm, hwm, n);
    }

    static List<Long> descendants() {
        List<Long> out = new ArrayList<>();
        ProcessHandle.current().descendants().forEach(p -> out.add(p.pid()));
        return out;
    }

    /** utime + stime (+ cutime + cstime if asked) of a process, in clock ticks; 0 if unreadable. */
    static long cpuTicks(long pid, boolean withReapedChildren) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name may hold spaces and parentheses: fields start after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
            // f[0] is field 3 (state); utime is field 14, stime 15, cutime 16, cstime 17
            long t = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            if (withReapedChildren) {
                t += Long.parseLong(f[13]) + Long.parseLong(f[14]);
            }
            return t;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /**
     * Resets the peak RSS ({@code VmHWM}) of this process and its descendants to their current RSS
     * (writes 5 to {@code /proc/<pid>/clear_refs}, Linux 4.0+), so a peak covers the measured phase.
     */
    static void resetPeakRss() {
        List<Long> pids = descendants();
        pids.add(ProcessHandle.current().pid());
        for (long pid : pids) {
            try {
                Files.writeString(Path.of("/proc", Long.toString(pid), "clear_refs"), "5");
            } catch (IOException | RuntimeException e) {
                // not Linux, or not allowed: the peak then covers the warm-up too
            }
        }
    }

    /** VmHWM (peak resident set) of a process in KiB; 0 if unreadable. */
    static long peakRssKiB(long pid) {
        return statusField(pid, "VmHWM:");
    }

    /** VmRSS (current resident set) of a process in KiB; 0 if unreadable. */
    static long rssKiB(long pid) {
        return statusField(pid, "VmRSS:");
    }

    private static long statusField(long pid, String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith(name)) {
                    String v = line.substring(name.length()).trim();
                    return Long.parseLong(v.substring(0, v.indexOf(' ')));
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or not Linux
        }
        return 0;
    }
}
