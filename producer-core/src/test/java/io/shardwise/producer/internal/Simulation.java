package io.shardwise.producer.internal;

import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.KclConsumer;
import io.shardwise.producer.Ordering;
import io.shardwise.producer.PrecedingRecordFailedException;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * One deterministic run of the real engine against {@link SimulatedKinesis}, fixed entirely by one
 * seed: the producer's configuration, the service's behaviour and faults, the reshards, and the
 * application (bursts of records, some beyond the buffer; observers that throw; slow callbacks; a
 * callback executor that refuses tasks; futures the application cancels or completes itself). The
 * engine is built without its thread and stepped on the {@link SimulationClock}; every task (service
 * answers, callbacks, application actions) runs on the calling thread in virtual-time order.
 *
 * <p>The producer's ordering level is drawn too: NONE, SHARD or KEY_STRICT, a third of the seeds each.
 *
 * <p>Invariants are checked at every step (each future completes at most once; outstanding counts
 * stay within bounds; each send within the limiter's window) and at the end (every future completed
 * exactly once; nothing outstanding; no thread left; every acknowledged record read back by the
 * KCL's deaggregator where its result says; order per key while nothing is retried (SHARD and
 * KEY_STRICT); nothing the service accepted sent again except after a lost answer or a misrouted
 * aggregate; KEY_STRICT's per-key order whatever fails: {@link Invariant#KEY_ORDER}, see
 * {@link #checkKeyOrder}).
 */
final class Simulation {
    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;
    private static final int MAX_STEPS_AT_ONE_INSTANT = 10_000;

    /** What a failure broke. */
    enum Invariant {
        /** Every future completes exactly once, in time. */
        COMPLETION,
        /** Outstanding records and bytes within bounds, back to 0; counters add up. */
        OUTSTANDING,
        /** The stepped engine starts no thread. */
        THREADS,
        /** Acknowledged records are read back by the KCL where their result says. */
        DELIVERY,
        /** No shard's one-second window of sends exceeds the limiter's ceiling. */
        SEND_WINDOW,
        /** Records of one key stored in the order added (preserved shard order, no retries). */
        ORDER,
        /**
         * With {@code KEY_STRICT}: per key, in the KCL's reading, a record's first copy comes after the
         * first copy of every earlier record of its key, unless that earlier record failed before this
         * one was added; and a failed record that was never stored leaves no gap (see {@code checkKeyOrder}).
         */
        KEY_ORDER,
        /** Nothing the service accepted is sent again, except after a lost answer or a misrouted aggregate. */
        NO_RESEND,
        /** Adds fail only with the typed errors they promise. */
        TYPED_ERRORS,
        /** The engine does not spin at one instant. */
        PROGRESS
    }

    /** Failures of one run, with the invariants they broke (the first few messages kept). */
    static final class Failures {
        final List<String> messages = new ArrayList<>();
        final Set<Invariant> broken = EnumSet.noneOf(Invariant.class);
        private int count;

        void add(Invariant invariant, String message) {
            broken.add(invariant);
            if (count++ < 10) {
                messages.add(invariant + ": " + message);
            }
        }

        /** A failure of the simulation's own machinery (a task that threw). */
        void add(String message) {
            add(Invariant.COMPLETION, message);
        }

        boolean isEmpty() {
            return count == 0;
        }
    }

    /** A 64-bit digest of everything that happened, in order: one seed must give one digest. */
    static final class Trace {
        private long h = 0xcbf29ce484222325L;

        void mix(long kind, long a, long b, long c) {
            h = step(step(step(step(h, kind), a), b), c);
        }

        private static long step(long h, long v) {
            h ^= v;
            h *= 0x100000001b3L;
            return h ^ (h >>> 29);
        }

        long digest() {
            return h;
        }
    }

    /** What one run did. */
    record Result(long seed, String scenario, Ordering ordering, long digest, int records, long virtualNanos,
                  Failures failures, Map<String, Long> counts) {
    }

    /** One user record the application added. */
    private static final class Rec {
        final long id;
        final String key;
        final byte[] data;
        final CompletableFuture<PutResult> future;
        /** When its add returned, on the simulation's {@linkplain #tick event counter}. */
        final long addTick;
        /** When its add returned, in virtual nanoseconds. */
        final long addNanos;
        int completions;
        boolean appCompleted;
        PutResult result;
        Throwable error;

        Rec(long id, String key, byte[] data, CompletableFuture<PutResult> future, long addTick, long addNanos) {
            this.id = id;
            this.key = key;
            this.data = data;
            this.future = future;
            this.addTick = addTick;
            this.addNanos = addNanos;
        }

        /** @return whether the producer (not the application) completed the future with a failure */
        boolean failedByProducer() {
            return error != null && !appCompleted;
        }

        int attempts() {
            if (result != null) {
                return result.attempts().size();
            }
            if (error instanceof RecordFailedException e) {
                return e.attempts().size();
            }
            return 0;
        }
    }


    private final long seed;
    private final SimulatedKinesis.Sabotage sabotage;
    /** The level a seed that draws an ordered producer runs, or {@code null} to draw SHARD or KEY_STRICT. */
    private final Ordering orderedLevel;
    private final SplittableRandom scenarioRandom;
    private final SplittableRandom appRandom;
    /**
     * Draws SHARD or KEY_STRICT for an ordered producer: a stream of its own, so adding KEY_STRICT left
     * every other draw of a seed (and the schedules of the regression seeds) as it was.
     */
    private final SplittableRandom levelRandom;
    /** Counts adds returning and failures being decided and reported, in the order they happen (one thread). */
    private long tick;
    /** When the producer decided each failure (its observer hears it then), on the {@link #tick} counter. */
    private final Map<Throwable, Long> failureDecided = new IdentityHashMap<>();
    /** When each failure was reported (the record's future completed with it): {@link #tick}, virtual nanos. */
    private final Map<Throwable, long[]> failureReported = new IdentityHashMap<>();
    private final SimulationClock clock = new SimulationClock(0);
    private final Failures failures = new Failures();
    private final Trace trace = new Trace();
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final List<Rec> records = new ArrayList<>();
    private final List<CompletableFuture<Void>> flushes = new ArrayList<>();
    private final StringBuilder scenario = new StringBuilder();
    private Engine engine;
    private long maxOutstandingRecords;
    private int completedRecords;
    private long steps;
    private long maxOutstandingBytes;

    // The application's behaviour, drawn from the seed.
    private double cancelRate;
    private double callerTimeoutRate;
    private double appCompleteRate;
    private double observerThrowRate;
    private double slowCallbackRate;
    private double flushInCallbackRate;

    private Simulation(long seed, SimulatedKinesis.Sabotage sabotage, Ordering orderedLevel) {
        this.seed = seed;
        this.sabotage = sabotage;
        this.orderedLevel = orderedLevel;
        SplittableRandom root = new SplittableRandom(seed);
        this.scenarioRandom = root.split();
        this.appRandom = root.split();
        this.levelRandom = root.split();
    }

    /** Runs the seed's schedule. */
    static Result run(long seed) {
        return run(seed, SimulatedKinesis.Sabotage.NONE);
    }

    /** Runs the seed's schedule against a service with a deliberate bug. */
    static Result run(long seed, SimulatedKinesis.Sabotage sabotage) {
        return new Simulation(seed, sabotage, null).execute();
    }

    /**
     * Runs the seed's schedule with {@code orderedLevel} wherever the seed draws an ordered producer
     * (a third of seeds draw NONE whatever this says): {@link Ordering#SHARD} replays a seed as it
     * ran before KEY_STRICT existed (regression seeds), or runs SHARD where KEY_STRICT would be.
     */
    static Result run(long seed, SimulatedKinesis.Sabotage sabotage, Ordering orderedLevel) {
        return new Simulation(seed, sabotage, java.util.Objects.requireNonNull(orderedLevel)).execute();
    }

    private <T> T pick(String name, List<T> choices) {
        T v = choices.get(scenarioRandom.nextInt(choices.size()));
        scenario.append(name).append('=').append(v).append(' ');
        return v;
    }

    private Result execute() {
        SplittableRandom r = scenarioRandom;
        // ---- the producer
        boolean aggregation = pick("aggregation", List.of(true, false));
        // Drawn as when this was a boolean (ordered twice in three seeds); an ordered producer is SHARD
        // or KEY_STRICT with even odds, from a stream of its own: a third of the seeds each.
        boolean ordered = r.nextInt(3) < 2;
        boolean keyStrict = levelRandom.nextBoolean();
        Ordering ordering = !ordered ? Ordering.NONE : orderedLevel != null ? orderedLevel
                : keyStrict ? Ordering.KEY_STRICT : Ordering.SHARD;
        scenario.append("ordering=").append(ordering).append(' ');
        boolean limiter = pick("limiter", List.of(true, true, true, false));
        double capacity = pick("capacity", List.of(1.0, 0.5, 0.25, 0.1, 0.1));
        double factor = capacity * pick("factorOverCapacity", List.of(1.0, 1.0, 1.0, 0.8, 1.3));
        int ttlMs = pick("ttlMs", List.of(1_000, 2_000, 5_000, 10_000));
        int timeoutMs = pick("timeoutMs", List.of(100, 200, 500, 2_000));
        Integer maxAttempts = pick("maxAttempts", Arrays.asList(null, null, null, 1, 2, 5));
        maxOutstandingRecords = pick("maxOutstanding", List.of(100_000L, 100_000L, 64L, 150L));
        ProducerConfig.Builder config = ProducerConfig.builder()
                .aggregationEnabled(aggregation)
                .ordering(ordering)
                .shardRateLimiting(limiter)
                .shardRateLimitFactor(Math.max(0.1, factor))
                .recordMaxBufferedTime(Duration.ofMillis(pick("lingerMs", List.of(0, 5, 50, 200))))
                .recordTtl(Duration.ofMillis(ttlMs))
                .requestTimeout(Duration.ofMillis(timeoutMs))
                .retryBackoffBase(Duration.ofMillis(pick("backoffMs", List.of(10, 50, 100))))
                .retryBackoffMax(Duration.ofMillis(1_000))
                .maxInFlightRequests(pick("inFlight", List.of(1, 4, 32)))
                .collectionMaxCount(pick("maxEntries", List.of(500, 500, 20)))
                .shardMapMinRefreshInterval(Duration.ofMillis(pick("refreshMs", List.of(10, 100, 1_000))))
                .failIfThrottled(pick("failIfThrottled", List.of(false, false, false, true)))
                .aggregationMaxSize(pick("aggregationMaxSize", List.of(50 * 1024, 4 * 1024)))
                .maxOutstandingRecords(maxOutstandingRecords)
                .maxBlockTime(Duration.ZERO);
        if (maxAttempts != null) {
            config.maxAttempts(maxAttempts);
        }
        ProducerConfig producerConfig = config.build();
        maxOutstandingBytes = producerConfig.maxOutstandingBytes();
        double limiterRecords = limiter ? 1000.0 * producerConfig.shardRateLimitFactor() : 0;
        double limiterBytes = limiter ? 1024.0 * 1024 * producerConfig.shardRateLimitFactor() : 0;
        // ---- the service
        SimulatedKinesis.Settings service = new SimulatedKinesis.Settings(1000.0 * capacity, 1024.0 * 1024 * capacity,
                pick("latencyMs", List.of(2, 10, 40)) * MS, pick("sigma", List.of(0.2, 0.5, 0.9)),
                pick("tail", List.of(0.0, 0.01, 0.03)), pick("internalFailures", List.of(0.0, 0.01, 0.05)),
                pick("randomThrottles", List.of(0.0, 0.01, 0.05)), pick("request500s", List.of(0.0, 0.02, 0.1)),
                pick("listShardsFailures", List.of(0.0, 0.2, 0.6)), limiterRecords, limiterBytes, sabotage);
        int shards = pick("shards", List.of(1, 2, 3, 4));
        SimulatedKinesis kinesis = new SimulatedKinesis(clock, r.split(), service, shards, failures, trace);
        // ---- the application
        cancelRate = pick("cancel", List.of(0.0, 0.0, 0.02));
        callerTimeoutRate = pick("callerTimeout", List.of(0.0, 0.0, 0.02));
        appCompleteRate = pick("appComplete", List.of(0.0, 0.0, 0.01));
        observerThrowRate = pick("observerThrows", List.of(0.0, 0.3));
        slowCallbackRate = pick("slowCallbacks", List.of(0.0, 0.05));
        flushInCallbackRate = pick("flushInCallback", List.of(0.0, 0.01));
        double rejectRate = pick("executorRejects", List.of(0.0, 0.0, 0.1, 0.5));
        SimulatedExecutor callbacks = new SimulatedExecutor("the application's callback executor", clock, r.split(),
                rejectRate, failures);
        SimulatedExecutor refused = new SimulatedExecutor("the refused-callback fallback", clock, r.split(), 0, failures);

        Set<Thread> threadsBefore = shardwiseThreads();
        engine = new Engine(kinesis, true, EngineConfig.of(producerConfig), callbacks,
                new EngineRuntime(clock, new SplittableRandom(r.nextLong()), refused));
        engine.addObserver(new ThrowingObserver());
        // The simulations are far shorter than the 5 minutes a fallback lasts: unpredicted since the first one.
        Engine running = engine;
        kinesis.producerUnpredicted(() -> running.stats().predictionFallbacks() > 0);

        // ---- the workload: bursts of adds, reshards and flushes at drawn instants
        int recordCount = pick("records", List.of(50, 100, 200, 300));
        int keys = pick("keys", List.of(1, 5, 40, 200));
        long span = pick("spanMs", List.of(200, 1_000, 3_000)) * MS;
        int bursts = 1 + r.nextInt(6);
        String[] keyNames = new String[keys];
        String[] keyHashes = new String[keys];
        for (int k = 0; k < keys; k++) {
            keyNames[k] = "key-" + k;
            if (r.nextInt(10) == 0) {
                keyHashes[k] = new BigInteger(128, new java.util.Random(r.nextLong())).toString();
            }
        }
        long lastAdd = 0;
        int added = 0;
        for (int b = 0; b < bursts; b++) {
            long at = r.nextLong(span);
            int size = b == bursts - 1 ? recordCount - added : r.nextInt(recordCount - added + 1);
            for (int i = 0; i < size; i++) {
                int k = r.nextInt(keys);
                int dataSize = dataSize(r);
                clock.at(at, () -> add(keyNames[k], keyHashes[k], dataSize));
                lastAdd = Math.max(lastAdd, at);
                at += r.nextInt(4) == 0 ? 0 : r.nextLong(2 * MS);
            }
            added += size;
        }
        int reshards = pick("reshards", List.of(0, 0, 1, 3));
        for (int i = 0; i < reshards; i++) {
            boolean split = r.nextBoolean();
            clock.at(r.nextLong(span + SECOND), split ? kinesis::split : kinesis::merge);
        }
        for (int i = r.nextInt(3); i > 0; i--) {
            clock.at(r.nextLong(span), () -> flushes.add(engine.flush()));
        }

        // ---- run
        long deadline = lastAdd + (ttlMs + timeoutMs) * MS + 5 * SECOND;
        loop(deadline);

        // ---- end
        ProducerStats stats = engine.stats();
        checkEnd(stats);
        engine.stopStepped();
        while (clock.runOneDue()) {
            // completions the stop handed to the executors
        }
        for (Rec rec : records) {
            if (rec.completions != 1) {
                failures.add(Invariant.COMPLETION, "record " + rec.id + " completed " + rec.completions + " times");
                break;
            }
        }
        Set<Thread> threadsAfter = shardwiseThreads();
        threadsAfter.removeAll(threadsBefore);
        if (!threadsAfter.isEmpty()) {
            failures.add(Invariant.THREADS, "the stepped engine started threads " + threadsAfter);
        }
        checkStored(kinesis, ordering);

        counts.put("records", (long) records.size());
        counts.put("succeeded", stats.userRecordsSucceeded());
        counts.put("failed", stats.userRecordsFailed());
        counts.put("requests", kinesis.requests);
        counts.put("requestsFailedWhole", kinesis.requestsFailedWhole);
        counts.put("requestsTimedOut", kinesis.requestsTimedOut);
        counts.put("requestsTimedOutAfterWrite", kinesis.requestsTimedOutAfterWrite);
        counts.put("requestsWrittenAfterTimeout", kinesis.requestsWrittenAfterTimeout);
        counts.put("entriesThrottledAtArrival", kinesis.entriesThrottledAtArrival);
        counts.put("limitedEntriesOverArrivalWindow", kinesis.limitedEntriesOverArrivalWindow);
        counts.put("limitedSendsChecked", kinesis.limitedSendsChecked);
        counts.put("entriesFailedInternally", kinesis.entriesFailedInternally);
        counts.put("listShardsFailed", kinesis.listShardsFailed);
        counts.put("splits", kinesis.splits);
        counts.put("merges", kinesis.merges);
        counts.put("steps", steps);
        counts.put("predictionFallbacks", stats.predictionFallbacks());
        counts.put("resentFromMisroutedAggregates", stats.userRecordsResentFromMisroutedAggregates());
        counts.put("callbacksRejected", callbacks.rejected());
        counts.merge("bufferFull", 0L, Long::sum);
        return new Result(seed, scenario.toString().trim(), ordering, trace.digest(), records.size(), clock.nanoTime(),
                failures, counts);
    }

    private static int dataSize(SplittableRandom r) {
        int roll = r.nextInt(100);
        if (roll == 0) {
            return 20_000 + r.nextInt(40_000);
        }
        if (roll < 10) {
            return 500 + r.nextInt(4_500);
        }
        return 8 + r.nextInt(300);
    }

    /** Steps the engine and runs due tasks, one at a time, until everything completed or the deadline. */
    private void loop(long deadline) {
        int stepsAtThisInstant = 0;
        long instant = clock.nanoTime();
        while (true) {
            long wake = engine.step();
            steps++;
            checkStep();
            if (clock.nanoTime() != instant) {
                instant = clock.nanoTime();
                stepsAtThisInstant = 0;
            }
            if (clock.runOneDue()) {
                continue;
            }
            if (!clock.hasTasks() && allCompleted()) {
                return;
            }
            long next = Math.min(wake, clock.nextTaskAt());
            if (next <= clock.nanoTime()) {
                if (++stepsAtThisInstant > MAX_STEPS_AT_ONE_INSTANT) {
                    failures.add(Invariant.PROGRESS, "the engine asked to run again at once " + MAX_STEPS_AT_ONE_INSTANT
                            + " times at virtual " + clock.nanoTime() + " ns without anything else happening");
                    clock.advanceTo(clock.nanoTime() + MS);
                }
                continue;
            }
            if (next > deadline) {
                if (!allCompleted()) {
                    long open = records.stream().filter(x -> x.completions == 0).count();
                    failures.add(Invariant.COMPLETION, open + " record futures still not complete at virtual "
                            + deadline / MS + " ms (TTL + request timeout + 5 s after the last add); "
                            + engine.stats());
                }
                clock.advanceTo(deadline);
                return;
            }
            clock.advanceTo(next);
        }
    }

    private boolean allCompleted() {
        if (completedRecords < records.size()) {
            return false;
        }
        for (CompletableFuture<Void> f : flushes) {
            if (!f.isDone()) {
                return false;
            }
        }
        return true;
    }

    private void checkStep() {
        ProducerStats s = engine.stats();
        if (s.outstandingRecords() < 0 || s.outstandingBytes() < 0 || s.outstandingRecords() > maxOutstandingRecords) {
            failures.add(Invariant.OUTSTANDING, "outstanding " + s.outstandingRecords() + " records / " + s.outstandingBytes()
                    + " bytes at virtual " + clock.nanoTime() + " ns (bound " + maxOutstandingRecords + ")");
        }
    }

    private void add(String key, String hashKey, int size) {
        long id = records.size();
        byte[] data = new byte[Math.max(8, size)];
        appRandom.nextBytes(data);
        ByteBuffer.wrap(data).putLong(id);
        CompletableFuture<PutResult> future;
        try {
            future = engine.add(SimulatedKinesis.STREAM, key, hashKey, data);
            tick++;
        } catch (BufferFullException e) {
            counts.merge("bufferFull", 1L, Long::sum);
            trace.mix(0xbf, clock.nanoTime(), id, 0);
            ProducerStats s = engine.stats();
            if (s.outstandingRecords() < maxOutstandingRecords && s.outstandingBytes() + data.length + key.length() <= maxOutstandingBytes) {
                failures.add(Invariant.TYPED_ERRORS, "BufferFullException with " + s.outstandingRecords() + " records / "
                        + s.outstandingBytes() + " bytes outstanding (bounds " + maxOutstandingRecords + " / " + maxOutstandingBytes
                        + "): " + e.getMessage());
            }
            return;
        } catch (RuntimeException e) {
            failures.add(Invariant.TYPED_ERRORS, "add threw " + e);
            return;
        }
        Rec rec = new Rec(id, key, data, future, tick, clock.nanoTime());
        records.add(rec);
        trace.mix(0xadd, clock.nanoTime(), id, size);
        future.whenComplete((v, e) -> {
            rec.completions++;
            if (rec.completions == 1) {
                completedRecords++;
            }
            if (rec.completions > 1) {
                failures.add(Invariant.COMPLETION, "record " + id + " completed a second time");
            }
            rec.result = v;
            rec.error = e;
            if (e != null) {
                failureReported.put(e, new long[] {++tick, clock.nanoTime()});
            }
            trace.mix(0xc0, clock.nanoTime(), id, e == null ? 1 : e.getClass().getName().hashCode());
            if (appRandom.nextDouble() < slowCallbackRate) {
                clock.spend(1 + appRandom.nextLong(50 * MS));
            }
            if (appRandom.nextDouble() < flushInCallbackRate) {
                flushes.add(engine.flush());
            }
        });
        double roll = appRandom.nextDouble();
        long later = appRandom.nextLong(2 * SECOND);
        if (roll < cancelRate) {
            clock.after(later, () -> rec.appCompleted |= future.cancel(false));
        } else if (roll < cancelRate + callerTimeoutRate) {
            clock.after(later, () -> rec.appCompleted |= future.completeExceptionally(new TimeoutException("the caller gave up")));
        } else if (roll < cancelRate + callerTimeoutRate + appCompleteRate) {
            clock.after(later, () -> rec.appCompleted |= future.complete(new PutResult("app", "0", 0, false, List.of())));
        }
    }

    /** An observer that throws from a share of its calls. */
    private final class ThrowingObserver implements ProducerObserver {
        @Override
        public void requestCompleted(RequestOutcome outcome) {
            maybeThrow();
        }

        @Override
        public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                    RecordFailedException failure) {
            if (failure != null) {
                failureDecided.put(failure, ++tick);
            }
            maybeThrow();
        }

        @Override
        public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
            maybeThrow();
        }

        private void maybeThrow() {
            if (observerThrowRate > 0 && appRandom.nextDouble() < observerThrowRate) {
                throw new ObserverFailure();
            }
        }
    }

    /** What the throwing observer throws: without a stack trace, so the engine's warning stays one line. */
    private static final class ObserverFailure extends RuntimeException {
        ObserverFailure() {
            super("simulated observer failure", null, false, false);
        }
    }

    private void checkEnd(ProducerStats s) {
        if (s.outstandingRecords() != 0 || s.outstandingBytes() != 0) {
            failures.add(Invariant.OUTSTANDING, "at the end " + s.outstandingRecords() + " records / " + s.outstandingBytes()
                    + " bytes still outstanding");
        }
        if (s.userRecordsAdded() != records.size()) {
            failures.add(Invariant.OUTSTANDING, "stats count " + s.userRecordsAdded() + " records added; the application added "
                    + records.size());
        }
        if (s.userRecordsSucceeded() + s.userRecordsFailed() != s.userRecordsAdded()) {
            failures.add(Invariant.OUTSTANDING, "succeeded " + s.userRecordsSucceeded() + " + failed " + s.userRecordsFailed()
                    + " != added " + s.userRecordsAdded());
        }
        for (CompletableFuture<Void> f : flushes) {
            if (!f.isDone()) {
                failures.add(Invariant.COMPLETION, "a flush future never completed");
                break;
            }
        }
    }

    /** A user record as found in what the shards store. */
    private record Copy(String shardId, boolean shardOpen, long sequence, long subSequence, boolean excused) {
    }

    /**
     * Reads every shard back: with the KCL's deaggregator for the shard's range (delivery, order), and
     * unfiltered (every copy of every user record, for the no-resend check).
     */
    private void checkStored(SimulatedKinesis kinesis, Ordering ordering) {
        boolean ordered = ordering != Ordering.NONE;
        Map<String, KclConsumer.UserRecord> read = new HashMap<>();
        Map<Long, long[]> firstRead = new HashMap<>();
        Map<Long, List<Copy>> copies = new HashMap<>();
        AggregatorUtil unfiltered = new AggregatorUtil();
        for (SimulatedKinesis.Shard shard : kinesis.shards()) {
            List<Record> stored = new ArrayList<>(shard.stored.size());
            for (SimulatedKinesis.Stored s : shard.stored) {
                Record rec = Record.builder().sequenceNumber(s.sequenceNumber()).partitionKey(s.partitionKey())
                        .data(SdkBytes.fromByteArrayUnsafe(s.data()))
                        .approximateArrivalTimestamp(java.time.Instant.ofEpochSecond(0, s.arrivalNanos())).build();
                stored.add(rec);
                List<KinesisClientRecord> users = unfiltered.deaggregate(List.of(KinesisClientRecord.fromRecord(rec)));
                boolean misrouted = false;
                if (users.size() > 1 || (users.size() == 1 && users.get(0).aggregated())) {
                    for (KinesisClientRecord u : users) {
                        if (!shard.holds(kinesis.hashKey(u.partitionKey(), u.explicitHashKey()))) {
                            misrouted = true;
                        }
                    }
                }
                for (KinesisClientRecord u : users) {
                    copies.computeIfAbsent(u.data().getLong(u.data().position()), k -> new ArrayList<>(1))
                            .add(new Copy(shard.id, shard.open, s.sequence(), u.subSequenceNumber(), misrouted || s.answerLost()));
                }
            }
            for (KclConsumer.UserRecord u : KclConsumer.readShard(shard.id, stored, shard.start, shard.end)) {
                read.put(u.location(), u);
                long[] at = {Long.parseLong(u.sequenceNumber()), u.subSequenceNumber()};
                firstRead.merge(ByteBuffer.wrap(u.data()).getLong(), at, (a, b) -> compare(a, b) <= 0 ? a : b);
            }
        }
        // Delivery: every acknowledged record at the location its result names.
        for (Rec rec : records) {
            if (rec.result == null || rec.appCompleted) {
                continue;
            }
            String location = KclConsumer.location(rec.result);
            KclConsumer.UserRecord u = read.get(location);
            if (u == null || !Arrays.equals(u.data(), rec.data) || !rec.key.equals(u.partitionKey())) {
                failures.add(Invariant.DELIVERY, "record " + rec.id + " (key " + rec.key + ") succeeded at " + location
                        + " but the KCL reads " + (u == null ? "nothing there" : "another record there"));
            }
        }
        // No resend of what the service accepted: at most one copy of a record was stored by a request
        // whose answer reached the producer (other copies come from requests whose answer was lost to
        // the caller's timeout, written before or after the retry, or from aggregates stored on a shard
        // whose range does not hold all their records).
        long resentAfterExcuse = 0;
        for (Map.Entry<Long, List<Copy>> e : copies.entrySet()) {
            List<Copy> c = e.getValue();
            if (c.size() < 2) {
                continue;
            }
            long answered = c.stream().filter(x -> !x.excused()).count();
            if (answered > 1) {
                c.sort((a, b) -> Long.compare(a.sequence, b.sequence));
                failures.add(Invariant.NO_RESEND, "record " + e.getKey() + " stored " + c.size() + " times, " + answered
                        + " of them by requests whose answer reached the producer: " + c);
            }
            resentAfterExcuse += c.size() - answered;
        }
        counts.put("copiesFromLostAnswersOrMisroutes", resentAfterExcuse);
        // Records the application was told failed although the service stored them (informational:
        // a lost answer or a re-send that expired make this unavoidable; the count shows how often).
        long failedButStored = 0;
        for (Rec rec : records) {
            if (rec.error != null && !rec.appCompleted && copies.containsKey(rec.id)) {
                failedButStored++;
            }
        }
        counts.put("failedButStored", failedButStored);
        // Order per key.
        long orderBrokenWithRetries = 0;
        if (ordered) {
            Map<String, List<Rec>> byKey = new LinkedHashMap<>();
            for (Rec rec : records) {
                byKey.computeIfAbsent(rec.key, k -> new ArrayList<>()).add(rec);
            }
            for (Map.Entry<String, List<Rec>> e : byKey.entrySet()) {
                boolean retried = false;
                long lastSeq = -1;
                long lastSub = -1;
                Rec previous = null;
                Rec brokenAt = null;
                for (Rec rec : e.getValue()) {
                    retried |= rec.attempts() > 1;
                    if (rec.result == null || rec.appCompleted) {
                        continue;
                    }
                    long seq = Long.parseLong(rec.result.sequenceNumber());
                    long sub = rec.result.subSequenceNumber();
                    if (brokenAt == null && (seq < lastSeq || (seq == lastSeq && sub <= lastSub))) {
                        brokenAt = rec;
                    }
                    if (brokenAt == null) {
                        previous = rec;
                    }
                    lastSeq = seq;
                    lastSub = sub;
                }
                if (brokenAt == null) {
                    continue;
                }
                if (retried) {
                    orderBrokenWithRetries++;
                } else {
                    failures.add(Invariant.ORDER, "key " + e.getKey() + ": record " + brokenAt.id + " (added after record "
                            + previous.id + ") stored before it (" + KclConsumer.location(brokenAt.result) + " vs "
                            + KclConsumer.location(previous.result) + "), no record of the key retried");
                }
            }
        }
        counts.put("keysOrderBrokenWithRetries", orderBrokenWithRetries);
        checkKeyOrder(ordering, firstRead);
    }

    /** Orders KCL positions (sequence number, then sub-sequence number). */
    private static int compare(long[] a, long[] b) {
        return a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]);
    }

    /** The parts of {@link Invariant#KEY_ORDER}, as named in {@link #checkKeyOrder}'s javadoc. */
    enum KeyOrderPart {
        /** Two records that succeeded, stored out of added order. */
        A_SUCCEEDED,
        /** A record that failed but was stored anyway, out of order with another of its key. */
        B_FAILED_BUT_STORED,
        /** A record that failed and was never stored, while a record added before the failure was. */
        C_GAP
    }

    /**
     * {@link Invariant#KEY_ORDER}: what KEY_STRICT promises a KCL reader of one key (its 128-bit hash
     * key; in this simulation one partition key, or its explicit hash key). Positions are the first
     * copy the KCL returns of each record (its deaggregator with the shard's range: an aggregate stored
     * on a shard whose range does not hold all its records is not read), compared by sequence number,
     * then sub-sequence number. The simulated sequence numbers grow across the whole stream, and a
     * shard closes before its children take writes, so that order is the KCL's (children after
     * parents).
     *
     * <p>The producer sends a key's record only after every earlier record of the key is resolved:
     * acknowledged (so its first copy is already stored), or failed for good, which fails the key's
     * records added until that failure is reported (its future completed) too, with
     * PrecedingRecordFailedException. A request that timed out may still be written later, even
     * after the producer gave up on its records, so a failed record can have a copy anywhere after
     * records of its key added once its failure was reported. The check therefore takes each pair of
     * records {@code e} added before {@code l} of one key, where the application did not complete
     * {@code e}'s future itself (then the producer dropped it, its outcome unknown here) and {@code l}
     * was added before {@code e}'s failure was reported, if it failed:
     * <ul>
     *   <li>(a) both succeeded, {@code l} read: {@code e}'s first copy comes before {@code l}'s;</li>
     *   <li>(b) either failed, both read: the same;</li>
     *   <li>(c) {@code e} failed and was never read: {@code l} is not read either (no gap; it must
     *       have failed too).</li>
     * </ul>
     * "Reported" is when the future completed, on the callback executor (for a
     * PrecedingRecordFailedException: when the failure it blames was reported, if sooner); reports
     * and adds returning are ordered on one counter ({@link #tick}).
     *
     * <p>Part (d), {@link Invariant#TYPED_ERRORS}: a PrecedingRecordFailedException comes only with
     * KEY_STRICT; its cause is the RecordFailedException of an earlier record of the same key, whose
     * failure was reported after this record was added (or at the same virtual instant).
     *
     * <p>The counts say how much each part looked at (pairs, records read, failed records never
     * read) and how many keys broke it. KEY_STRICT runs fail on a violation; SHARD runs only count
     * ({@code shard.keysBreakingKeyStrict}, per part); NONE runs get part (d) only.
     */
    private void checkKeyOrder(Ordering ordering, Map<Long, long[]> firstRead) {
        Map<String, List<Rec>> byKey = new LinkedHashMap<>();
        for (Rec rec : records) {
            byKey.computeIfAbsent(rec.key, k -> new ArrayList<>()).add(rec);
        }
        long[] pairs = new long[KeyOrderPart.values().length];
        long[] keysBroken = new long[KeyOrderPart.values().length];
        long keysBreaking = 0;
        long keysChecked = 0;
        long excusedByFailure = 0;
        long recordsRead = 0;
        long failedUnread = 0;
        for (Map.Entry<String, List<Rec>> e : byKey.entrySet()) {
            List<Rec> recs = e.getValue();
            for (Rec rec : recs) {
                checkPreceding(ordering, rec, recs);
            }
            if (ordering == Ordering.NONE) {
                continue;
            }
            EnumSet<KeyOrderPart> broken = EnumSet.noneOf(KeyOrderPart.class);
            if (recs.size() > 1) {
                keysChecked++;
            }
            int n = recs.size();
            long[][] at = new long[n][];
            long[] reportedAt = new long[n];
            int[] readAmongFirst = new int[n + 1];
            for (int i = 0; i < n; i++) {
                Rec rec = recs.get(i);
                at[i] = firstRead.get(rec.id);
                reportedAt[i] = rec.failedByProducer() ? reported(rec) : Long.MAX_VALUE;
                if (rec.failedByProducer() && reportedAt[i] == Long.MAX_VALUE) {
                    failures.add(Invariant.COMPLETION, "record " + rec.id + " failed without its failure being reported");
                }
                readAmongFirst[i + 1] = readAmongFirst[i] + (at[i] == null ? 0 : 1);
            }
            recordsRead += readAmongFirst[n];
            // (c): the records added after a failed record that was never read, until its failure was
            // reported (a run of the key's list: adds are in list order), must not be read either.
            for (int i = 0; i < n; i++) {
                if (at[i] != null || reportedAt[i] == Long.MAX_VALUE) {
                    continue;
                }
                failedUnread++;
                int end = i + 1;
                while (end < n && recs.get(end).addTick < reportedAt[i]) {
                    end++;
                }
                pairs[KeyOrderPart.C_GAP.ordinal()] += end - i - 1;
                if (readAmongFirst[end] > readAmongFirst[i + 1]) {
                    int j = i + 1;
                    while (at[j] == null) {
                        j++;
                    }
                    broke(ordering, KeyOrderPart.C_GAP, e.getKey(), recs, i, j, at, broken, keysBroken, firstRead);
                }
            }
            // (a) and (b): each record read against every earlier one that was read or succeeded.
            for (int j = 0; j < n; j++) {
                long[] laterAt = at[j];
                if (laterAt == null) {
                    continue;
                }
                Rec later = recs.get(j);
                for (int i = 0; i < j; i++) {
                    Rec earlier = recs.get(i);
                    boolean earlierFailed = reportedAt[i] != Long.MAX_VALUE;
                    if (earlier.appCompleted || (earlierFailed && at[i] == null)) {
                        continue;
                    }
                    if (later.addTick > reportedAt[i]) {
                        excusedByFailure++;
                        continue;
                    }
                    KeyOrderPart part = earlierFailed || later.failedByProducer() ? KeyOrderPart.B_FAILED_BUT_STORED
                            : KeyOrderPart.A_SUCCEEDED;
                    pairs[part.ordinal()]++;
                    if (at[i] == null || compare(at[i], laterAt) >= 0) {
                        broke(ordering, part, e.getKey(), recs, i, j, at, broken, keysBroken, firstRead);
                    }
                }
            }
            if (!broken.isEmpty()) {
                keysBreaking++;
            }
        }
        if (ordering == Ordering.NONE) {
            return;
        }
        String prefix = ordering == Ordering.KEY_STRICT ? "keyStrict." : "shard.";
        counts.put(prefix + "keysChecked", keysChecked);
        counts.put(prefix + "recordsRead", recordsRead);
        counts.put(prefix + "failedUnread", failedUnread);
        counts.put(prefix + "pairsExcusedByEarlierFailure", excusedByFailure);
        for (KeyOrderPart part : KeyOrderPart.values()) {
            counts.put(prefix + "pairs" + part, pairs[part.ordinal()]);
            counts.put(prefix + "keysBreaking" + part, keysBroken[part.ordinal()]);
        }
        counts.put(prefix + "keysBreakingKeyStrict", keysBreaking);
    }

    /** Notes that a key broke {@code part} with its records {@code i} (added first) and {@code j}. */
    private void broke(Ordering ordering, KeyOrderPart part, String key, List<Rec> recs, int i, int j, long[][] at,
                       Set<KeyOrderPart> broken, long[] keysBroken, Map<Long, long[]> firstRead) {
        if (!broken.add(part)) {
            return;
        }
        keysBroken[part.ordinal()]++;
        Rec earlier = recs.get(i);
        Rec later = recs.get(j);
        if (ordering == Ordering.KEY_STRICT) {
            failures.add(Invariant.KEY_ORDER, "key " + key + " (" + part + "): record " + later.id + " " + outcome(later)
                    + ", first read at " + Arrays.toString(at[j]) + ", but record " + earlier.id + " added before it "
                    + outcome(earlier) + ", first read at " + (at[i] == null ? "none" : Arrays.toString(at[i]))
                    + "; the key's records:" + describe(recs.subList(Math.max(0, i - 3), Math.min(recs.size(), j + 4)), firstRead));
        }
    }

    /**
     * @return when the record's failure was reported (its future completed), on the {@link #tick}
     *     counter: for a record failed because an earlier one of its key did, when that earlier
     *     failure was reported if sooner (a record added after that starts the key's sequence again)
     */
    private long reported(Rec rec) {
        long first = Long.MAX_VALUE;
        for (Throwable t = rec.error; t != null; t = t instanceof PrecedingRecordFailedException ? t.getCause() : null) {
            long[] at = failureReported.get(t);
            if (at != null) {
                first = Math.min(first, at[0]);
            }
        }
        return first;
    }

    /** Part (d) of {@link #checkKeyOrder}: a record failed because an earlier one of its key did. */
    private void checkPreceding(Ordering ordering, Rec rec, List<Rec> ofKey) {
        if (!(rec.error instanceof PrecedingRecordFailedException p) || rec.appCompleted) {
            return;
        }
        counts.merge("keyStrict.precedingRecordFailed", 1L, Long::sum);
        if (ordering != Ordering.KEY_STRICT) {
            failures.add(Invariant.TYPED_ERRORS, "record " + rec.id + " failed with " + p + " with ordering " + ordering);
            return;
        }
        if (!(p.getCause() instanceof RecordFailedException cause)) {
            failures.add(Invariant.TYPED_ERRORS, "record " + rec.id + " failed with " + p + " whose cause is "
                    + p.getCause() + ", not a RecordFailedException");
            return;
        }
        Rec blamed = null;
        for (Rec other : ofKey) {
            if (other.error == cause) {
                blamed = other;
            }
        }
        // Added at the virtual instant the failure was reported counts as before it (the engine's clock cannot tell).
        long[] blamedReported = failureReported.get(cause);
        if (blamed == null || blamed.id >= rec.id || blamedReported == null || rec.addNanos > blamedReported[1]) {
            failures.add(Invariant.TYPED_ERRORS, "record " + rec.id + " failed with " + p + ", blaming "
                    + (blamed == null ? "no record of its key (" + cause + ")" : "record " + blamed.id
                    + (blamed.id >= rec.id ? ", added after it" : ", whose failure was reported before it was added")));
        }
    }

    private static String outcome(Rec rec) {
        if (rec.appCompleted) {
            return "completed by the application";
        }
        if (rec.result != null) {
            return "succeeded (" + KclConsumer.location(rec.result) + ", attempts " + rec.attempts() + ")";
        }
        return "failed (" + (rec.error == null ? null : rec.error.getClass().getSimpleName()) + ", attempts "
                + rec.attempts() + ")";
    }

    /** The key's records in added order: id, outcome, first read position. */
    private String describe(List<Rec> recs, Map<Long, long[]> firstRead) {
        StringBuilder b = new StringBuilder();
        for (Rec rec : recs) {
            long[] at = firstRead.get(rec.id);
            b.append("\n    #").append(rec.id).append(" added ").append(rec.addNanos / 1e6).append(" ms (tick ")
                    .append(rec.addTick).append(')');
            if (rec.failedByProducer()) {
                long[] reportedAt = failureReported.get(rec.error);
                b.append(" decided tick ").append(failureDecided.get(rec.error)).append(", reported ")
                        .append(reportedAt == null ? "never" : reportedAt[1] / 1e6 + " ms (tick " + reportedAt[0] + ')')
                        .append(", counts from tick ").append(reported(rec));
            }
            b.append(' ').append(outcome(rec)).append(" read ").append(at == null ? "none" : Arrays.toString(at));
        }
        return b.toString();
    }

    private static Set<Thread> shardwiseThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 16];
        int n = root.enumerate(all, true);
        Set<Thread> out = new java.util.HashSet<>();
        for (int i = 0; i < n; i++) {
            if (all[i].getName().startsWith("shardwise-")) {
                out.add(all[i]);
            }
        }
        return out;
    }
}
