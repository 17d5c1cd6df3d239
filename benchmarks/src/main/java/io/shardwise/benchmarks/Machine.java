package io.shardwise.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** One line about the machine: CPU, cores, memory, OS, JVM, load. */
final class Machine {
    private Machine() {
    }

    static String describe() {
        String cpu = first(Path.of("/proc/cpuinfo"), "model name", "unknown CPU");
        String mem = first(Path.of("/proc/meminfo"), "MemTotal", "?");
        String os = first(Path.of("/etc/os-release"), "PRETTY_NAME", System.getProperty("os.name"))
                .replace("\"", "");
        String memGiB = "?";
        try {
            memGiB = String.format("%.0f GiB", Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0);
        } catch (NumberFormatException e) {
            // keep ?
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memGiB + " RAM, " + os
                + ", Linux " + System.getProperty("os.version") + ", Java " + System.getProperty("java.vm.version")
                + " (" + System.getProperty("java.vm.name") + "); at the start " + loadAverage();
    }

    /** @return e.g. "load average 1.52 (1 min)" */
    static String loadAverage() {
        try {
            return "load average " + Files.readString(Path.of("/proc/loadavg")).trim().split(" ")[0] + " (1 min)";
        } catch (IOException e) {
            return "load average unknown";
        }
    }

    private static String first(Path file, String key, String fallback) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String l : lines) {
                if (l.startsWith(key)) {
                    int sep = l.indexOf(l.contains(":") ? ':' : '=');
                    return l.substring(sep + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall back
        }
        return fallback;
    }
}
