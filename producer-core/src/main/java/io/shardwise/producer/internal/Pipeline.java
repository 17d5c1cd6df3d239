package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import java.math.BigInteger;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The engine behind {@code KinesisProducer}: validation and hashing on the caller's thread, the
 * {@link Sender} thread, the callback executor, and the lifecycle (flush, close). Public only so
 * the API package can reach it; not API.
 *
 * <p>Thread-safe.
 */
public final class Pipeline {
    private static final Logger log = LoggerFactory.getLogger(Pipeline.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    /**
     * How to build a client when the user gave none.
     *
     * @param region region, or {@code null} for the default chain
     * @param endpointOverride endpoint, or {@code null}
     * @param credentialsProvider credentials, or {@code null} for the default chain
     */
    public record ClientSettings(Region region, URI endpointOverride, AwsCredentialsProvider credentialsProvider) {
    }

    private final ProducerConfig config;
    private final KinesisAsyncClient client;
    private final boolean ownsClient;
    private final Executor callbackExecutor;
    private final ExecutorService ownedExecutor;
    private final Sender sender;
    private final Outstanding outstanding;
    private final Counters counters = new Counters();
    private final Time time;
    private final long ttlNanos;
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private boolean closeDone;

    /**
     * @param client the user's client, or {@code null} to build one from {@code settings}
     * @param settings used only when {@code client} is {@code null}
     * @param config the configuration
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     */
    public Pipeline(KinesisAsyncClient client, ClientSettings settings, ProducerConfig config, Executor callbackExecutor) {
        this(client, settings, config, callbackExecutor, Time.SYSTEM);
    }

    Pipeline(KinesisAsyncClient client, ClientSettings settings, ProducerConfig config, Executor callbackExecutor, Time time) {
        this.config = config;
        this.time = time;
        this.ttlNanos = config.recordTtl().toNanos();
        this.outstanding = new Outstanding(config.maxOutstandingRecords(), config.maxOutstandingBytes(), config.maxBlockTime());
        int id = IDS.incrementAndGet();
        if (client != null) {
            this.client = client;
            this.ownsClient = false;
        } else {
            this.client = buildClient(settings, config);
            this.ownsClient = true;
        }
        if (callbackExecutor != null) {
            this.callbackExecutor = callbackExecutor;
            this.ownedExecutor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.ownedExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "shardwise-" + id + "-callback-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.callbackExecutor = ownedExecutor;
        }
        this.sender = new Sender(this.client, config, this.callbackExecutor, time, counters, outstanding.observers);
        sender.start("shardwise-" + id + "-sender");
        log.info("Shardwise producer {} started ({} client, {})", id, ownsClient ? "own" : "caller's", config);
    }

    private static KinesisAsyncClient buildClient(ClientSettings s, ProducerConfig config) {
        KinesisAsyncClientBuilder b = KinesisAsyncClient.builder()
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(Math.max(50, config.maxInFlightRequests() + 8))
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                // The producer retries failed entries itself, with back-off and per-record accounting.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (s.region() != null) {
            b.region(s.region());
        }
        if (s.endpointOverride() != null) {
            b.endpointOverride(s.endpointOverride());
        }
        if (s.credentialsProvider() != null) {
            b.credentialsProvider(s.credentialsProvider());
        }
        return b.build();
    }

    /**
     * Validates, hashes and queues one record (caller's thread; never blocks on I/O).
     *
     * @return the record's future
     */
    public CompletableFuture<PutResult> add(String stream, String partitionKey, String explicitHashKey, byte[] data) {
        if (closed) {
            throw closedError();
        }
        RecordValidator.checkStream(stream);
        RecordValidator.checkPartitionKey(partitionKey);
        RecordValidator.checkData(data);
        long high;
        long low;
        int keyLength;
        if (explicitHashKey != null) {
            BigInteger v = RecordValidator.parseExplicitHashKey(explicitHashKey);
            high = HashKeys.high(v);
            low = HashKeys.low(v);
            keyLength = RecordValidator.utf8Length(partitionKey);
        } else {
            PartitionKeyHasher hasher = PartitionKeyHasher.forCurrentThread();
            hasher.hash(partitionKey);
            high = hasher.high();
            low = hasher.low();
            keyLength = hasher.keyUtf8Length();
        }
        RecordValidator.checkSize(data.length, keyLength, config.maxRecordSize());
        long now = time.nanoTime();
        PendingRecord r = new PendingRecord(stream, partitionKey, explicitHashKey, data, data.length + keyLength,
                high, low, now, now + ttlNanos, outstanding);
        sender.submit(r);
        if (closed && sender.withdraw(r)) {
            ProducerClosedException e = closedError();
            r.fail(e);
            throw e;
        }
        counters.added.increment();
        return r.future;
    }

    private static ProducerClosedException closedError() {
        return new ProducerClosedException("The producer is closed; it accepts no more records", List.of(), null);
    }

    /** @return a future completed when every record added before the call has completed */
    public CompletableFuture<Void> flush() {
        CompletableFuture<Void> done = outstanding.flush();
        sender.requestFlush();
        return done;
    }

    /**
     * Registers an observer.
     *
     * @return a handle whose {@code close()} unregisters it
     */
    public AutoCloseable addObserver(io.shardwise.producer.ProducerObserver observer) {
        return outstanding.observers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    /** @return whether {@link #close} was called */
    public boolean isClosed() {
        return closed;
    }

    /** @return the counters */
    public ProducerStats stats() {
        return counters.snapshot(outstanding);
    }

    /**
     * Closes: see {@code KinesisProducer.close(Duration)}.
     *
     * @return the final counters
     */
    public ProducerStats close(Duration timeout) {
        synchronized (closeLock) {
            if (closeDone) {
                return stats();
            }
            closeDone = true;
            closed = true;
            long start = System.nanoTime();
            try {
                flush().get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.warn("Producer close: {} records still outstanding after {}; failing them", outstanding.records(), timeout);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("Producer close: flush failed", e);
            }
            try {
                sender.shutdown(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (sender.isAlive()) {
                log.error("Producer close: the sender thread did not stop within 10 s");
            }
            if (ownedExecutor != null) {
                ownedExecutor.shutdown();
                try {
                    ownedExecutor.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (ownsClient) {
                client.close();
            }
            ProducerStats s = stats();
            log.info("Shardwise producer closed after {} ms: {} records added, {} succeeded, {} failed {}",
                    (System.nanoTime() - start) / 1_000_000, s.userRecordsAdded(), s.userRecordsSucceeded(),
                    s.userRecordsFailed(), s.failedByReason());
            return s;
        }
    }
}
