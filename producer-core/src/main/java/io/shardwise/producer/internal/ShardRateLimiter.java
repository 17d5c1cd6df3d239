package io.shardwise.producer.internal;

/**
 * Paces the writes to one shard: two token buckets (records per second and bytes per second) whose
 * rate adapts AIMD-style. A throttled entry cuts the rate to just below what the service admitted
 * from this producer in the last second (multiplicatively when it admitted nothing; at most once per
 * {@link #DECREASE_SPACING_NANOS}, so one throttled request does not collapse it), and time spent
 * sending without throttling raises it additively back toward the ceiling, slowly above the share. Several producers
 * sharing a stream thus settle near their fair share instead of storming it, and a hot shard slows
 * only itself.
 *
 * <p>Buckets hold {@link #BURST_SECONDS} of the ceiling (more with a long round trip, see
 * {@code burstSeconds}): a quiet shard can send a batch at once. A
 * token bucket alone cannot keep every one-second window under the ceiling, though (a full bucket
 * plus a second of refill is 1.2 seconds' worth, and the service counts per second), so beside the
 * buckets the limiter keeps a window of what the service may have counted in the last second and
 * never lets it exceed {@code 1 - }{@link #WINDOW_HEADROOM} of the ceiling. An entry is in the
 * window from the moment it is sent until a second after the service counted it
 * ({@link #WINDOW_SLOTS} slots of {@link #SLOT_NANOS}); that moment lies between the send and the
 * answer, and the answered entry is dated back from its answer by {@link #MAX_BACKDATE_NANOS}, more
 * with every second of answers without throttling ({@link #BACKDATE_GROWTH_PER_SECOND}), up to the
 * fastest round trip seen. Every entry sent in the last second is thus in the window: no second of
 * this producer's sends exceeds the ceiling. Throttled entries leave the window with their response (the
 * service did not count them). A record larger than a full bucket (or than the window's limit) is
 * let through when the bucket is full and the window empty (the bucket goes negative and pays it
 * back). Confined to the sender thread: no atomics, no allocation.
 *
 * <p>Long because the buckets, the window and the adaptation act on one shard's pace together and
 * share its clock; each constant carries the measurement that chose it.
 */
final class ShardRateLimiter {
    /** Throttling that goes on (a cut within {@link #QUIET_NANOS} of the last) cuts the rate to this fraction. */
    static final double DECREASE_FACTOR = 0.7;
    /**
     * The first cut after a quiet spell is gentler: a lone throttled request at the ceiling is mostly
     * arrival jitter, not a competing producer, and a deep cut for it would cost seconds of capacity.
     */
    static final double FIRST_DECREASE_FACTOR = 0.9;
    /** Without a cut for this long, the next one counts as the first. */
    static final long QUIET_NANOS = 3_000_000_000L;
    /** The buckets hold this many seconds of the ceiling: enough to batch, too little to overrun the service's one-second window. */
    static final double BURST_SECONDS = 0.2;
    /** The rate never drops below this fraction of the ceiling. */
    static final double MIN_FRACTION = 0.05;
    /** Each second without throttling adds this fraction of the ceiling back. */
    static final double INCREASE_PER_SECOND = 0.1;
    /**
     * After a cut to the admitted share (the shard is shared: other producers took the rest), above
     * that share and within {@link #PROBE_NANOS} of the cut, each second without throttling adds only
     * this much: probing past the share slowly keeps each overshoot, and the entries it gets
     * throttled, small. Simulated (two / four producers, {@code ShardRateLimiterStreamTest}), with a
     * cut to 95 % of the share: 1 %/s 2.3 % / 3.8 % of entries throttled with 93 % / 95 % used,
     * 0.5 %/s 1.1 % / 1.8 % but shares of 42/58 and one of four at 15 %.
     */
    static final double PROBE_INCREASE_PER_SECOND = 0.01;
    /** How long after a cut the slow probing lasts. */
    static final long PROBE_NANOS = 30_000_000_000L;
    /**
     * A throttle cuts to this share of what the service admitted from this producer in the last
     * second (or of the rate, if less). Simulated with a 1 %/s probe: 0.92 gave two / four producers
     * 1.7 % / 2.6 % of entries throttled and 92.8 % / 94.4 % used, 0.95 2.3 % / 3.8 % and 93.2 % / 94.7 %
     * (0.97 and a 0.9 / 0.7 cut whenever that was deeper: 6 % / 11 %, 91 % / 94.5 %).
     */
    static final double ADMITTED_SHARE = 0.95;
    /**
     * Throttles within this long of a decrease count as the same congestion event: the service
     * measures shard throughput per second, so throttling goes on for up to a second after a cut.
     */
    static final long DECREASE_SPACING_NANOS = 1_000_000_000L;
    /** Length of one slot of the sliding window. */
    static final long SLOT_NANOS = 10_000_000L;
    /** Slots in the sliding window: the current one and a full second before it. */
    static final int WINDOW_SLOTS = 101;
    /** The window keeps this fraction of the ceiling unused (clock and accounting differences at the service). */
    static final double WINDOW_HEADROOM = 0.01;

