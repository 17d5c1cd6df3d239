package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerFailedException;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.StreamNotFoundException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer thread. Callers hand records over with {@link #submit}; this thread alone owns the
 * per-stream {@link StreamPipeline}s, so grouping and packing need no locks. Each turn of the loop
 * ({@link #runOnce()}) it:
 * <ol>
 *   <li>applies events posted by other threads (completed requests, loaded shard maps);</li>
 *   <li>moves new records into their stream's shard queues, predicting each one's shard;</li>
 *   <li>moves retries whose back-off has passed to the front of their (re-predicted) shard queue;</li>
 *   <li>starts ListShards where a map is missing or a refresh was asked for (rate-limited, coalesced);</li>
 *   <li>sends every request that is due (full, lingered long enough, or flushed) while fewer than
 *       {@code maxInFlightRequests} are in flight;</li>
 *   <li>parks until the earliest deadline or until woken.</li>
 * </ol>
 * Responses are handled on the callback executor by {@link ResponseHandler}; what they hand back
 * comes in as events. On {@link #shutdown()} every record the sender still holds fails with
 * {@link ProducerClosedException}.
 */
final class Sender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    private static final int WAKE_EVERY = 64;
    /** Maps refreshed because of misses before prediction may be switched off for a stream. */
    static final int MISS_STREAK_LIMIT = 3;
    /** Records predicted with fresh maps before prediction can be judged broken. */
    static final int MIN_JUDGED = 100;
    /** Well-predicted records with fresh maps that clear the suspicion. */
    static final int MIN_JUDGED_GOOD = 1000;
    /** How long a stream batches without prediction before trying again. */
    static final long PREDICTION_RECHECK_NANOS = 5L * 60 * 1_000_000_000L;

    private final Destination destination;
    private final EngineConfig config;
    private final CallbackExecutor callbackExecutor;
    private final Time time;
    private final Counters counters;
    private final ResponseHandler responseHandler;
    private final RetryPolicy retryPolicy;
    private final long lingerNanos;
    private final long minRefreshNanos;
    private final long sweepIntervalNanos;
    private final double shardRecordsPerSecond;
    private final double shardBytesPerSecond;
    private final Aggregation aggregation;

    private final ConcurrentLinkedQueue<PendingRecord> inbound = new ConcurrentLinkedQueue<>();
    private final AtomicInteger inboundCount = new AtomicInteger();
    private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
    private final AtomicLong flushMark;

    // Sender-thread state.
    private final Map<String, StreamPipeline> pipelines = new HashMap<>();
    private final PriorityQueue<PendingRecord> retries =
            new PriorityQueue<>(Comparator.comparingLong((PendingRecord r) -> r.retryAtNanos));
    /** In send order (a batch is equal only to itself), so that every walk over them is repeatable. */
    private final Set<RequestBatch> inFlight = new java.util.LinkedHashSet<>();
    /** Requests rejected as a whole for their content, split and waiting to be sent again. */
    private final ArrayDeque<RequestBatch> splits = new ArrayDeque<>();
    /** Record completions decided this turn, run on the callback executor at its end (never here). */
    private CompletionRun completions = new CompletionRun();
    private long nextSweepNanos;
    /** The flush mark seen at the start of the current turn: a newer one must not wait for the park. */
    private long flushMarkSeen;

    private volatile boolean running = true;
    private volatile boolean parked;
    private volatile Thread thread;
    /** Set, before the thread fails what it holds, when the loop died of an unexpected throwable. */
    private volatile Throwable failure;
    /** Set once the thread has stopped taking records: a record submitted later must be withdrawn by its caller. */
    private volatile boolean stopped;

    private final ObserverRegistry observers;
    /** Each stream's own limits, learned here and read by callers. */
    private final StreamLimits limits;

    /**
     * @param destination where requests go
     * @param config the engine's settings
     * @param aggregation how to pack user records into entries, or {@code null} for one entry per user record
     */
    Sender(Destination destination, EngineConfig config, CallbackExecutor callbackExecutor, EngineRuntime runtime,
           Counters counters, ObserverRegistry observers, StreamLimits limits) {
        Time time = runtime.time();
        this.limits = limits;
        this.observers = observers;
        this.destination = destination;
        this.config = config;
        this.callbackExecutor = callbackExecutor;
        this.time = time;
        this.counters = counters;
        this.retryPolicy = new RetryPolicy(config.retryBackoffBase(), config.retryBackoffMax(), runtime.random());
        this.responseHandler = new ResponseHandler(config.maxAttempts(), java.time.Duration.ofNanos(config.recordTtlNanos()), retryPolicy, counters, observers,
                destination, config.failIfThrottled());
        this.lingerNanos = config.lingerNanos();
        this.minRefreshNanos = config.shardMapMinRefreshNanos();
        this.sweepIntervalNanos = Math.min(1_000_000_000L, Math.max(1_000_000L, config.recordTtlNanos() / 10));
        this.shardRecordsPerSecond = config.shardRecordsPerSecond();
        this.shardBytesPerSecond = config.shardBytesPerSecond();
        this.aggregation = config.aggregation();
        this.flushMark = new AtomicLong(time.nanoTime() - Long.MAX_VALUE / 2);
        this.nextSweepNanos = time.nanoTime() + sweepIntervalNanos;
    }

    /** Starts the thread; called once by the producer. */
    void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Hands a validated record to the pipeline. Any thread; never blocks. */
    void submit(PendingRecord r) {
        inbound.add(r);
        int n = inboundCount.incrementAndGet();
        if (n == 1 || n % WAKE_EVERY == 0) {
            wake();
        }
    }

    /**
     * Takes back a record {@link #submit submitted} after the sender stopped (see {@link #isStopped});
     * {@code false} if the sender already took it (then it fails it).
     */
    boolean withdraw(PendingRecord r) {
        return inbound.remove(r);
    }

    /** Makes every record added up to now due at once, regardless of linger. */
    void requestFlush() {
        flushMark.set(time.nanoTime());
        wake();
    }

    /** Runs {@code event} on the sender thread. */
    void post(Runnable event) {
        events.add(event);
        wake();
    }

    private void wake() {
        Thread t = thread;
        if (parked && t != null) {
            LockSupport.unpark(t);
        }
        // If the sender was not parked yet, it sees the new event, record or flush mark when it
        // checks them after announcing that it parks (see park).
    }

    /** Stops the loop; the thread fails what it still holds and exits. Waits up to {@code millis} for it. */
    void shutdown(long millis) throws InterruptedException {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            t.join(millis);
        }
    }

    boolean isAlive() {
        Thread t = thread;
        return t != null && t.isAlive();
    }

    /** @return what killed the loop, or {@code null} while it runs (or after an orderly shutdown) */
    Throwable failure() {
        return failure;
    }

    /** @return whether the loop has stopped taking records (closed, or died) */
    boolean isStopped() {
        return stopped;
    }

    @Override
    public void run() {
        try {
            while (running) {
                long wakeAt = runOnce();
                park(wakeAt - time.nanoTime());
            }
        } catch (Throwable t) {
            failure = t;
            counters.senderFailure = t;
            running = false;
            log.error("Shardwise sender thread died; failing every outstanding record, and every record added from now on,"
                    + " with ProducerFailedException. Close this producer and build a new one.", t);
        } finally {
            stopped = true;
            failEverything();
        }
    }

    /**
     * One turn of the loop, without parking: the thread's loop parks after it, a test stepping the
     * engine on a virtual clock advances the clock instead.
     *
     * @return when the loop must run again at the latest, unless woken earlier
     */
    long runOnce() {
        flushMarkSeen = flushMark.get();
        long now = time.nanoTime();
        runEvents();
        drainInbound();
        moveDueRetries(now);
        if (now - nextSweepNanos >= 0) {
            sweep(now);
            nextSweepNanos = now + sweepIntervalNanos;
        }
        long wakeAt = sendDue(now);
        PendingRecord nextRetry = retries.peek();
        if (nextRetry != null && nextRetry.retryAtNanos - wakeAt < 0) {
            wakeAt = nextRetry.retryAtNanos;
        }
        if (nextSweepNanos - wakeAt < 0) {
            wakeAt = nextSweepNanos;
        }
        dispatchCompletions();
        return wakeAt;
    }

    /** Ends a loop that was stepped, never started: what it holds fails as on close. */
    void stopStepped() {
        running = false;
        stopped = true;
        failEverything();
    }

    /** Has a record completed on the callback executor, with the others decided this turn. */
    private void completeLater(Runnable completion) {
        completions.add(completion);
    }

    /** Hands this turn's completions to the callback executor as one task. */
    private void dispatchCompletions() {
        if (completions.isEmpty()) {
            return;
        }
        CompletionRun run = completions;
        completions = new CompletionRun();
        callbackExecutor.execute(run::run);
    }

    /** Fails expired records wherever they wait, and measures the oldest outstanding record. */
    private void sweep(long now) {
        long oldest = now;
        for (StreamPipeline p : pipelines.values()) {
            p.removeExpired(now, this::expire);
            oldest = p.oldestAddedNanos(oldest);
        }
        for (PendingRecord r : retries) {
            if (r.addedNanos - oldest < 0) {
                oldest = r.addedNanos;
            }
        }
        for (RequestBatch b : inFlight) {
            for (int i = 0; i < b.recordCount(); i++) {
                if (b.record(i).addedNanos - oldest < 0 && !b.record(i).isDone()) {
                    oldest = b.record(i).addedNanos;
                }
            }
        }
        PendingRecord head = inbound.peek();
        if (head != null && head.addedNanos - oldest < 0) {
            oldest = head.addedNanos;
        }
        counters.oldestRecordAgeNanos = now - oldest;
    }

    private void park(long nanos) {
        if (nanos <= 0) {
            return;
        }
        parked = true;
        try {
            // After announcing the park: whatever was posted, submitted or flushed before a waker saw
            // parked == false is seen here (a flush mark too: a lost flush would wait for the linger).
            if (!running || !events.isEmpty() || !inbound.isEmpty() || flushMark.get() != flushMarkSeen) {
                return;
            }
            LockSupport.parkNanos(this, nanos);
        } finally {
            parked = false;
        }
    }

    private void runEvents() {
        Runnable e;
        while ((e = events.poll()) != null) {
            e.run();
        }
    }

    /** Sends the split requests waiting to go again first; @return whether slots are left for new requests. */
    private boolean sendSplits(long now) {
        RequestBatch b;
        while (inFlight.size() < config.maxInFlightRequests() && (b = splits.poll()) != null) {
            send(b, now);
        }
        return inFlight.size() < config.maxInFlightRequests();
    }

    private void drainInbound() {
        int taken = 0;
        PendingRecord r;
        while ((r = inbound.poll()) != null) {
            taken++;
            pipeline(r.stream).enqueue(r);
        }
        if (taken > 0) {
            inboundCount.addAndGet(-taken);
        }
    }

    private StreamPipeline pipeline(String stream) {
        StreamPipeline p = pipelines.get(stream);
        if (p == null) {
            p = new StreamPipeline(stream, shardRecordsPerSecond, shardBytesPerSecond, aggregation);
            if (!destination.predictsShards()) {
                // One queue per stream: an empty map covers nothing, so every record is unpredicted.
                p.installMap(ShardMap.of(List.of()));
            }
            pipelines.put(stream, p);
        }
        return p;
    }

    private void moveDueRetries(long now) {
        PendingRecord r;
        while ((r = retries.peek()) != null && r.retryAtNanos - now <= 0) {
            retries.poll();
            if (!r.isDone()) {
                pipeline(r.stream).requeueFirst(r);
            }
        }
    }

    /** Starts due loads and sends due requests; returns when the loop must look again at the latest. */
    private long sendDue(long now) {
        long next = now + 60_000_000_000L;
        int maxCount = config.maxEntriesPerRequest();
        long maxBytes = config.maxBytesPerRequest();
        boolean ordered = config.shardOrdered();
        long mark = flushMark.get();
        if (!sendSplits(now)) {
            return next;
        }
        for (StreamPipeline p : pipelines.values()) {
            if (p.predictionOff && p.predictionRecheckAtNanos - now <= 0) {
                p.enablePrediction();
                log.info("Stream {}: trying shard prediction again", p.stream);
            }
            if (p.wantsLoad()) {
                if (p.nextLoadAtNanos - now <= 0) {
                    startLoad(p, now);
                } else if (p.nextLoadAtNanos - next < 0) {
                    next = p.nextLoadAtNanos;
                }
            }
            long readyAt = p.readyAt(now, lingerNanos, mark, maxCount, maxBytes, ordered);
            if (readyAt == StreamPipeline.NOTHING_QUEUED) {
                continue;
            }
            if (readyAt - now > 0) {
                if (readyAt - next < 0) {
                    next = readyAt;
                }
                continue;
            }
            // Due: send what is sendable now, in as many requests as it takes. With preserved shard
            // order, a request holds a share of the shards so that several can be in flight at once.
            int queuesPerRequest = ordered
                    ? Math.max(1, (p.shardCount() + config.maxInFlightRequests() - 1) / config.maxInFlightRequests())
                    : Integer.MAX_VALUE;
            while (inFlight.size() < config.maxInFlightRequests()) {
                RequestBatch batch = p.assemble(maxCount, maxBytes, ordered, now, this::expire, queuesPerRequest);
                if (batch.isEmpty()) {
                    break;
                }
                send(batch, now);
            }
            if (inFlight.size() < config.maxInFlightRequests()) {
                // What is left waits for its shard's limiter (readyAt says until when), for the answer
                // of a request holding its shard (which wakes the sender), or for its linger time.
                long again = p.readyAt(now, lingerNanos, mark, maxCount, maxBytes, ordered);
                if (again != StreamPipeline.NOTHING_QUEUED) {
                    next = Math.min(next, again - now > 0 ? again : now + 1_000_000L);
                }
            }
        }
        return next;
    }

    private void send(RequestBatch batch, long now) {
        batch.sentNanos = now;
        batch.sentAt = time.now();
        for (int i = 0; i < batch.recordCount(); i++) {
            PendingRecord r = batch.record(i);
            if (r.firstSentNanos == PendingRecord.NOT_SENT) {
                r.firstSentNanos = now;
            }
        }
        inFlight.add(batch);
        counters.requests.increment();
        CompletableFuture<Destination.EntryResults> call;
        try {
            call = destination.send(batch.pipeline.stream, batch, config.requestTimeout());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        batch.call = call;
        call.whenComplete((response, error) -> callbackExecutor.execute(() -> handleResponse(batch, response, error)));
    }

    /**
     * On the callback executor: completes the batch's records and hands what is left to the loop.
     * Whatever happens while handling (user code runs here), the batch is handed back exactly once,
     * so its in-flight slot and shard locks are always released and its records not left behind.
     */
    private void handleResponse(RequestBatch batch, Destination.EntryResults response, Throwable error) {
        ResponseHandler.Outcome outcome = null;
        try {
            outcome = responseHandler.handle(batch, response, error, time.nanoTime());
        } catch (Throwable t) {
            log.error("Shardwise: handling the answer to a request to {} failed; its records not yet completed are sent again",
                    destination.describe(batch.pipeline.stream), t);
        } finally {
            ResponseHandler.Outcome done = outcome != null ? outcome : ResponseHandler.Outcome.recovered(batch, time.nanoTime());
            post(() -> onBatchDone(batch, done));
        }
    }

    private void onBatchDone(RequestBatch batch, ResponseHandler.Outcome outcome) {
        inFlight.remove(batch);
        for (ShardQueue q : batch.lockedQueues) {
            q.locked = false;
        }
        retries.addAll(outcome.retries());
        splits.addAll(outcome.splits());
        if (!batch.resent) {
            feedLimiters(batch, outcome.results());
        }
        StreamPipeline p = batch.pipeline;
        if (!outcome.heldForRefresh().isEmpty()) {
            p.heldForRefresh.addAll(outcome.heldForRefresh());
            p.refreshWanted = true;
        }
        if (p.map() != null && !p.predictionOff) {
            judgePrediction(p, batch.mapGeneration, outcome);
            if (p.predictionOff) {
                return;
            }
        }
        // Only the newest map's misses ask for a refresh: older maps' misses were answered by it.
        if (outcome.predictionMisses() > 0 && !p.predictionOff && batch.mapGeneration == p.mapGeneration) {
            log.debug("{} records of stream {} landed on a shard other than predicted; shard map refresh requested",
                    outcome.predictionMisses(), p.stream);
            p.refreshWanted = true;
        }
    }

    /**
     * Watches whether shard prediction works. Once records miss, the maps installed afterwards are
     * on probation: if, after {@link #MISS_STREAK_LIMIT} such refreshes, 5 % or more of at least
     * {@value #MIN_JUDGED} records predicted with them still land elsewhere, the service distributes
     * records itself and the stream falls back to batching without prediction. After a reshard only
     * the old map misses, so the new maps predict well and {@value #MIN_JUDGED_GOOD} records predicted
     * with under 1 % misses clear the probation.
     */
    private void judgePrediction(StreamPipeline p, int generation, ResponseHandler.Outcome outcome) {
        if (p.firstMissGeneration < 0) {
            if (outcome.predictionMisses() > 0) {
                p.firstMissGeneration = generation;
            }
            return;
        }
        if (generation <= p.firstMissGeneration) {
            return; // predicted with the map that first missed, or an older one
        }
        p.suspectPredicted += outcome.predicted();
        p.suspectMisses += outcome.predictionMisses();
        if (p.refreshesSinceMiss >= MISS_STREAK_LIMIT && p.suspectPredicted >= MIN_JUDGED
                && p.suspectMisses * 20 >= p.suspectPredicted) {
            long now = time.nanoTime();
            p.disablePrediction(now + PREDICTION_RECHECK_NANOS);
            counters.predictionFallbacks.increment();
            log.warn("Stream {}: {} % of records still land on shards other than predicted after {} fresh shard maps"
                    + " (the service may distribute records itself); batching without shard prediction (and without"
                    + " aggregation) for {} s", p.stream, p.suspectMisses * 100 / p.suspectPredicted, p.refreshesSinceMiss,
                    PREDICTION_RECHECK_NANOS / 1_000_000_000L);
        } else if (p.suspectPredicted >= MIN_JUDGED_GOOD && p.suspectMisses * 100 < p.suspectPredicted) {
            p.predictionHealthy();
        }
    }

    /**
     * Tells each shard's limiter how its entries fared (every request ends here once, answered or
     * failed: the limiter's in-flight bytes are released); a batch's entries of one queue are contiguous.
     */
    private void feedLimiters(RequestBatch batch, byte[] results) {
        long now = time.nanoTime();
        int n = batch.entryCount();
        int from = 0;
        while (from < n) {
            ShardQueue q = batch.record(batch.entryStart(from)).queue;
            int ok = 0;
            int throttled = 0;
            long bytes = 0;
            long throttledBytes = 0;
            int to = from;
            for (; to < n && batch.record(batch.entryStart(to)).queue == q; to++) {
                bytes += batch.entrySize(to);
                if (results[to] == ResponseHandler.OK) {
                    ok++;
                } else if (results[to] == ResponseHandler.THROTTLED) {
                    throttled++;
                    throttledBytes += batch.entrySize(to);
                }
            }
            if (q != null && q.limiter != null) {
                // Throttled entries were not counted by the service; anything else may have been.
                q.limiter.onAnswered(to - from, bytes, to - from - throttled, bytes - throttledBytes, batch.sentNanos, now);
                feed(batch.pipeline, q, ok, throttled, now);
            }
            from = to;
        }
    }

    private void feed(StreamPipeline p, ShardQueue q, int ok, int throttled, long now) {
        double before = q.limiter.fraction();
        q.limiter.onResult(ok, throttled, now);
        ProducerObserver o = observers.current();
        if (o != null && q.limiter.fraction() != before) {
            o.shardRateLimitChanged(StreamArns.name(p.stream), q.shardId, q.limiter.recordsPerSecond(), q.limiter.bytesPerSecond());
        }
    }

    /**
     * Settles aggregates that were stored on an unexpected shard, against the stream's current map.
     * An aggregate counts as delivered only if the storing shard's hash-key range holds every one of
     * its records: the KCL drops an aggregate whole when any record is outside the range of the
     * shard it reads. Otherwise every record of it is sent again (a consumer that filters record by
     * record may then read some of them twice: counted in the stats).
     */
    private void settleHeld(StreamPipeline p, boolean mapIsFresh) {
        if (p.heldForRefresh.isEmpty()) {
            return;
        }
        long now = time.nanoTime();
        List<ResponseHandler.HeldAggregate> held = new ArrayList<>(p.heldForRefresh);
        p.heldForRefresh.clear();
        for (ResponseHandler.HeldAggregate a : held) {
            List<PendingRecord> members = a.members();
            if (mapIsFresh && p.rangeHoldsAll(a.shardId(), members)) {
                for (int i = 0; i < members.size(); i++) {
                    int sub = i;
                    completeLater(() -> members.get(sub).succeed(a.shardId(), a.sequenceNumber(), sub, true, a.attempt()));
                }
                continue;
            }
            for (int i = members.size() - 1; i >= 0; i--) {
                PendingRecord r = members.get(i);
                if (r.isDone()) {
                    continue; // completed by the application meanwhile (its room is already released)
                }
                counters.resentFromMisroutedAggregates.increment();
                io.shardwise.producer.RecordFailedException failed = responseHandler.resendHeld(r, a, p.stream, now);
                if (failed == null) {
                    p.requeueFirst(r);
                } else {
                    completeLater(() -> r.fail(failed));
                }
            }
        }
    }

    /**
     * Starts a ListShards load of the stream's map. Until the stream's own limits are known, it
     * reads them too (DescribeStreamSummary, at the same time) and installs them before the map, so
     * that no record of the stream is sent before it was checked against them.
     */
    private void startLoad(StreamPipeline p, long now) {
        CompletableFuture<Integer> max = null;
        if (!p.limitsRequested) {
            p.limitsRequested = true;
            try {
                max = destination.maxRecordSize(p.stream);
            } catch (RuntimeException e) {
                max = CompletableFuture.failedFuture(e);
            }
        }
        p.loading = true;
        p.refreshWanted = false;
        p.nextLoadAtNanos = now + minRefreshNanos;
        CompletableFuture<ShardMap> load;
        try {
            load = destination.shardMap(p.stream);
        } catch (RuntimeException e) {
            load = CompletableFuture.failedFuture(e);
        }
        if (max == null) {
            load.whenComplete((map, error) -> post(() -> onShardsLoaded(p, map, error)));
            return;
        }
        CompletableFuture<Integer> limit = max;
        load.whenComplete((map, error) -> limit.whenComplete((bytes, maxError) -> post(() -> {
            onMaxRecordSize(p, bytes, maxError);
            onShardsLoaded(p, map, error);
        })));
    }

    private void onShardsLoaded(StreamPipeline p, ShardMap map, Throwable error) {
        p.loading = false;
        long now = time.nanoTime();
        if (error == null && map == null) {
            error = new IllegalStateException("the shard map of " + destination.describe(p.stream) + " was read as nothing");
        }
        if (error == null) {
            p.nowNanos = now;
            p.installMap(map);
            p.loadFailures = 0;
            counters.mapRefreshes.increment();
            settleHeld(p, true);
            log.debug("Shard map of stream {} loaded: {} open shards", p.stream, map.size());
            return;
        }
        settleHeld(p, false);
        ErrorClassifier.Classified c = ErrorClassifier.classify(error);
        Throwable cause = ErrorClassifier.unwrap(error);
        switch (c.kind()) {
            case STREAM_NOT_FOUND:
                log.warn("{} not found ({}); failing its records", destination.describe(p.stream), c.code());
                p.drainAwaitingMap(r -> failed(r, new StreamNotFoundException("The " + destination.describe(p.stream) + " was not found (ListShards answered "
                        + c.code() + ": " + c.message() + "). Create the stream or fix its name.", r.attempts(), cause)));
                break;
            case REJECTED:
                boolean local = "ClientConfiguration".equals(c.code());
                String why = local
                        ? "cannot sign requests (nothing was sent): " + c.message()
                        : "ListShards answered " + c.code() + ": " + c.message()
                                + ". The producer needs kinesis:ListShards and kinesis:PutRecords on the stream.";
                log.warn("Cannot read the shards of {}; failing its records: {}", destination.describe(p.stream), why);
                p.drainAwaitingMap(r -> failed(r, new RecordRejectedException("Cannot read the shards of " + destination.describe(p.stream)
                        + ": " + why, c.code(), r.attempts(), cause)));
                break;
            default:
                p.loadFailures++;
                p.nextLoadAtNanos = now + Math.max(minRefreshNanos / 4, retryPolicy.delayNanos(p.loadFailures));
                if (p.map() == null) {
                    // No map yet: send records unpredicted meanwhile rather than let them wait for one.
                    p.nowNanos = now;
                    p.installMap(ShardMap.of(List.of()));
                }
                p.refreshWanted = true;
                if (p.loadFailures == 1) {
                    log.warn("ListShards for {} failed with {} ({}); retrying with back-off", destination.describe(p.stream), c.code(), c.message());
                } else {
                    log.debug("ListShards for {} failed again ({} times): {}", destination.describe(p.stream), p.loadFailures, c.code());
                }
        }
    }

    /**
     * The stream's own maximum record size arrived: callers check records against it from now on,
     * and records accepted before it was known that exceed it fail now, before they are sent.
     */
    private void onMaxRecordSize(StreamPipeline p, Integer bytes, Throwable error) {
        if (error != null) {
            p.limitsRequested = false; // asked again with the next shard-map load
            if (!p.limitsWarned) {
                p.limitsWarned = true;
                ErrorClassifier.Classified c = ErrorClassifier.classify(error);
                log.warn("Cannot read the maximum record size of {} with DescribeStreamSummary ({}: {}); records are checked"
                        + " against maxRecordSize={} meanwhile (allow kinesis:DescribeStreamSummary to check them against the"
                        + " stream's own)", destination.describe(p.stream), c.code(), c.message(), config.maxRecordSize());
            }
            return;
        }
        if (bytes == null) {
            return;
        }
        limits.learnedMaxRecordSize(p.stream, bytes);
        int max = bytes;
        if (max < config.maxRecordSize()) {
            p.removeWhere(r -> r.size > max, r -> failed(r, new RecordRejectedException("Record for " + destination.describe(p.stream)
                    + " is " + r.size + " bytes (data plus partition key); the stream accepts at most " + max
                    + " bytes (its MaxRecordSizeInKiB is " + max / 1024 + ", read with DescribeStreamSummary after the record"
                    + " was added; raise it with UpdateMaxRecordSize, up to 10 MiB). Not sent.", "RecordTooLarge", r.attempts(), null)));
        }
    }

    private void expire(PendingRecord r) {
        failed(r, responseHandler.expired(r, r.stream));
    }

    private void failed(PendingRecord r, io.shardwise.producer.RecordFailedException e) {
        completeLater(() -> r.fail(e));
    }

    /**
     * On the way out: every record still held fails, with ProducerClosedException after close or
     * with ProducerFailedException naming the cause if the loop died. Guarded piece by piece: the
     * state that killed the loop must not keep records from completing.
     */
    private void failEverything() {
        List<PendingRecord> left = new ArrayList<>();
        Throwable cause = failure;
        runGuarded(this::runEvents, "applying the last events");
        runGuarded(this::drainInbound, "taking the last records");
        for (StreamPipeline p : pipelines.values()) {
            runGuarded(() -> p.drainAll(left::add), "draining the queues of " + p.stream);
        }
        left.addAll(retries);
        retries.clear();
        for (RequestBatch b : splits) {
            for (int i = 0; i < b.recordCount(); i++) {
                left.add(b.record(i));
            }
        }
        splits.clear();
        for (PendingRecord r : left) {
            failed(r, cause != null ? senderDied(r, cause, "") : new ProducerClosedException("Producer closed before the record for "
                    + destination.describe(r.stream) + " was delivered (" + r.attemptCount() + " attempt(s) made)", r.attempts(), null));
        }
        for (RequestBatch b : inFlight) {
            if (b.call != null) {
                b.call.cancel(true); // frees the connection; the records are failed below
            }
            for (int i = 0; i < b.recordCount(); i++) {
                PendingRecord r = b.record(i);
                String inFlightNote = "; the request carrying it was in flight and " + destination.serviceName() + " may still have written it";
                failed(r, cause != null ? senderDied(r, cause, inFlightNote)
                        : new ProducerClosedException("Producer closed while the request carrying the record for "
                                + destination.describe(r.stream) + " was in flight; " + destination.serviceName()
                                + " may still have written it", r.attempts(), null));
            }
        }
        inFlight.clear();
        dispatchCompletions();
    }

    /** Runs {@code task}, logging whatever it throws instead of passing it on. */
    private static void runGuarded(Runnable task, String what) {
        try {
            task.run();
        } catch (Throwable t) {
            log.error("Shardwise sender: {} failed; going on", what, t);
        }
    }

    private ProducerFailedException senderDied(PendingRecord r, Throwable cause, String note) {
        return new ProducerFailedException("The producer's sender thread died of " + cause + " before the record for "
                + destination.describe(r.stream) + " was delivered (" + r.attemptCount() + " attempt(s) made)" + note
                + ". Close this producer and build a new one.", r.attempts(), cause);
    }
}
