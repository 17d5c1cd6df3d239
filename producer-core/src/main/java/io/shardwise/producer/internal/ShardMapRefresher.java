package io.shardwise.producer.internal;

/**
 * When one stream's shard map is (re)loaded: a first load when records wait for a map, a refresh
 * when asked for (prediction misses, aggregates on unexpected shards, prediction tried again), never
 * two at once, at most one per minimum interval, with back-off after failures. Also whether the
 * stream's own limits (DescribeStreamSummary) still have to be read with the next load.
 *
 * <p>Confined to the sender thread; decides, the sender calls the destination.
 */
final class ShardMapRefresher {
    private final long minIntervalNanos;
    private boolean loading;
    private boolean refreshWanted;
    private long nextLoadAtNanos;
    private int failures;
    /** Whether the stream's own limits were asked for, and whether reading them failed before. */
    private boolean limitsRequested;
    private boolean limitsWarned;

    /** @param minIntervalNanos least time between two loads */
    ShardMapRefresher(long minIntervalNanos) {
        this.minIntervalNanos = minIntervalNanos;
    }

    /** Asks for a refresh with the next load that is allowed. */
    void requestRefresh() {
        refreshWanted = true;
    }

    /**
     * @param awaitingMap whether records wait for a first map
     * @return whether a load is wanted (due now or later: see {@link #nextLoadAtNanos})
     */
    boolean wantsLoad(boolean awaitingMap) {
        return !loading && (awaitingMap || refreshWanted);
    }

    /** @return the earliest time the next load may start */
    long nextLoadAtNanos() {
        return nextLoadAtNanos;
    }

    /**
     * A load starts now.
     *
     * @return whether it must read the stream's own limits too (the first time, and after reading them failed)
     */
    boolean startLoad(long now) {
        loading = true;
        refreshWanted = false;
        nextLoadAtNanos = now + minIntervalNanos;
        boolean readLimits = !limitsRequested;
        limitsRequested = true;
        return readLimits;
    }

    /** The load succeeded. */
    void loaded() {
        loading = false;
        failures = 0;
    }

    /**
     * The load failed with a retryable error: another is wanted after a back-off.
     *
     * @param backoffNanos the back-off for this many failures in a row (see {@link #failures()})
     */
    void failed(long now, java.util.function.IntToLongFunction backoffNanos) {
        loading = false;
        failures++;
        nextLoadAtNanos = now + Math.max(minIntervalNanos / 4, backoffNanos.applyAsLong(failures));
        refreshWanted = true;
    }

    /** The load failed for good (stream missing, access denied): nothing is retried until asked again. */
    void gaveUp() {
        loading = false;
    }

    /** @return failed loads in a row */
    int failures() {
        return failures;
    }

    /**
     * Reading the stream's limits failed: they are asked for again with the next load.
     *
     * @return whether this is the first such failure (to be logged)
     */
    boolean limitsUnreadable() {
        limitsRequested = false;
        if (limitsWarned) {
            return false;
        }
        limitsWarned = true;
        return true;
    }
}