    private final double maxRecordsPerSecond;
    private final double maxBytesPerSecond;
    private double fraction = 1.0;
    private double recordTokens;
    private double byteTokens;
    private long lastRefillNanos;
    private long lastDecreaseNanos;
    private long lastIncreaseNanos;
    /** The rate the last cut settled on, and whether it was set by the admitted share (the shard is shared). */
    private double settledFraction = 1.0;
    private boolean sharedCut;
    private final double windowRecordLimit;
    private final double windowByteLimit;
    private final int[] slotRecords = new int[WINDOW_SLOTS];
    private final long[] slotBytes = new long[WINDOW_SLOTS];
    /** The current slot's number ({@code now / SLOT_NANOS}); {@link Long#MIN_VALUE} before the first send. */
    private long slot = Long.MIN_VALUE;
    private long windowRecords;
    private long windowBytes;
    /** The fastest round trip seen: the least time between the service counting an entry and its answer arriving. */
    private long minRoundTripNanos = Long.MAX_VALUE;
    /**
     * Entries are dated back by this much at first (half of the window's headroom), and after a
     * throttled entry; more only after answers without throttling (see
     * {@link #BACKDATE_GROWTH_PER_SECOND}). The fastest round
     * trip seen is only a bound on the answer's way back once a fast one has been seen; while requests
     * queue (a saturated start, a busy client) every round trip is long and the shortest of them says
     * nothing about when the service counted the entries. Dating back by 200 ms then let shards
     * overrun the service's window (0.02-0.1 % of entries throttled with 10 KB records on 256
     * shards); capped here, a wrong estimate costs at most what the headroom holds back.
     */
    static final long MAX_BACKDATE_NANOS = 5_000_000L;
    /**
     * Beyond {@link #MAX_BACKDATE_NANOS}, the back-dating grows by this much per second without a
     * throttled entry, up to the fastest round trip seen; a throttled entry sets it back. With a
     * long round trip (a far region: 100-300 ms), an entry held in the window from its send until a
     * second after its answer blocks {@code 1 + RTT} seconds of the window, and a shard could use only
     * {@code 1 / (1 + RTT)} of its limit (60 % measured at 300 ms); the service counted it when it
     * arrived, which the fastest round trip bounds once no queueing distorts it, and the absence of
     * throttling says so.
     */
    static final double BACKDATE_GROWTH_PER_SECOND = 0.1;
    /** When an entry was last throttled (or the first answer came): the back-dating grows from then. */
    private long lastThrottledNanos;
    private boolean answered;
    /** Sent and not yet answered: in the window until their response (and a second after it). */
    private long inFlightRecords;
    private long inFlightBytes;

    ShardRateLimiter(double maxRecordsPerSecond, double maxBytesPerSecond, long nowNanos) {
        this.maxRecordsPerSecond = maxRecordsPerSecond;
        this.maxBytesPerSecond = maxBytesPerSecond;
        this.windowRecordLimit = Math.max(1.0, Math.floor(maxRecordsPerSecond * (1 - WINDOW_HEADROOM)));
        this.windowByteLimit = maxBytesPerSecond * (1 - WINDOW_HEADROOM);
        this.recordTokens = maxRecordsPerSecond * BURST_SECONDS;
        this.byteTokens = maxBytesPerSecond * BURST_SECONDS;
        this.lastRefillNanos = nowNanos;
        this.lastDecreaseNanos = nowNanos - QUIET_NANOS;
        this.lastIncreaseNanos = nowNanos;
    }

