package io.shardwise.producer.internal;

import io.shardwise.producer.ProducerClosedException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's loop. Callers hand records over through the {@link SenderInbox}; this loop alone
 * owns the parts of the engine, each holding its own state: per stream a {@link StreamState}
 * (accumulator, shard-map refresher, prediction health), the {@link RetryQueue} and the
 * {@link InFlightRequests}. Each turn ({@link #runOnce()}) it:
 * <ol>
 *   <li>runs the events other threads posted (answered requests, loaded shard maps);</li>
 *   <li>accumulates new records in their stream's shard queues (predicting each one's shard);</li>
 *   <li>puts retries whose back-off has passed at the front of their (re-predicted) shard queue;</li>
 *   <li>fails expired records (every tenth of the TTL, at most every second);</li>
 *   <li>starts the shard-map loads that are due;</li>
 *   <li>drains every request that is due (full, lingered long enough, or flushed) and sends it while
 *       fewer than {@code maxInFlightRequests} are in flight;</li>
 *   <li>hands the completions it decided to the callback executor, and says when to run again.</li>
 * </ol>
 * Responses are handled on the callback executor by {@link ResponseHandler}; what they decide comes
 * back as an event.
 *
 * <p>Long because it is the loop: the one place that knows the order of a step, and the shard-map
 * lifecycle that reacts to the loop's events; the state it steers lives in the parts above.
 */
final class Sender implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);
    /** The most a turn looks ahead when nothing is due. */
    private static final long IDLE_NANOS = 60_000_000_000L;

    private final Destination destination;
    private final EngineConfig config;
    private final CallbackExecutor callbackExecutor;
    private final Time time;
    private final Counters counters;
    private final ResponseHandler responseHandler;
    private final RetryPolicy retryPolicy;
    private final RecordFailures failures;
    private final StreamLimits limits;
    private final long sweepIntervalNanos;

    private final SenderInbox inbox;
    private final Map<String, StreamState> streams = new HashMap<>();
    private final RetryQueue retries = new RetryQueue();
    private final InFlightRequests requests;
    /** Record completions decided this turn, run on the callback executor at its end (never here). */
    private CompletionRun completions = new CompletionRun();
    private long nextSweepNanos;
    /** The number the next record taken in gets: its place in its key's order ({@code KEY_STRICT}). */
    private long nextSequence;
    /** The flush mark seen at the start of the current turn: a newer one must not wait for the park. */
    private long flushMarkSeen;

    private volatile boolean running = true;
    private volatile Thread thread;
    /** Set, before the thread fails what it holds, when the loop died of an unexpected throwable. */
    private volatile Throwable failure;
    /** Set once the loop has stopped taking records: a record submitted later must be withdrawn by its caller. */
    private volatile boolean stopped;

    Sender(Destination destination, EngineConfig config, CallbackExecutor callbackExecutor, EngineRuntime runtime,
           Counters counters, ObserverRegistry observers, StreamLimits limits) {
        this.time = runtime.time();
        this.limits = limits;
        this.destination = destination;
        this.config = config;
        this.callbackExecutor = callbackExecutor;
        this.counters = counters;
        this.retryPolicy = new RetryPolicy(config.retryBackoffBase(), config.retryBackoffMax(), runtime.random());
        this.failures = new RecordFailures(destination, java.time.Duration.ofNanos(config.recordTtlNanos()), () -> failure);
        this.responseHandler = new ResponseHandler(config.maxAttempts(), retryPolicy, counters, observers, destination,
                config.failIfThrottled(), failures);
        this.requests = new InFlightRequests(config.maxInFlightRequests(), observers);
        this.sweepIntervalNanos = Math.min(1_000_000_000L, Math.max(1_000_000L, config.recordTtlNanos() / 10));
        long now = time.nanoTime();
        this.inbox = new SenderInbox(now);
        this.nextSweepNanos = now + sweepIntervalNanos;
    }

    /** Starts the thread; called once by the engine. */
    void start(String name) {
        Thread t = new Thread(this, name);
        t.setDaemon(true);
        thread = t;
        inbox.runOn(t);
        t.start();
    }

    /** Hands a validated record to the loop. Any thread; never blocks. */
    void submit(PendingRecord r) {
        inbox.submit(r);
    }

    /**
     * Takes back a record {@link #submit submitted} after the loop stopped (see {@link #isStopped});
     * {@code false} if the loop already took it (then it fails it).
     */
    boolean withdraw(PendingRecord r) {
        return inbox.withdraw(r);
    }

    /** Makes every record added up to now due at once, regardless of linger. */
    void requestFlush() {
        inbox.requestFlush(time.nanoTime());
    }

    /** Stops the loop; the thread fails what it still holds and exits. Waits up to {@code millis} for it. */
    void shutdown(long millis) throws InterruptedException {
        running = false;
        inbox.interruptPark();
        Thread t = thread;
        if (t != null) {
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
                inbox.park(wakeAt - time.nanoTime(), flushMarkSeen, running);
            }
        } catch (Throwable t) {
            failure = t;
            counters.senderFailed(t);
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
        flushMarkSeen = inbox.flushMark();
        long now = time.nanoTime();
        inbox.runEvents();
        inbox.takeRecords(this::accumulate);
        retries.takeDue(now, this::retryNow);
        if (now - nextSweepNanos >= 0) {
            sweep(now);
            nextSweepNanos = now + sweepIntervalNanos;
        }
        failFollowersOfFailedRecords();
        long wakeAt = sendDue(now);
        wakeAt = retries.nextDue(wakeAt);
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

    private void accumulate(PendingRecord r) {
        r.numbered(nextSequence++);
        StreamState s = stream(r.stream);
        FailedKeys.Failure preceding = s.failedKeys().precedingFailure(r);
        if (preceding != null) {
            // KEY_STRICT: added before an earlier record's failure of its key was reported.
            failLater(r, failures.precededByFailure(r, preceding.error()));
            return;
        }
        s.queues().enqueue(r);
    }

    /** A retry's back-off has passed: back to the front of its shard's queue (with KEY_STRICT, to its place). */
    private void retryNow(PendingRecord r) {
        StreamAccumulator q = stream(r.stream).queues();
        if (r.isDone()) {
            q.releaseKey(r); // completed by the application meanwhile
        } else {
            q.requeueFirst(r);
        }
    }

    /**
     * {@code KEY_STRICT}: a record failed for good, so the records of its key added after it that
     * the producer still holds (queued, or waiting for a retry) fail too, rather than be stored after
     * a gap in their key's sequence; so do the records of that key taken in later that were added
     * before the failure was reported ({@link #accumulate}).
     */
    private void failFollowersOfFailedRecords() {
        for (StreamState s : streams.values()) {
            FailedKeys failed = s.failedKeys();
            if (failed.isEmpty()) {
                continue;
            }
            failed.update(time.nanoTime());
            if (!failed.hasFresh()) {
                continue; // records taken in since were checked as they came (see accumulate)
            }
            StreamAccumulator q = s.queues();
            q.removeFollowers(failed, (r, f) -> failLater(r, failures.precededByFailure(r, f.error())));
            retries.removeIf(r -> r.stream.equals(s.stream()) && failed.precedingFailure(r) != null, r -> {
                q.releaseKey(r);
                failLater(r, failures.precededByFailure(r, failed.precedingFailure(r).error()));
            });
            failed.checked();
        }
    }

    /** {@code KEY_STRICT}: {@code r} failed for good with {@code error}; its key's later records fail next. */
    private void failedForGood(PendingRecord r, io.shardwise.producer.RecordFailedException error) {
        StreamState s = stream(r.stream);
        if (s.queues().isKeyStrict()) {
            s.queues().releaseKey(r);
            s.failedKeys().add(r, error);
        }
    }

    private StreamState stream(String name) {
        StreamState s = streams.get(name);
        if (s == null) {
            s = new StreamState(name, new StreamAccumulator(name, config.shardRecordsPerSecond(), config.shardBytesPerSecond(),
                    config.aggregation(), config.keyStrict()), new ShardMapRefresher(config.shardMapMinRefreshNanos()));
            if (!destination.predictsShards()) {
                // One queue per stream: an empty map covers nothing, so every record is unpredicted.
                s.queues().installMap(ShardMap.of(List.of()), time.nanoTime());
            }
            streams.put(name, s);
        }
        return s;
    }

    /** Has a record completed on the callback executor, with the others decided this turn. */
    private void completeLater(Runnable completion) {
        completions.add(completion);
    }

    private void failLater(PendingRecord r, io.shardwise.producer.RecordFailedException e) {
        completeLater(() -> r.fail(e));
    }

    private void expire(PendingRecord r) {
        io.shardwise.producer.RecordFailedException e = failures.expired(r);
        if (!r.isDone()) {
            failedForGood(r, e); // (a record the application completed leaves no gap of the producer's making)
        }
        failLater(r, e);
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
        for (StreamState s : streams.values()) {
            s.queues().removeExpired(now, this::expire);
            expireHeld(s, now);
            oldest = s.queues().oldestAddedNanos(oldest);
        }
        oldest = retries.oldestAddedNanos(oldest);
        oldest = requests.oldestAddedNanos(oldest);
        oldest = inbox.oldestAddedNanos(oldest);
        counters.oldestRecordAge(now - oldest);
    }

    /** Starts due loads and sends due requests; returns when the loop must look again at the latest. */
    private long sendDue(long now) {
        long next = now + IDLE_NANOS;
        int maxCount = config.maxEntriesPerRequest();
        long maxBytes = config.maxBytesPerRequest();
        boolean ordered = config.shardOrdered();
        long mark = inbox.flushMark();
        RequestBatch split;
        while ((split = requests.nextSplit()) != null) {
            send(split, now);
        }
        if (!requests.hasSlot()) {
            return next;
        }
        for (StreamState s : streams.values()) {
            StreamAccumulator q = s.queues();
            if (s.prediction().recheckDue(now)) {
                s.prediction().retry();
                q.predictAgain();
                s.refresher().requestRefresh(); // the new map re-sorts the queued records
                log.info("Stream {}: trying shard prediction again", s.stream());
            }
            if (s.refresher().wantsLoad(q.awaitsMap())) {
                long at = s.refresher().nextLoadAtNanos();
                if (at - now <= 0) {
                    startLoad(s, now);
                } else if (at - next < 0) {
                    next = at;
                }
            }
            long readyAt = q.readyAt(now, config.lingerNanos(), mark, maxCount, maxBytes, ordered);
            if (readyAt == StreamAccumulator.NOTHING_QUEUED) {
                continue;
            }
            if (readyAt - now > 0) {
                next = Math.min(next, readyAt);
                continue;
            }
            // Due: send what is sendable now, in as many requests as it takes. With preserved shard
            // order, a request holds a share of the shards so that several can be in flight at once,
            // unless one request carries all that is sendable: then one request rather than one per
            // shard (each request costs marshalling, signing and a round trip: 4x fewer at low load).
            int queuesPerRequest = ordered && !q.sendableFitsOneRequest(now, maxCount, maxBytes)
                    ? Math.max(1, (q.shardCount() + requests.max() - 1) / requests.max()) : Integer.MAX_VALUE;
            while (requests.hasSlot()) {
                RequestBatch batch = q.assemble(maxCount, maxBytes, ordered, now, this::expire, queuesPerRequest);
                failFollowersOfFailedRecords(); // records that expired while packing: their keys' later records too
                if (batch.isEmpty()) {
                    break;
                }
                send(batch, now);
            }
            if (requests.hasSlot()) {
                // What is left waits for its shard's limiter (readyAt says until when), for the answer
                // of a request holding its shard (which wakes the loop), or for its linger time.
                long again = q.readyAt(now, config.lingerNanos(), mark, maxCount, maxBytes, ordered);
                if (again != StreamAccumulator.NOTHING_QUEUED) {
                    next = Math.min(next, again - now > 0 ? again : now + 1_000_000L);
                }
            }
        }
        return next;
    }

    private void send(RequestBatch batch, long now) {
        // Read the clock again: packing this turn may have taken a while, and the attempt's duration
        // (and the limiter's view of the round trip) start when the request really leaves.
        batch.markSent(time.nanoTime(), time.now());
        requests.sent(batch);
        counters.requests.increment();
        CompletableFuture<Destination.EntryResults> call;
        try {
            call = destination.send(batch.stream(), batch, config.requestTimeout());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        batch.carriedBy(call);
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
                    destination.describe(batch.stream()), t);
        } finally {
            ResponseHandler.Outcome done = outcome != null ? outcome : ResponseHandler.Outcome.recovered(batch, time.nanoTime());
            inbox.post(() -> onBatchDone(batch, done));
        }
    }

    private void onBatchDone(RequestBatch batch, ResponseHandler.Outcome outcome) {
        long now = time.nanoTime();
        requests.completed(batch, outcome.results(), now);
        StreamState s = stream(batch.stream());
        if (s.queues().isKeyStrict() && batch.isResent()) {
            // A part of a request rejected whole held its records' keys while in flight: released here,
            // held again below if retried.
            for (int i = 0; i < batch.recordCount(); i++) {
                s.queues().releaseKey(batch.record(i));
            }
        }
        for (PendingRecord r : outcome.retries()) {
            s.queues().holdKey(r); // KEY_STRICT: its key's later records wait for it
            retries.add(r);
        }
        for (FailedKeys.Failure f : outcome.failed()) {
            failedForGood(f.record(), f.error());
        }
        for (RequestBatch part : outcome.splits()) {
            // KEY_STRICT: the parts hold no shard lock; their keys keep the keys' later records back.
            for (int i = 0; i < part.recordCount(); i++) {
                s.queues().holdKey(part.record(i));
            }
        }
        requests.addSplits(outcome.splits());
        if (!outcome.heldForRefresh().isEmpty()) {
            for (ResponseHandler.HeldAggregate a : outcome.heldForRefresh()) {
                a.members().forEach(s.queues()::holdKey);
            }
            s.held().addAll(outcome.heldForRefresh());
            s.refresher().requestRefresh();
        }
        if (s.queues().map() == null || !s.queues().isPredicting()) {
            return;
        }
        PredictionHealth health = s.prediction();
        if (health.judge(batch.mapGeneration(), outcome.predicted(), outcome.predictionMisses(), now) == PredictionHealth.Verdict.BROKEN) {
            s.queues().stopPredicting();
            counters.predictionFallbacks.increment();
            log.warn("Stream {}: {} % of records still land on shards other than predicted after {} fresh shard maps"
                    + " (the service may distribute records itself); batching without shard prediction (and without"
                    + " aggregation) for {} s", s.stream(), health.missPercent(), health.refreshesSinceMiss(),
                    PredictionHealth.RECHECK_NANOS / 1_000_000_000L);
            return;
        }
        // Only the newest map's misses ask for a refresh: older maps' misses were answered by it.
        if (outcome.predictionMisses() > 0 && batch.mapGeneration() == s.queues().mapGeneration()) {
            log.debug("{} records of stream {} landed on a shard other than predicted; shard map refresh requested",
                    outcome.predictionMisses(), s.stream());
            s.refresher().requestRefresh();
        }
    }

    /**
     * Settles aggregates that were stored on an unexpected shard, against the stream's current map.
     * An aggregate counts as delivered only if the storing shard's hash-key range (open or closed)
     * holds every one of its records: the KCL drops an aggregate whole when any record is outside the
     * range of the shard it reads. Otherwise every record of it is sent again (a consumer that filters
     * record by record may then read some of them twice: counted in the stats). Aggregates on a
     * shard the current map does not know (after a failed load, or a map read before that shard was
     * made) wait for the next map, or their records' TTL (see {@link #expireHeld}).
     */
    private void settleHeld(StreamState s, boolean mapIsFresh) {
        if (s.held().isEmpty()) {
            return;
        }
        long now = time.nanoTime();
        ShardMap map = s.queues().map();
        List<ResponseHandler.HeldAggregate> held = new ArrayList<>(s.held());
        s.held().clear();
        for (ResponseHandler.HeldAggregate a : held) {
            if (map == null || !map.knows(a.shardId())) {
                // Stored on a shard the map does not know (made after the map was read): judged with a later one.
                s.held().add(a);
                if (mapIsFresh) {
                    s.refresher().requestRefresh();
                }
                continue;
            }
            List<PendingRecord> members = a.members();
            if (s.queues().rangeHoldsAll(a.shardId(), members)) {
                for (int i = 0; i < members.size(); i++) {
                    s.queues().releaseKey(members.get(i));
                    int sub = i;
                    completeLater(() -> members.get(sub).succeed(a.shardId(), a.sequenceNumber(), sub, true, a.attempt()));
                }
                continue;
            }
            for (int i = members.size() - 1; i >= 0; i--) {
                PendingRecord r = members.get(i);
                if (r.isDone()) {
                    s.queues().releaseKey(r);
                    continue; // completed by the application meanwhile (its room is already released)
                }
                counters.resentFromMisroutedAggregates.increment();
                io.shardwise.producer.RecordFailedException failed = responseHandler.resendHeld(r, a, now);
                if (failed == null) {
                    s.queues().requeueFirst(r);
                } else {
                    failedForGood(r, failed);
                    failLater(r, failed);
                }
            }
        }
    }

    /**
     * Held aggregates whose records' TTL passed while no map could tell whether the storing shard's
     * range holds them: their records fail as expired (the stored attempt is in their history).
     */
    private void expireHeld(StreamState s, long now) {
        if (s.held().isEmpty()) {
            return;
        }
        for (java.util.Iterator<ResponseHandler.HeldAggregate> it = s.held().iterator(); it.hasNext(); ) {
            ResponseHandler.HeldAggregate a = it.next();
            boolean due = false;
            for (PendingRecord r : a.members()) {
                due |= now - r.deadlineNanos >= 0;
            }
            if (!due) {
                continue;
            }
            it.remove();
            for (PendingRecord r : a.members()) {
                if (!r.isDone()) {
                    io.shardwise.producer.RecordFailedException e = responseHandler.expireHeld(r, a);
                    failedForGood(r, e);
                    failLater(r, e);
                } else {
                    s.queues().releaseKey(r);
                }
            }
        }
    }

    /**
     * Starts a load of the stream's shard map. Until the stream's own limits are known, it reads
     * them too (DescribeStreamSummary, at the same time) and installs them before the map, so that
     * no record of the stream is sent before it was checked against them.
     */
    private void startLoad(StreamState s, long now) {
        boolean readLimits = s.refresher().startLoad(now);
        CompletableFuture<Integer> max = readLimits ? call(() -> destination.maxRecordSize(s.stream())) : null;
        CompletableFuture<ShardMap> load = call(() -> destination.shardMap(s.stream()));
        if (max == null) {
            load.whenComplete((map, error) -> inbox.post(() -> onShardsLoaded(s, map, error)));
            return;
        }
        load.whenComplete((map, error) -> max.whenComplete((bytes, maxError) -> inbox.post(() -> {
            onMaxRecordSize(s, bytes, maxError);
            onShardsLoaded(s, map, error);
        })));
    }

    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private void onShardsLoaded(StreamState s, ShardMap map, Throwable error) {
        long now = time.nanoTime();
        if (error == null && map == null) {
            error = new IllegalStateException("the shard map of " + destination.describe(s.stream()) + " was read as nothing");
        }
        if (error == null) {
            s.refresher().loaded();
            s.queues().installMap(map, now);
            s.prediction().onMapInstalled();
            counters.mapRefreshes.increment();
            settleHeld(s, true);
            log.debug("Shard map of stream {} loaded: {} open shards", s.stream(), map.size());
            return;
        }
        settleHeld(s, false);
        ErrorClassifier.Classified c = ErrorClassifier.classify(error);
        Throwable cause = ErrorClassifier.unwrap(error);
        switch (c.kind()) {
            case STREAM_NOT_FOUND:
                s.refresher().gaveUp();
                log.warn("{} not found ({}); failing its records", destination.describe(s.stream()), c.code());
                s.queues().drainAwaitingMap(r -> failLater(r, failures.streamNotFoundByListShards(r, c, cause)));
                break;
            case REJECTED:
                s.refresher().gaveUp();
                String why = "ClientConfiguration".equals(c.code())
                        ? "cannot sign requests (nothing was sent): " + c.message()
                        : "ListShards answered " + c.code() + ": " + c.message()
                                + ". The producer needs kinesis:ListShards and kinesis:PutRecords on the stream.";
                log.warn("Cannot read the shards of {}; failing its records: {}", destination.describe(s.stream()), why);
                s.queues().drainAwaitingMap(r -> failLater(r, failures.shardsUnreadable(r, c, why, cause)));
                break;
            default:
                s.refresher().failed(now, retryPolicy::delayNanos);
                if (s.queues().map() == null) {
                    // No map yet: send records unpredicted meanwhile rather than let them wait for one.
                    s.queues().installMap(ShardMap.of(List.of()), now);
                    s.prediction().onMapInstalled();
                }
                int n = s.refresher().failures();
                if (n == 1) {
                    log.warn("ListShards for {} failed with {} ({}); retrying with back-off", destination.describe(s.stream()), c.code(),
                            c.message());
                } else {
                    log.debug("ListShards for {} failed again ({} times): {}", destination.describe(s.stream()), n, c.code());
                }
        }
    }

    /**
     * The stream's own maximum record size arrived: callers check records against it from now on,
     * and records accepted before it was known that exceed it fail now, before they are sent.
     */
    private void onMaxRecordSize(StreamState s, Integer bytes, Throwable error) {
        if (error != null) {
            if (s.refresher().limitsUnreadable()) {
                ErrorClassifier.Classified c = ErrorClassifier.classify(error);
                log.warn("Cannot read the maximum record size of {} with DescribeStreamSummary ({}: {}); records are checked"
                        + " against maxRecordSize={} meanwhile (allow kinesis:DescribeStreamSummary to check them against the"
                        + " stream's own)", destination.describe(s.stream()), c.code(), c.message(), config.maxRecordSize());
            }
            return;
        }
        if (bytes == null) {
            return;
        }
        limits.learnedMaxRecordSize(s.stream(), bytes);
        int max = bytes;
        if (max < config.maxRecordSize()) {
            s.queues().removeWhere(r -> r.size > max, r -> {
                io.shardwise.producer.RecordFailedException e = failures.tooLargeForStream(r, max);
                failedForGood(r, e);
                failLater(r, e);
            });
        }
    }

    /**
     * On the way out: every record still held fails, with ProducerClosedException after close or
     * with ProducerFailedException naming the cause if the loop died. Guarded piece by piece: the
     * state that killed the loop must not keep records from completing.
     */
    private void failEverything() {
        Throwable cause = failure;
        List<PendingRecord> waiting = new ArrayList<>();
        List<PendingRecord> inFlight = new ArrayList<>();
        runGuarded(inbox::runEvents, "applying the last events");
        runGuarded(() -> inbox.takeRecords(this::accumulate), "taking the last records");
        for (StreamState s : streams.values()) {
            runGuarded(() -> {
                s.queues().drainQueues(waiting::add);
                s.held().forEach(a -> waiting.addAll(a.members()));
                s.held().clear();
            }, "draining the queues of " + s.stream());
        }
        retries.drainTo(waiting::add);
        requests.abandonAll(waiting::add, inFlight::add);
        for (PendingRecord r : waiting) {
            failLater(r, cause != null ? failures.senderDied(r, cause, false) : failures.closedWaiting(r));
        }
        for (PendingRecord r : inFlight) {
            failLater(r, cause != null ? failures.senderDied(r, cause, true) : failures.closedInFlight(r, null));
        }
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
}
