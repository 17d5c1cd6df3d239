package io.shardwise.producer.internal;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.services.kinesis.model.KinesisException;

/**
 * Kinesis in memory, on the simulation's clock, as the engine's {@link Destination}: one stream of
 * shards with hash-key ranges, each with the service's sliding one-second write limits counted when
 * a request ARRIVES; latency drawn per leg (to the service, back), so a request can be written and
 * its answer lost to the caller's timeout; per-entry InternalFailure and
 * ProvisionedThroughputExceeded; whole-request 500s; ListShards that fails; splits and merges at any
 * time (writes always land on the open shard holding the entry's hash key, as in the service, so a
 * producer with an old map sees them stored elsewhere than predicted).
 *
 * <p>Besides serving the engine it keeps what an invariant check needs: every stored Kinesis record
 * per shard (open and closed), and, for entries sent while the producer's shard map was the current
 * one (so its shard limiter was the one pacing that shard), a one-second window of their SEND
 * instants per shard, checked against the producer's configured ceiling.
 */
final class SimulatedKinesis implements Destination {
    static final String STREAM = "sim-stream";
    static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
    private static final long SECOND = 1_000_000_000L;

    /**
     * How the simulated service behaves.
     *
     * @param recordsPerSecond each shard's write limit in Kinesis records per second
     * @param bytesPerSecond each shard's write limit in bytes (data plus partition key) per second
     * @param latencyMedianNanos median one-way latency
     * @param latencySigma spread of the log-normal one-way latency
     * @param tailRate share of legs that take 10-40 times longer
     * @param internalFailureRate share of entries answered InternalFailure (not stored)
     * @param throttleRate share of entries answered ProvisionedThroughputExceeded regardless of load
     * @param requestFailureRate share of requests answered 500 as a whole (nothing stored)
     * @param listShardsFailureRate share of ListShards calls that fail (LimitExceeded or 500)
     * @param limiterRecords the producer's per-shard ceiling in records/s (0: its limiter is off, nothing checked)
     * @param limiterBytes its ceiling in bytes/s
     * @param sabotage a deliberate service bug, to prove the checks catch it ({@link Sabotage#NONE} normally)
     */
    record Settings(double recordsPerSecond, double bytesPerSecond, long latencyMedianNanos, double latencySigma,
                    double tailRate, double internalFailureRate, double throttleRate, double requestFailureRate,
                    double listShardsFailureRate, double limiterRecords, double limiterBytes, Sabotage sabotage) {
    }

    /** Deliberate misbehaviour, each of which one invariant must catch. */
    enum Sabotage {
        /** Behave. */
        NONE,
        /** Acknowledge the first entry of some requests without storing it (caught by the delivery check). */
        ACK_WITHOUT_STORING,
        /** Store the first entry of some requests but answer InternalFailure (the producer's retry duplicates it). */
        STORE_BUT_FAIL,
        /** Store the entries of some requests in reverse order (caught by the order check). */
        REORDER,
        /** Never answer some requests (caught by the completion check). */
        NEVER_ANSWER,
        /** Check sends against a tenth of the producer's ceiling (caught by the send-window check). */
        CHECK_TENTH_OF_LIMIT,
        /**
         * Store the first entry of some requests just before the last record stored on its shard with
         * its partition key (a lower sequence number: the KCL reads it first), answering half of them
         * InternalFailure as if they were not stored (caught by the KEY_STRICT order check, parts (a)
         * and (b)).
         */
        STORE_IN_THE_PAST
    }

    /** An entry sent under the producer's limiter, in its shard's send window until the service throttles it. */
    static final class Send {
        final long nanos;
        final int bytes;
        boolean counted = true;
        Shard shard;

        Send(long nanos, int bytes) {
            this.nanos = nanos;
            this.bytes = bytes;
        }

        /** The service throttled the entry: it did not count it, and neither does the producer's limiter. */
        void throttled() {
            if (counted && shard.sends.contains(this)) {
                shard.sendCount--;
                shard.sendBytes -= bytes;
            }
            counted = false;
        }
    }

    /** One Kinesis record as stored on a shard. */
    record Stored(long sequence, String partitionKey, String explicitHashKey, byte[] data, long arrivalNanos,
                  boolean answerLost) {
        String sequenceNumber() {
            return sequenceNumber(sequence);
        }

        static String sequenceNumber(long sequence) {
            return String.format("%020d", sequence);
        }
    }

