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
 * The engine behind {@code KinesisProducer} and {@code FirehoseProducer}: validation and hashing on
 * the caller's thread, the {@link Sender} loop (on its own thread, or stepped by a test with
 * {@link #step()}), the callback executor, and the lifecycle (flush, close). Built by {@link Engines}.
 *
 * <p>Thread-safe.
 */
final class Engine implements Engines.KinesisEngine, Engines.FirehoseEngine {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final EngineConfig config;
    private final Destination destination;
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
     * An engine whose sender does not run yet: {@link #start} it, or {@link #step()} it (tests).
     *
     * @param callersClient whether the destination's client is the caller's (for the log line)
     * @param callbackExecutor the user's executor, or {@code null} for an owned pool
     */
    Engine(Destination destination, boolean callersClient, EngineConfig config, Executor callbackExecutor, EngineRuntime runtime) {
        this.config = config;
        this.time = runtime.time();
        this.destination = destination;
        this.clientOrigin = callersClient ? "caller's" : "own";
        this.ttlNanos = config.recordTtlNanos();
        this.outstanding = new Outstanding(config.maxOutstandingRecords(), config.maxOutstandingBytes(), config.maxBlockTime(), time);
        this.id = IDS.incrementAndGet();
        if (callbackExecutor != null) {
            this.callbackExecutor = new CallbackExecutor(callbackExecutor, "shardwise-" + id + "-callback-fallback",
                    runtime.refusedCallbacks());
            this.ownedExecutor = null;
        } else {
            AtomicInteger n = new AtomicInteger();
            this.ownedExecutor = Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "shardwise-" + id + "-callback-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            this.callbackExecutor = new CallbackExecutor(ownedExecutor, "shardwise-" + id + "-callback-fallback",
                    runtime.refusedCallbacks());
        }
        this.sender = new Sender(destination, config, this.callbackExecutor, runtime, counters, outstanding.observers, limits);
    }

    /** Starts the engine's sender thread; @return the engine */
    static Engine start(Engine engine) {
        engine.sender.start("shardwise-" + engine.id + "-sender");
        log.info("Shardwise {} producer {} started ({} client, {})", engine.destination.serviceName(), engine.id, engine.clientOrigin,
                engine.config.description());
        return engine;
    }

    /**
     * One turn of the sender loop on the calling thread, for an engine that was not started (tests
     * that drive the engine on a virtual clock).
     *
     * @return when the loop wants to run again at the latest (nanoseconds on the engine's clock)
     */
    long step() {
        return sender.runOnce();
    }

    /** Ends an engine that was stepped, not started: fails what it holds, as the thread does on close. */
    void stopStepped() {
        closed = true;
        sender.stopStepped();
    }

    /**
     * Validates, hashes and queues one record (caller's thread; never blocks on I/O).
     *
     * @return the record's future
     */
    @Override
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
            if ((long) data.length + keyLength > streamMax) { // the stream's description only for the error: not per record
                RecordValidator.checkStreamSize(data.length, keyLength, streamMax, destination.describe(stream));
            }
        } else {
            RecordValidator.checkSize(data.length, keyLength, config.maxRecordSize());
        }
        long now = time.nanoTime();
        RecordFuture<PutResult> future = new RecordFuture<>(PutResult::new);
        submit(new PendingRecord(stream, partitionKey, explicitHashKey, data, data.length + keyLength,
                high, low, now, now + ttlNanos, outstanding, future));
        return future;
    }

    /**
     * Validates and queues one record for a Firehose delivery stream (caller's thread; never blocks
     * on I/O). With packing, a record containing the delimiter anywhere but at its end is refused.
     *
     * @return the record's future
     */
    @Override
    public CompletableFuture<FirehosePutResult> add(String deliveryStream, byte[] data) {
        if (closed) {
            throw closedError();
        }
        checkSenderAlive();
        RecordValidator.checkDeliveryStream(deliveryStream);
        RecordValidator.checkData(data);
        int size;
        Aggregation packing = config.aggregation();
        if (packing != null) {
            RecordValidator.checkNoDelimiter(data, packing.delimiter());
            size = DelimitedPacker.packedLength(data, packing.delimiter());
            RecordValidator.checkFirehoseSize(data.length, size - data.length, packing.maxSize(), "packingMaxSize");
        } else {
            size = data.length;
            RecordValidator.checkFirehoseSize(data.length, 0, config.maxRecordSize(), "maxRecordSize");
        }
        long now = time.nanoTime();
        RecordFuture<FirehosePutResult> future = new RecordFuture<>(FirehoseDestination.RESULTS);
        submit(new PendingRecord(deliveryStream, null, null, data, size, 0, 0, now, now + ttlNanos, outstanding, future));
        return future;
    }

    private void submit(PendingRecord r) {
        sender.submit(r);
        // The sender marks itself stopped before it takes its last records: if it stopped after this
        // record went in, either it took the record (and fails it) or the record is withdrawn here.
        if ((closed || sender.isStopped()) && sender.withdraw(r)) {
            io.shardwise.producer.RecordFailedException e = sender.failure() != null ? senderFailed() : closedError();
            r.refuse(e);
            throw e;
        }
        counters.added.increment();
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
    @Override
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
    @Override
    public AutoCloseable addObserver(io.shardwise.producer.ProducerObserver observer) {
        return outstanding.observers.add(java.util.Objects.requireNonNull(observer, "observer"));
    }

    /** @return whether {@link #close} was called */
    @Override
    public boolean isClosed() {
        return closed;
    }

    /** @return the counters */
    @Override
    public ProducerStats stats() {
        return counters.snapshot(outstanding);
    }

    /**
     * Closes: see {@code KinesisProducer.close(Duration)}.
     *
     * @return the final counters
     */
    @Override
    public ProducerStats close(Duration timeout) {
        synchronized (closeLock) {
            if (closeDone) {
                return stats();
            }
            closeDone = true;
            closed = true;
            long start = time.nanoTime();
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
                    (time.nanoTime() - start) / 1_000_000, s.userRecordsAdded(), s.userRecordsSucceeded(),
                    s.userRecordsFailed(), s.failedByReason());
            return s;
        }
    }
}