    private void refill(long now) {
        long elapsed = now - lastRefillNanos;
        if (elapsed <= 0) {
            return;
        }
        lastRefillNanos = now;
        double seconds = elapsed / 1e9;
        recordTokens = Math.min(recordCapacity(), recordTokens + seconds * maxRecordsPerSecond * fraction);
        byteTokens = Math.min(byteCapacity(), byteTokens + seconds * maxBytesPerSecond * fraction);
    }

    /** Moves the window to {@code now}: slots older than a second are forgotten. */
    private void slide(long now) {
        long current = Math.floorDiv(now, SLOT_NANOS);
        if (slot == Long.MIN_VALUE || current - slot >= WINDOW_SLOTS) {
            java.util.Arrays.fill(slotRecords, 0);
            java.util.Arrays.fill(slotBytes, 0);
            windowRecords = 0;
            windowBytes = 0;
            slot = current;
            return;
        }
        while (slot < current) {
            slot++;
            int i = (int) Math.floorMod(slot, (long) WINDOW_SLOTS);
            windowRecords -= slotRecords[i];
            windowBytes -= slotBytes[i];
            slotRecords[i] = 0;
            slotBytes[i] = 0;
        }
    }

    /** @return the bytes the window can take now; unbounded when it is empty */
    private double windowByteRoom() {
        long held = windowBytes + inFlightBytes;
        return held == 0 ? Double.MAX_VALUE : Math.max(0, windowByteLimit - held);
    }

    private double windowRecordRoom() {
        return Math.max(0, windowRecordLimit - windowRecords - inFlightRecords);
    }

    /**
     * @return when the window will have forgotten {@code excessRecords} records and {@code excessBytes}
     *     bytes of its oldest sends (all of them, when it holds fewer)
     */
    private long windowFreesAt(double excessRecords, double excessBytes, long now) {
        if (excessRecords <= 0 && excessBytes <= 0) {
            return now;
        }
        if (excessRecords > windowRecords || excessBytes > windowBytes) {
            // Held by entries in flight: their response wakes the sender; look again shortly anyway.
            return Math.max(now + IN_FLIGHT_RECHECK_NANOS, (slot + WINDOW_SLOTS) * SLOT_NANOS);
        }
        long freedRecords = 0;
        long freedBytes = 0;
        for (long s = slot - WINDOW_SLOTS + 1; s <= slot; s++) {
            int i = (int) Math.floorMod(s, (long) WINDOW_SLOTS);
            freedRecords += slotRecords[i];
            freedBytes += slotBytes[i];
            boolean enough = (freedRecords >= excessRecords || freedRecords == windowRecords)
                    && (freedBytes >= excessBytes || freedBytes == windowBytes);
            if (enough) {
                return Math.max(now, (s + WINDOW_SLOTS) * SLOT_NANOS);
            }
        }
        return Math.max(now, (slot + WINDOW_SLOTS) * SLOT_NANOS);
    }

    /** How soon a shard whose window is held by entries in flight is looked at again. */
    static final long IN_FLIGHT_RECHECK_NANOS = 10_000_000L;

    /**
     * Seconds of the ceiling the buckets hold: {@link #BURST_SECONDS}, or, with a long round trip,
     * enough for one round trip and a half (with preserved shard order a shard sends one request per
     * round trip, so a 0.2 s bucket would cap it at {@code 0.2 / RTT} of its limit: 66 % at 300 ms).
     * The one-second window still caps what any second sees.
     */
    private double burstSeconds() {
        if (minRoundTripNanos == Long.MAX_VALUE) {
            return BURST_SECONDS;
        }
        return Math.min(MAX_BURST_SECONDS, Math.max(BURST_SECONDS, 1.5 * minRoundTripNanos / 1e9));
    }

    /** The most the buckets hold, whatever the round trip. */
    static final double MAX_BURST_SECONDS = 0.9;

    private double recordCapacity() {
        return Math.max(1.0, maxRecordsPerSecond * burstSeconds());
    }

