package io.shardwise.benchmarks;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A forked {@link ProducerRunner} JVM: sends it commands, reads its {@code @@BENCH} lines. */
final class ChildProcess {
    private final String name;
    private final Process process;
    private final Writer stdin;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    private ChildProcess(String name, Process process, Path log) throws IOException {
        this.name = name;
        this.process = process;
        this.stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        Thread t = new Thread(() -> pump(log), "child-stdout-" + name);
        t.setDaemon(true);
        t.start();
    }

    static ChildProcess start(String name, List<String> jvmOptions, String classPath, List<String> args, Path logDir)
            throws IOException {
        Files.createDirectories(logDir);
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(ProducerRunner.class.getName());
        cmd.addAll(args);
        Path log = logDir.resolve(name + ".log");
        Files.writeString(log, String.join(" ", cmd) + "\n\n", StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ChildProcess(name, p, log.resolveSibling(name + ".out"));
    }

    private void pump(Path otherOutput) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter other = new PrintWriter(Files.newBufferedWriter(otherOutput, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.startsWith(ProducerRunner.PREFIX)) {
                    lines.add(line.substring(ProducerRunner.PREFIX.length()));
                } else {
                    other.println(line);
                    other.flush();
                }
            }
        } catch (IOException e) {
            // process ended
        }
        lines.add("EOF");
    }

    /**
     * This JVM's class path with entries replaced by the jars in {@code overrideDir} that have the
     * same artifact name (file name without its version), e.g. a newer protobuf-java for the KPL.
     */
    static String classPath(Path overrideDir) throws IOException {
        String cp = System.getProperty("java.class.path");
        if (overrideDir == null || !Files.isDirectory(overrideDir)) {
            return cp;
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        try (var files = Files.list(overrideDir)) {
            files.filter(f -> f.toString().endsWith(".jar"))
                    .forEach(f -> overrides.put(artifact(f.getFileName().toString()), f.toAbsolutePath().toString()));
        }
        List<String> out = new ArrayList<>();
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            String replacement = overrides.get(artifact(Path.of(entry).getFileName().toString()));
            out.add(replacement != null ? replacement : entry);
        }
        return String.join(java.io.File.pathSeparator, out);
    }

    /** {@code classPath} followed by every jar in {@code dir} (which must hold at least one). */
    static String withJars(String classPath, Path dir) throws IOException {
        List<String> jars;
        try (var files = Files.list(dir)) {
            jars = files.filter(f -> f.toString().endsWith(".jar")).map(f -> f.toAbsolutePath().toString()).sorted().toList();
        }
        if (jars.isEmpty()) {
            throw new IOException("no jar in " + dir);
        }
        return classPath + java.io.File.pathSeparator + String.join(java.io.File.pathSeparator, jars);
    }

    /** {@code protobuf-java-4.27.5.jar} -> {@code protobuf-java}. */
    private static String artifact(String fileName) {
        return fileName.replaceFirst("-\\d[^-]*(-[A-Za-z]+)?\\.jar$", "");
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    void send(String command) throws IOException {
        stdin.write(command + "\n");
        stdin.flush();
    }

    /**
     * Waits for a line starting with {@code word} and returns its {@code k=v} fields.
     *
     * @throws IOException if the process ends, reports an error or the time runs out
     */
    Map<String, String> await(String word, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new IOException(name + ": no " + word + " within " + timeout);
            }
            if (line.equals("EOF") || line.startsWith("ERROR")) {
                throw new IOException(name + ": " + (line.equals("EOF") ? "exited before " + word : line)
                        + " (see its log)");
            }
            if (line.startsWith(word)) {
                Map<String, String> fields = new LinkedHashMap<>();
                for (String part : line.substring(word.length()).trim().split(" ")) {
                    int eq = part.indexOf('=');
                    if (eq > 0) {
                        fields.put(part.substring(0, eq), part.substring(eq + 1));
                    }
                }
                return fields;
            }
        }
    }

    /** Waits for the process to exit; past the timeout kills it and whatever it started (the KPL daemon). */
    void awaitExit(Duration timeout) throws InterruptedException {
        List<ProcessHandle> started = new ArrayList<>();
        process.descendants().forEach(started::add);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle h : started) {
            if (h.isAlive()) {
                h.destroyForcibly();
            }
        }
    }
}
