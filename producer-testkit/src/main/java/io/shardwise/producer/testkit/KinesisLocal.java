package io.shardwise.producer.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A kinesis-local server (kinesis-mock over plain HTTP on loopback) for tests and demos, with the
 * helpers they need: a client for it, stream creation, and reading a stream back.
 *
 * <p>{@link #shared()} connects to {@code SHARDWISE_KINESIS_ENDPOINT} when that environment variable
 * (or the system property {@code shardwise.kinesis.endpoint}) is set, as {@code .ci/run} does.
 * Otherwise it installs the npm package {@code kinesis-local@0.6.2} into {@code .kinesis-local/} at
 * the repository root (or {@code KINESIS_LOCAL_DIR}) if it is not there yet, starts it with Node on
 * a free port, and stops it when the JVM exits. Node.js and npm must be on the PATH for that.
 *
 * <p>Thread-safe.
 */
public final class KinesisLocal implements AutoCloseable {
    /** The npm package and version this launcher installs. */
    public static final String PACKAGE = "kinesis-local@0.6.2";
    /** Region the server and its clients use. */
    public static final Region REGION = Region.US_EAST_1;

    private static final Logger log = LoggerFactory.getLogger(KinesisLocal.class);
    private static KinesisLocal shared;

    private final URI endpoint;
    private final Process process;
    private final KinesisAsyncClient admin;

    private KinesisLocal(URI endpoint, Process process) {
        this.endpoint = endpoint;
        this.process = process;
        this.admin = newClient();
    }

    /** @return the JVM-wide server, connected to or started on first use */
    public static synchronized KinesisLocal shared() {
        if (shared == null) {
            String configured = System.getProperty("shardwise.kinesis.endpoint", System.getenv("SHARDWISE_KINESIS_ENDPOINT"));
            shared = configured != null && !configured.isBlank() ? connect(URI.create(configured)) : start();
            KinesisLocal s = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(s::close, "kinesis-local-stop"));
        }
        return shared;
    }

    /**
     * @param endpoint a running Kinesis-compatible endpoint
     * @return a handle on it (closing it stops nothing)
     */
    public static KinesisLocal connect(URI endpoint) {
        KinesisLocal k = new KinesisLocal(endpoint, null);
        k.awaitReady(Duration.ofSeconds(60));
        return k;
    }

    /** @return a new server on a free loopback port, installed first if needed */
    public static KinesisLocal start() {
        Path dir = installDir();
        Path main = dir.resolve("node_modules/kinesis-local/main.js");
        if (!Files.exists(main)) {
            install(dir);
        }
        int plain = freePort();
        int tls = freePort();
        ProcessBuilder pb = new ProcessBuilder("node", main.toString());
        Map<String, String> env = pb.environment();
        env.put("KINESIS_MOCK_CERT_PATH", dir.resolve("node_modules/kinesis-local/server.json").toString());
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(plain));
        env.put("KINESIS_MOCK_TLS_PORT", Integer.toString(tls));
        env.put("SHARD_LIMIT", "100000");
        env.put("LOG_LEVEL", "WARN");
        File logFile = dir.resolve("kinesis-local-" + plain + ".log").toFile();
        pb.redirectErrorStream(true).redirectOutput(logFile);
        try {
            Process p = pb.start();
            KinesisLocal k = new KinesisLocal(URI.create("http://127.0.0.1:" + plain), p);
            k.awaitReady(Duration.ofSeconds(60));
            log.info("kinesis-local started on {} (pid {}, log {})", k.endpoint, p.pid(), logFile);
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start kinesis-local with node (is Node.js installed?)", e);
        }
    }

    private static Path installDir() {
        String configured = System.getenv("KINESIS_LOCAL_DIR");
        if (configured != null && !configured.isBlank()) {
            return Paths.get(configured).toAbsolutePath();
        }
        Path p = Paths.get("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve(".mvn")) && Files.exists(d.resolve("mvnw"))) {
                return d.resolve(".kinesis-local");
            }
        }
        return p.resolve(".kinesis-local");
    }

    private static void install(Path dir) {
        try {
            Files.createDirectories(dir);
            log.info("Installing {} into {}", PACKAGE, dir);
            Process p = new ProcessBuilder("npm", "install", "--no-save", "--no-audit", "--no-fund", PACKAGE)
                    .directory(dir.toFile()).inheritIO().start();
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("npm install " + PACKAGE + " failed in " + dir + " (is npm installed and the registry reachable?)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot run npm to install " + PACKAGE + " (is Node.js/npm installed?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while installing " + PACKAGE, e);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Throwable last = null;
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("kinesis-local exited with code " + process.exitValue() + " at startup; see its log");
            }
            try {
                if (!portOpen()) {
                    sleep(200);
                    continue;
                }
                admin.listStreams().get(5, TimeUnit.SECONDS);
                return;
            } catch (Exception e) {
                last = e;
                sleep(200);
            }
        }
        throw new IllegalStateException("kinesis-local at " + endpoint + " did not answer within " + timeout, last);
    }

    private boolean portOpen() {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new java.net.InetSocketAddress(endpoint.getHost(), endpoint.getPort()), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the HTTP endpoint, e.g. {@code http://127.0.0.1:4568} */
    public URI endpoint() {
        return endpoint;
    }

    /** @return a new client for this server (dummy credentials, us-east-1); the caller closes it */
    public KinesisAsyncClient newClient() {
        return KinesisAsyncClient.builder()
                .endpointOverride(endpoint)
                .region(REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "local-secret")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().maxConcurrency(64))
                .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD))
                .build();
    }

    /**
     * Creates a stream and waits until it is ACTIVE.
     *
     * @param name stream name
     * @param shards shard count
     */
    public void createStream(String name, int shards) {
        join(admin.createStream(b -> b.streamName(name).shardCount(shards)));
        awaitActive(name);
    }

    /** Waits until the stream is ACTIVE (after creation or a reshard). */
    public void awaitActive(String name) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            try {
                StreamStatus status = join(admin.describeStreamSummary(b -> b.streamName(name)))
                        .streamDescriptionSummary().streamStatus();
                if (status == StreamStatus.ACTIVE) {
                    return;
                }
            } catch (ResourceNotFoundException e) {
                // not visible yet: keep waiting
            }
            sleep(100);
        }
        throw new IllegalStateException("Stream " + name + " did not become ACTIVE within 60 s");
    }

    /** @return every shard of the stream (open and closed), following pagination */
    public List<Shard> listShards(String name) {
        List<Shard> all = new ArrayList<>();
        var response = join(admin.listShards(b -> b.streamName(name)));
        all.addAll(response.shards());
        while (response.nextToken() != null) {
            String token = response.nextToken();
            response = join(admin.listShards(b -> b.nextToken(token)));
            all.addAll(response.shards());
        }
        return all;
    }

    /**
     * Reads a shard from TRIM_HORIZON until it has returned {@code expectedAtLeast} records or a
     * read returns nothing new (with a bounded number of empty reads).
     *
     * @return the records in shard order
     */
    public List<Record> readShard(String stream, String shardId, int expectedAtLeast) {
        List<Record> out = new ArrayList<>();
        String iterator = join(admin.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON))).shardIterator();
        int empty = 0;
        while (iterator != null && empty < 3) {
            String it = iterator;
            GetRecordsResponse r = join(admin.getRecords(b -> b.shardIterator(it).limit(10_000)));
            out.addAll(r.records());
            if (r.records().isEmpty()) {
                if (out.size() >= expectedAtLeast || (r.millisBehindLatest() != null && r.millisBehindLatest() == 0)) {
                    empty++;
                }
            } else {
                empty = 0;
            }
            iterator = r.nextShardIterator();
        }
        return out;
    }

    /** @return the admin client this handle uses (do not close it) */
    public KinesisAsyncClient client() {
        return admin;
    }

    /** Stops the server if this handle started it. */
    @Override
    public synchronized void close() {
        admin.close();
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(c);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("kinesis-local call timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