    private double byteCapacity() {
        return maxBytesPerSecond * burstSeconds();
    }

    /**
     * @return the bytes one Kinesis record may take now: what the byte bucket holds, unbounded when
     *     it is full (a record larger than the bucket passes a full bucket), 0 without a record token
     */
    long bytesAvailable(long now) {
        refill(now);
        slide(now);
        if (recordTokens < 1.0 || windowRecordRoom() < 1.0) {
            return 0;
        }
        double bucket = byteTokens >= byteCapacity() ? Double.MAX_VALUE : Math.max(0, byteTokens);
        double available = Math.min(bucket, windowByteRoom());
        return available >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) available;
    }

    /** @return whether the byte bucket and the window can ever hold {@code bytes} at once (else waiting for that much never ends) */
    boolean canHold(long bytes) {
        return byteCapacity() >= bytes && windowByteLimit >= bytes;
    }

    /** Takes one record of {@code bytes} if the buckets allow it now. */
    boolean tryAcquire(int bytes, long now) {
        refill(now);
        slide(now);
        if (recordTokens < 1.0 || (byteTokens < bytes && byteTokens < byteCapacity())
                || windowRecordRoom() < 1.0 || windowByteRoom() < bytes) {
            return false;
        }
        recordTokens -= 1.0;
        byteTokens -= bytes;
        inFlightRecords++;
        inFlightBytes += bytes;
        return true;
    }

    /**
     * The response for entries taken with {@link #tryAcquire} arrived: they leave the in-flight part
     * of the window, and those the service may have counted stay in it for another second.
     *
     * @param entries entries of this shard in the request
     * @param bytes their bytes, as charged
     * @param countedEntries those the service may have counted (all but the throttled ones)
     * @param countedBytes their bytes
     * @param sentNanos when the request was sent
     */
    void onAnswered(int entries, long bytes, int countedEntries, long countedBytes, long sentNanos, long now) {
        slide(now);
        inFlightRecords = Math.max(0, inFlightRecords - entries);
        inFlightBytes = Math.max(0, inFlightBytes - bytes);
        // The service counted the entries at least the fastest round trip's worth before the answer
        // came back (the request had to travel there, the answer back): dated that much earlier.
        minRoundTripNanos = Math.min(minRoundTripNanos, Math.max(0, now - sentNanos));
        if (!answered) {
            answered = true;
            lastThrottledNanos = now; // a stretch without throttling is measured in answers, not from the start
        }
        long counted = now - Math.min(minRoundTripNanos, backdateNanos(now));
        int i = (int) Math.floorMod(Math.floorDiv(counted, SLOT_NANOS), (long) WINDOW_SLOTS);
        slotRecords[i] += countedEntries;
        slotBytes[i] += countedBytes;
        windowRecords += countedEntries;
        windowBytes += countedBytes;
    }

    /** @return how far before its answer an answered entry is dated now */
    private long backdateNanos(long now) {
        long quiet = Math.max(0, now - lastThrottledNanos);
        return MAX_BACKDATE_NANOS + (long) (quiet * BACKDATE_GROWTH_PER_SECOND);
    }

    /**
     * @param aggregated whether the records travel aggregated (many user records per Kinesis record:
     *     then only the byte bucket and one record token count)
     * @return how many user records of {@code avgBytes} the token buckets can pay for now (at least
     *     one when the byte bucket is full); the window is not asked
     */
    int bucketAffordable(double avgBytes, long now, boolean aggregated) {
        refill(now);
        double avg = Math.max(1.0, avgBytes);
        double byBytes = byteTokens >= byteCapacity() ? Math.max(1, byteTokens / avg) : byteTokens / avg;
        if (aggregated) {
            return recordTokens >= 1.0 ? (int) Math.max(0, byBytes) : 0;
        }
        return (int) Math.max(0, Math.min(recordTokens, byBytes));
    }

    /**
     * @return how many user records of {@code avgBytes} the one-second window has room for now (at
     *     least one when it is empty); the buckets are not asked
     */
    int windowAffordable(double avgBytes, long now, boolean aggregated) {
        slide(now);
        double avg = Math.max(1.0, avgBytes);
        double byBytes = windowBytes + inFlightBytes == 0 ? Math.max(1, windowByteLimit / avg) : windowByteRoom() / avg;
        if (aggregated) {
            return windowRecordRoom() >= 1.0 ? (int) Math.max(0, byBytes) : 0;
        }
        return (int) Math.max(0, Math.min(windowRecordRoom(), byBytes));
    }

    /**
     * @param bucketRecords user records the buckets must be able to pay for
     * @param roomRecords user records the window must have room for
     * @return when both hold ({@code now} if they do now)
     */
    long availableAt(int bucketRecords, int roomRecords, double avgBytes, long now, boolean aggregated) {
        refill(now);
        double needRecords = Math.max(0, (aggregated ? 1 : bucketRecords) - recordTokens);
        double needBytes = Math.max(0, Math.min(bucketRecords * avgBytes, byteCapacity()) - byteTokens);
        needRecords = Math.min(needRecords, Math.max(0, recordCapacity() - recordTokens));
        double seconds = Math.max(needRecords / (maxRecordsPerSecond * fraction), needBytes / (maxBytesPerSecond * fraction));
        long bucketAt = seconds <= 0 ? now : now + Math.max(1_000_000L, (long) Math.ceil(seconds * 1e9));
        slide(now);
        double windowNeedsRecords = windowRecords + inFlightRecords + (aggregated ? 1 : roomRecords) - windowRecordLimit;
        double windowNeedsBytes = windowBytes + inFlightBytes + Math.min(roomRecords * avgBytes, windowByteLimit) - windowByteLimit;
        return Math.max(bucketAt, windowFreesAt(windowNeedsRecords, windowNeedsBytes, now));
    }

    /** Feedback from a response: {@code throttled} entries of this shard were throttled. */
    void onResult(int succeeded, int throttled, long now) {
        if (throttled > 0) {
            lastThrottledNanos = now;
            if (now - lastDecreaseNanos >= DECREASE_SPACING_NANOS) {
                refill(now);
                double factor = now - lastDecreaseNanos >= QUIET_NANOS ? FIRST_DECREASE_FACTOR : DECREASE_FACTOR;
                double cut = fraction * factor;
                // Several producers may share the shard: what the service took from this one in the last
                // second is its share now; go a little below it at once (the others grow too), rather
                // than by repeated multiplicative cuts, and probe above it slowly. Only without any
                // admitted entry (nothing counted in the last second) the multiplicative cut applies.
                double admitted = admittedFraction(now);
                sharedCut = admitted > 0;
                if (sharedCut) {
                    cut = Math.min(fraction, admitted) * ADMITTED_SHARE;
                }
                fraction = Math.max(MIN_FRACTION, cut);
                settledFraction = fraction;
                // Drop banked tokens too, so the cut takes effect at once.
                recordTokens = Math.min(recordTokens, maxRecordsPerSecond * fraction * 0.05);
                byteTokens = Math.min(byteTokens, maxBytesPerSecond * fraction * 0.05);
                lastDecreaseNanos = now;
            }
            lastIncreaseNanos = now;
        } else if (succeeded > 0 && fraction < 1.0) {
            refill(now);
            double seconds = (now - lastIncreaseNanos) / 1e9;
            boolean probing = sharedCut && fraction >= settledFraction && now - lastDecreaseNanos < PROBE_NANOS;
            fraction = Math.min(1.0, fraction + (probing ? PROBE_INCREASE_PER_SECOND : INCREASE_PER_SECOND) * seconds);
            lastIncreaseNanos = now;
        } else {
            lastIncreaseNanos = now;
        }
    }

    /** @return what the service counted from this producer in the last second, as a fraction of the ceiling (the binding dimension) */
    private double admittedFraction(long now) {
        slide(now);
        return Math.max(windowRecords / maxRecordsPerSecond, windowBytes / maxBytesPerSecond);
    }

    /** @return the current rate as a fraction of the ceiling, 0.05 .. 1 */
    double fraction() {
        return fraction;
    }

    /** @return the current records-per-second rate */
    double recordsPerSecond() {
        return maxRecordsPerSecond * fraction;
    }

    /** @return the current bytes-per-second rate */
    double bytesPerSecond() {
        return maxBytesPerSecond * fraction;
    }
}