    /** One shard: its range, whether it is open, what it stores, and its two windows. */
    static final class Shard {
        final String id;
        final BigInteger start;
        final BigInteger end;
        boolean open = true;
        final List<Stored> stored = new ArrayList<>();
        /** Arrivals counted by the service: (arrival nanos, bytes) per stored entry. */
        final ArrayDeque<long[]> arrivals = new ArrayDeque<>();
        long arrivalBytes;
        /** Sends made under the producer's limiter within the last second. */
        final ArrayDeque<Send> sends = new ArrayDeque<>();
        /** Those of them the service may have counted (all but the throttled ones), and their bytes. */
        long sendCount;
        long sendBytes;

        void slideSends(long now) {
            while (!sends.isEmpty() && sends.peekFirst().nanos <= now - SECOND) {
                Send gone = sends.pollFirst();
                if (gone.counted) {
                    sendCount--;
                    sendBytes -= gone.bytes;
                }
            }
        }

        Shard(String id, BigInteger start, BigInteger end) {
            this.id = id;
            this.start = start;
            this.end = end;
        }

        boolean holds(BigInteger hash) {
            return start.compareTo(hash) <= 0 && hash.compareTo(end) <= 0;
        }
    }

    private final SimulationClock clock;
    private final SplittableRandom random;
    private final Settings settings;
    private final Simulation.Failures failures;
    private final Simulation.Trace trace;
    private final Map<String, Shard> shards = new LinkedHashMap<>();
    private int nextShardNumber;
    private long nextSequence;
    /** Changes with every split and merge. */
    private int topologyVersion;
    /** The open shards of the last map handed to the producer, or {@code null} while it has none. */
    private List<Shard> producerMap;
    /**
     * Whether the producer batches without shard prediction (it fell back after records kept landing
     * elsewhere): then nothing is paced per shard, as documented, and no send is checked against a window.
     */
    private java.util.function.BooleanSupplier producerUnpredicted = () -> false;
    private final MessageDigest md5;

    // Counters, for the summary.
    long requests;
    long entries;
    long requestsFailedWhole;
    long requestsTimedOut;
    long requestsTimedOutAfterWrite;
    /** Of those, requests written after the producer's timeout had already expired (it may have retried them). */
    long requestsWrittenAfterTimeout;
    long entriesThrottledAtArrival;
    /**
     * Entries sent under the producer's limiter, whose ceiling is within the service's limit, that the
     * arrival window throttled all the same: sends spaced a second apart arrive closer together when
     * latency varies (not asserted; printed).
     */
    long limitedEntriesOverArrivalWindow;
    long entriesFailedInternally;
    long listShardsCalls;
    long listShardsFailed;
    long splits;
    long merges;
    long limitedSendsChecked;

    SimulatedKinesis(SimulationClock clock, SplittableRandom random, Settings settings, int initialShards,
                     Simulation.Failures failures, Simulation.Trace trace) {
        this.clock = clock;
        this.random = random;
        this.settings = settings;
        this.failures = failures;
        this.trace = trace;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        BigInteger width = MAX_HASH.add(BigInteger.ONE).divide(BigInteger.valueOf(initialShards));
        for (int i = 0; i < initialShards; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == initialShards - 1 ? MAX_HASH : start.add(width).subtract(BigInteger.ONE);
            newShard(start, end);
        }
    }

    private Shard newShard(BigInteger start, BigInteger end) {
        Shard s = new Shard(String.format("shardId-%012d", nextShardNumber++), start, end);
        shards.put(s.id, s);
        return s;
    }

    /** @return every shard, open and closed, in creation order */
    List<Shard> shards() {
        return new ArrayList<>(shards.values());
    }

