package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerFailedException;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.firehose.FirehosePutResult;
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
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * The engine behind {@code KinesisProducer} and {@code FirehoseProducer}: validation and hashing on the caller's thread, the
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
        /** Sets what was given on an SDK client builder; leaves the rest to the SDK's default chains. */
        void applyTo(AwsClientBuilder<?, ?> b) {
            if (region != null) {
                b.region(region);
            }
            if (endpointOverride != null) {
                b.endpointOverride(endpointOverride);
            }
            if (credentialsProvider != null) {
                b.credentialsProvider(credentialsProvider);
            }
        }
    }

    private final ProducerConfig config;
    private final Destination destination;
    /** Firehose record packing, or {@code null}. */
    private final Packing packing;
    private final String clientOrigin;
    private final CallbackExecutor callbackExecutor;
    private final ExecutorService ownedExecutor;
    private final Sender sender;
    private final Outstanding outstanding;
    private final Counters counters = new Counters();
    /** Each stream's own limits, learned by the sender, checked here on the caller's thread. */
    private final StreamLimits limits = new StreamLimits();
    private final Time time;
    private final long ttlNanos;
    private volatile boolean closed;
    private final Object closeLock = new Object();
    private boolean closeDone;
    private final int id;

    /**
     * The engine of a {@code KinesisProducer}.
     *
     * @param client the user's client, or {@code null} to build one from {@code settings}
     * @param settings used only when {@code client} is {@code null}
     * @param config the configuration
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     */
    public Pipeline(KinesisAsyncClient client, ClientSettings settings, ProducerConfig config, Executor callbackExecutor) {
        this(new KinesisDestination(client != null ? client : buildKinesisClient(settings, config), client == null,
                        config.requestTimeout()), client != null, config, kinesisAggregation(config), null, callbackExecutor, Time.SYSTEM);
    }

    /**
     * The engine of a {@code FirehoseProducer}: one queue per delivery stream, PutRecordBatch.
     *
     * @param client the user's client, or {@code null} to build one from {@code settings}
     * @param settings used only when {@code client} is {@code null}
     * @param config the engine's settings (shard options are ignored)
     * @param packing how to join user records into Firehose records, or {@code null} to send each alone
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     * @return the engine, started
     */
    public static Pipeline forFirehose(FirehoseAsyncClient client, ClientSettings settings, ProducerConfig config,
                                       Packing packing, Executor callbackExecutor) {
        FirehoseDestination d = new FirehoseDestination(client != null ? client : FirehoseDestination.buildClient(settings, config),
                client == null);
        StreamPipeline.Aggregation aggregation = packing == null ? null
                : new StreamPipeline.Aggregation(packing.maxSize(), packing.maxCount(), false, packing.delimiter(), Integer.MAX_VALUE);
        return new Pipeline(d, client != null, config, aggregation, packing, callbackExecutor, Time.SYSTEM);
    }

    /**
     * Joining small user records into one Firehose record: each user record followed by
     * {@code delimiter} (unless it already ends with it), up to {@code maxSize} bytes and {@code maxCount} records.
     *
     * @param maxSize largest joined record, delimiters included
     * @param maxCount most user records per joined record
     * @param delimiter the bytes that end each user record (not empty)
     */
    public record Packing(int maxSize, int maxCount, byte[] delimiter) {
    }

    private static StreamPipeline.Aggregation kinesisAggregation(ProducerConfig config) {
        return config.aggregationEnabled()
                ? new StreamPipeline.Aggregation(config.aggregationMaxSize(), config.aggregationMaxCount(),
                        config.aggregationPreservesPartitionKeys(), null, config.aggregationMaxUserRecordSize())
                : null;
    }

    Pipeline(Destination destination, boolean callersClient, ProducerConfig config, StreamPipeline.Aggregation aggregation,
             Packing packing, Executor callbackExecutor, Time time) {
        this.config = config;
        this.packing = packing;
        this.time = time;
        this.destination = destination;
        this.clientOrigin = callersClient ? "caller's" : "own";
        this.ttlNanos = config.recordTtl().toNanos();
        this.outstanding = new Outstanding(config.maxOutstandingRecords(), config.maxOutstandingBytes(), config.maxBlockTime());
        this.id = IDS.incrementAndGet();
        if (callbackExecutor != null) {
            this.callbackExecutor = new CallbackExecutor(callbackExecutor, "shardwise-" + id + "-callback-fallback");
            this.ownedExecutor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.ownedExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "shardwise-" + id + "-callback-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.callbackExecutor = new CallbackExecutor(ownedExecutor, "shardwise-" + id + "-callback-fallback");
        }
        this.sender = new Sender(destination, config, aggregation, this.callbackExecutor, time, counters, outstanding.observers, limits);
        sender.start("shardwise-" + id + "-sender");
        log.info("Shardwise {} producer {} started ({} client, {})", destination.serviceName(), id, clientOrigin, config);
    }

    /**
     * The HTTP client every producer-built SDK client uses: enough connections for the requests in
     * flight, on Netty event loops of its own that close with it without the SDK's 2 s quiet period.
     */
    static SdkAsyncHttpClient.Builder<?> httpClient(ProducerConfig config) {
        return new OwnEventLoopsHttpClient.Builder(NettyNioAsyncHttpClient.builder()
                .maxConcurrency(Math.max(50, config.maxInFlightRequests() + 8))
                .connectionAcquisitionTimeout(Duration.ofSeconds(30)));
    }

    private static KinesisAsyncClient buildKinesisClient(ClientSettings s, ProducerConfig config) {
        KinesisAsyncClientBuilder b = KinesisAsyncClient.builder()
                .httpClientBuilder(httpClient(config))
                // The producer retries failed entries itself, with back-off and per-record accounting.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        s.applyTo(b);
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
        checkSenderAlive();
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
        int streamMax = limits.maxRecordSize(stream);
        if (streamMax > 0 && streamMax < config.maxRecordSize()) {
            RecordValidator.checkStreamSize(data.length, keyLength, streamMax, destination.describe(stream));
        } else {
            RecordValidator.checkSize(data.length, keyLength, config.maxRecordSize());
        }
        long now = time.nanoTime();
        return submit(new PendingRecord(stream, partitionKey, explicitHashKey, data, data.length + keyLength,
                high, low, now, now + ttlNanos, outstanding));
    }

    /**
     * Validates and queues one record for a Firehose delivery stream (caller's thread; never blocks
     * on I/O). With packing, a record containing the delimiter anywhere but at its end is refused.
     *
     * @return the record's future
     */
    public CompletableFuture<FirehosePutResult> addToDeliveryStream(String deliveryStream, byte[] data) {
        if (closed) {
            throw closedError();
        }
        checkSenderAlive();
        RecordValidator.checkDeliveryStream(deliveryStream);
        RecordValidator.checkData(data);
        int size;
        if (packing != null) {
            RecordValidator.checkNoDelimiter(data, packing.delimiter());
            size = DelimitedPacker.packedLength(data, packing.delimiter());
            RecordValidator.checkFirehoseSize(data.length, size - data.length, packing.maxSize(), "packingMaxSize");
        } else {
            size = data.length;
            RecordValidator.checkFirehoseSize(data.length, 0, config.maxRecordSize(), "maxRecordSize");
        }
        long now = time.nanoTime();
        return submit(new PendingRecord(deliveryStream, null, null, data, size, 0, 0, now, now + ttlNanos, outstanding,
                FirehoseDestination.RESULTS));
    }

    private <T> CompletableFuture<T> submit(PendingRecord r) {
        sender.submit(r);
        // The sender marks itself stopped before it takes its last records: if it stopped after this
        // record went in, either it took the record (and fails it) or the record is withdrawn here.
        if ((closed || sender.isStopped()) && sender.withdraw(r)) {
            io.shardwise.producer.RecordFailedException e = sender.failure() != null ? senderFailed() : closedError();
            r.refuse(e);
            throw e;
        }
        counters.added.increment();
        return r.future();
    }

    private void checkSenderAlive() {
        if (sender.failure() != null) {
            throw senderFailed();
        }
    }

    private ProducerFailedException senderFailed() {
        Throwable cause = sender.failure();
        return new ProducerFailedException("The producer's sender thread died of " + cause
                + "; it accepts no more records. Close it and build a new one.", List.of(), cause);
    }

    private static ProducerClosedException closedError() {
        return new ProducerClosedException("The producer is closed; it accepts no more records", List.of(), null);
    }

    /** @return a future completed when every record added before the call has completed */
    public CompletableFuture<Void> flush() {
        // Called from a record's callback: first complete the records this thread was about to
        // complete after it, then let the records whose callbacks are running here (their results
        // are set) leave their epochs, so the flush does not wait for its own thread.
        CompletionRun.finishOnThisThread();
        PendingRecord.leaveEpochsSettlingOnThisThread();
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
            try {
                callbackExecutor.close(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            destination.close();
            ProducerStats s = stats();
            log.info("Shardwise producer closed after {} ms: {} records added, {} succeeded, {} failed {}",
                    (System.nanoTime() - start) / 1_000_000, s.userRecordsAdded(), s.userRecordsSucceeded(),
                    s.userRecordsFailed(), s.failedByReason());
            return s;
        }
    }
}