    /** @return the hash key an entry routes by: its explicit hash key, else the MD5 of its partition key */
    BigInteger hashKey(String partitionKey, String explicitHashKey) {
        if (explicitHashKey != null) {
            return new BigInteger(explicitHashKey);
        }
        return new BigInteger(1, md5.digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
    }

    private Shard openShardFor(BigInteger hash) {
        for (Shard s : shards.values()) {
            if (s.open && s.holds(hash)) {
                return s;
            }
        }
        throw new IllegalStateException("no open shard holds " + hash);
    }

    private static Shard shardIn(List<Shard> map, BigInteger hash) {
        for (Shard s : map) {
            if (s.holds(hash)) {
                return s;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ resharding

    /** Splits a random open shard in two at a random point of its range. */
    void split() {
        List<Shard> open = openShards();
        Shard parent = open.get(random.nextInt(open.size()));
        BigInteger width = parent.end.subtract(parent.start);
        if (width.compareTo(BigInteger.TWO) < 0) {
            return;
        }
        // Anywhere between a quarter and three quarters of the range.
        BigInteger at = parent.start.add(width.multiply(BigInteger.valueOf(25 + random.nextInt(51))).divide(BigInteger.valueOf(100)));
        parent.open = false;
        Shard a = newShard(parent.start, at);
        Shard b = newShard(at.add(BigInteger.ONE), parent.end);
        topologyVersion++;
        splits++;
        trace.mix(0x5917, clock.nanoTime(), parent.id.hashCode(), a.id.hashCode() ^ b.id.hashCode());
    }

    /** Merges two random adjacent open shards, if there are any. */
    void merge() {
        List<Shard> open = openShards();
        open.sort((x, y) -> x.start.compareTo(y.start));
        List<Integer> pairs = new ArrayList<>();
        for (int i = 0; i + 1 < open.size(); i++) {
            if (open.get(i).end.add(BigInteger.ONE).equals(open.get(i + 1).start)) {
                pairs.add(i);
            }
        }
        if (pairs.isEmpty()) {
            return;
        }
        int i = pairs.get(random.nextInt(pairs.size()));
        Shard a = open.get(i);
        Shard b = open.get(i + 1);
        a.open = false;
        b.open = false;
        Shard c = newShard(a.start, b.end);
        topologyVersion++;
        merges++;
        trace.mix(0x3e49e, clock.nanoTime(), a.id.hashCode() ^ b.id.hashCode(), c.id.hashCode());
    }

    private List<Shard> openShards() {
        List<Shard> open = new ArrayList<>();
        for (Shard s : shards.values()) {
            if (s.open) {
                open.add(s);
            }
        }
        return open;
    }

    // ------------------------------------------------------------------ Destination

    @Override
    public String serviceName() {
        return "Kinesis";
    }

    @Override
    public String streamNoun() {
        return "stream";
    }

    @Override
    public boolean predictsShards() {
        return true;
    }

    @Override
    public CompletableFuture<ShardMap> shardMap(String stream) {
        listShardsCalls++;
        CompletableFuture<ShardMap> answer = new CompletableFuture<>();
        long there = latency();
        long back = latency();
        boolean fails = random.nextDouble() < settings.listShardsFailureRate();
        boolean throttled = random.nextBoolean();
        clock.after(there, () -> {
            if (fails) {
                listShardsFailed++;
                clock.after(back, () -> answer.completeExceptionally(throttled
                        ? serviceError(400, "LimitExceededException", "Rate exceeded for ListShards")
                        : serviceError(500, "InternalFailure", "simulated ListShards failure")));
                trace.mix(0x1157, clock.nanoTime(), 0, 0);
                return;
            }
            List<Shard> open = openShards();
            List<ShardMap.Range> ranges = new ArrayList<>();
            List<ShardMap.Range> closed = new ArrayList<>();
            for (Shard s : shards.values()) {
                (s.open ? ranges : closed).add(new ShardMap.Range(s.id, s.start, s.end));
            }
            clock.after(back, () -> {
                producerMap = open;
                trace.mix(0x1158, clock.nanoTime(), open.size(), topologyVersion);
                // As ListShards: every shard, the closed ones too (their ranges still matter to readers).
                answer.complete(ShardMap.of(ranges, closed));
            });
        });
        return answer;
    }

    @Override
    public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
        long now = clock.nanoTime();
        int n = batch.entryCount();
        byte[][] data = new byte[n][];
        String[] keys = new String[n];
        String[] hashKeys = new String[n];
        BigInteger[] hashes = new BigInteger[n];
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            data[i] = batch.entryData(i);
            keys[i] = batch.entryPartitionKey(i);
            hashKeys[i] = batch.entryHashKey(i);
            hashes[i] = hashKey(keys[i], hashKeys[i]);
            sizes[i] = data[i].length + keys[i].getBytes(StandardCharsets.UTF_8).length;
        }
        requests++;
        entries += n;
        Send[] limited = checkSendWindows(now, hashes, sizes);
        long there = latency();
        long back = latency();
        long timeoutNanos = timeout.toNanos();
        boolean answerLost = there + back > timeoutNanos;
        boolean failsWhole = random.nextDouble() < settings.requestFailureRate();
        boolean neverAnswered = settings.sabotage() == Sabotage.NEVER_ANSWER && random.nextDouble() < 0.05;
        CompletableFuture<EntryResults> answer = new CompletableFuture<>();
        trace.mix(0x5e7d, now, n, sizes.length == 0 ? 0 : sizes[0] + 31L * there + back);
        boolean arrivesAfterTimeout = there > timeoutNanos;
        clock.after(there, () -> arrive(data, keys, hashKeys, hashes, sizes, limited, failsWhole, answerLost, arrivesAfterTimeout,
                neverAnswered, back, answer));
        if (answerLost && !neverAnswered) {
            requestsTimedOut++;
            clock.after(timeoutNanos, () -> {
                trace.mix(0x7173, clock.nanoTime(), n, 0);
                answer.completeExceptionally(ApiCallTimeoutException.create(timeout.toMillis()));
            });
        }
        return answer;
    }

    /**
     * Records the entries that the producer's limiter paced (sent while its map was current, to the
     * shard it predicted) in their shard's send window, and fails the run if a window goes over the
     * producer's ceiling.
     *
     * @return which entries were paced by the limiter
     */
    /** Tells the service how to see whether the producer has fallen back to batching without prediction. */
    void producerUnpredicted(java.util.function.BooleanSupplier unpredicted) {
        producerUnpredicted = unpredicted;
    }

    private Send[] checkSendWindows(long now, BigInteger[] hashes, int[] sizes) {
        Send[] limited = new Send[hashes.length];
        if (settings.limiterRecords() <= 0 || producerMap == null || producerUnpredicted.getAsBoolean()) {
            return limited;
        }
        double divisor = settings.sabotage() == Sabotage.CHECK_TENTH_OF_LIMIT ? 10 : 1;
        double maxRecords = settings.limiterRecords() / divisor;
        double maxBytes = settings.limiterBytes() / divisor;
        for (int i = 0; i < hashes.length; i++) {
            Shard actual = openShardFor(hashes[i]);
            Shard predicted = shardIn(producerMap, hashes[i]);
            if (predicted != actual) {
                continue;
            }
            limitedSendsChecked++;
            actual.slideSends(now);
            Send send = new Send(now, sizes[i]);
            send.shard = actual;
            limited[i] = send;
            actual.sends.addLast(send);
            actual.sendCount++;
            actual.sendBytes += sizes[i];
            if (actual.sendCount > maxRecords || (actual.sendBytes > maxBytes && actual.sendCount > 1)) {
                failures.add(Simulation.Invariant.SEND_WINDOW, "shard " + actual.id + " was sent " + actual.sendCount
                        + " records / " + actual.sendBytes + " bytes within one second (not counting those it throttled)"
                        + " by a producer whose limiter allows " + maxRecords + " records / " + maxBytes
                        + " bytes per second (at virtual " + now + " ns)");
            }
        }
        return limited;
    }

    private void arrive(byte[][] data, String[] keys, String[] hashKeys, BigInteger[] hashes, int[] sizes, Send[] limited,
                        boolean failsWhole, boolean answerLost, boolean arrivesAfterTimeout, boolean neverAnswered, long back,
                        CompletableFuture<EntryResults> answer) {
        long now = clock.nanoTime();
        int n = data.length;
        if (failsWhole) {
            requestsFailedWhole++;
            trace.mix(0x500, now, n, 0);
            if (!answerLost && !neverAnswered) {
                clock.after(back, () -> answer.completeExceptionally(serviceError(500, "InternalFailure",
                        "We encountered an internal error. Please try again.")));
            }
            return;
        }
        if (answerLost) {
            requestsTimedOutAfterWrite++;
            if (arrivesAfterTimeout) {
                requestsWrittenAfterTimeout++;
            }
        }
        String[] codes = new String[n];
        String[] messages = new String[n];
        String[] shardIds = new String[n];
        String[] ids = new String[n];
        boolean reorder = settings.sabotage() == Sabotage.REORDER && n > 1 && random.nextDouble() < 0.2;
        for (int k = 0; k < n; k++) {
            int i = reorder ? n - 1 - k : k;
            Shard s = openShardFor(hashes[i]);
            while (!s.arrivals.isEmpty() && s.arrivals.peekFirst()[0] <= now - SECOND) {
                s.arrivalBytes -= s.arrivals.pollFirst()[1];
            }
            double failDraw = random.nextDouble();
            double throttleDraw = random.nextDouble();
            boolean overLimit = s.arrivals.size() + 1 > settings.recordsPerSecond()
                    || (s.arrivalBytes + sizes[i] > settings.bytesPerSecond() && !s.arrivals.isEmpty());
            if (failDraw < settings.internalFailureRate()) {
                entriesFailedInternally++;
                codes[i] = "InternalFailure";
                messages[i] = "Internal service failure.";
            } else if (overLimit || throttleDraw < settings.throttleRate()) {
                entriesThrottledAtArrival++;
                if (limited[i] != null) {
                    limited[i].throttled();
                    if (overLimit && settings.limiterRecords() <= settings.recordsPerSecond()
                            && settings.limiterBytes() <= settings.bytesPerSecond()) {
                        limitedEntriesOverArrivalWindow++;
                    }
                }
                codes[i] = "ProvisionedThroughputExceededException";
                messages[i] = "Rate exceeded for shard " + s.id + " in stream " + STREAM + ".";
            } else {
                boolean sabotaged = k == 0 && random.nextDouble() < 0.1;
                // Under STORE_IN_THE_PAST, room below every sequence number for records stored in the past.
                nextSequence += settings.sabotage() == Sabotage.STORE_IN_THE_PAST ? PAST_ROOM : 1;
                long seq = nextSequence;
                boolean answeredFailed = false;
                if (sabotaged && settings.sabotage() == Sabotage.STORE_IN_THE_PAST) {
                    boolean failedAnswer = random.nextBoolean();
                    long past = storeInThePast(s, keys[i], hashKeys[i], data[i], now, failedAnswer || answerLost);
                    if (past >= 0) {
                        seq = past;
                        answeredFailed = failedAnswer;
                    } else {
                        s.stored.add(new Stored(seq, keys[i], hashKeys[i], data[i], now, answerLost));
                    }
                } else if (!(sabotaged && settings.sabotage() == Sabotage.ACK_WITHOUT_STORING)) {
                    s.stored.add(new Stored(seq, keys[i], hashKeys[i], data[i], now, answerLost));
                }
                s.arrivals.addLast(new long[] {now, sizes[i]});
                s.arrivalBytes += sizes[i];
                if (answeredFailed || (sabotaged && settings.sabotage() == Sabotage.STORE_BUT_FAIL)) {
                    codes[i] = "InternalFailure";
                    messages[i] = "Internal service failure.";
                } else {
                    shardIds[i] = s.id;
                    ids[i] = Stored.sequenceNumber(seq);
                }
            }
            trace.mix(0xa771, now, i, codes[i] == null ? s.id.hashCode() : codes[i].hashCode());
        }
        if (answerLost || neverAnswered) {
            return;
        }
        EntryResults results = new Results(codes, messages, shardIds, ids);
        clock.after(back, () -> {
            trace.mix(0xa45, clock.nanoTime(), n, 0);
            answer.complete(results);
        });
    }

    private static final int PAST_ROOM = 16;

    /**
     * {@link Sabotage#STORE_IN_THE_PAST}: stores the entry just before the last record of the shard
     * with the same partition key and explicit hash key, under a sequence number between that
     * record's and the one before it.
     *
     * @return the sequence number it was stored under, or -1 if there was no such record (or no room)
     */
    private static long storeInThePast(Shard s, String key, String hashKey, byte[] data, long now, boolean excused) {
        for (int at = s.stored.size() - 1; at >= 0; at--) {
            Stored later = s.stored.get(at);
            if (later.partitionKey().equals(key) && java.util.Objects.equals(later.explicitHashKey(), hashKey)) {
                long below = at == 0 ? 0 : s.stored.get(at - 1).sequence();
                long sequence = later.sequence() - 1;
                if (sequence <= below) {
                    return -1;
                }
                // A copy the producer is told failed is excused from the no-resend check, as a lost answer's is.
                s.stored.add(at, new Stored(sequence, key, hashKey, data, now, excused));
                return sequence;
            }
        }
        return -1;
    }

    /** A one-way latency: log-normal around the median, with a tail. */
    private long latency() {
        double factor = Math.exp(settings.latencySigma() * random.nextGaussian());
        if (random.nextDouble() < settings.tailRate()) {
            factor *= 10 + random.nextInt(31);
        }
        return Math.max(100_000L, (long) (settings.latencyMedianNanos() * factor));
    }

    private static KinesisException serviceError(int status, String code, String message) {
        return (KinesisException) KinesisException.builder()
                .statusCode(status)
                .message(message)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).serviceName("Kinesis").build())
                .build();
    }

    @Override
    public void close() {
    }

    /** Per-entry answers, in request order. */
    private record Results(String[] codes, String[] messages, String[] shardIds, String[] ids) implements EntryResults {
        @Override
        public int size() {
            return codes.length;
        }

        @Override
        public String errorCode(int i) {
            return codes[i];
        }

        @Override
        public String errorMessage(int i) {
            return messages[i];
        }

        @Override
        public String shardId(int i) {
            return shardIds[i];
        }

        @Override
        public String id(int i) {
            return ids[i];
        }
    }
}
