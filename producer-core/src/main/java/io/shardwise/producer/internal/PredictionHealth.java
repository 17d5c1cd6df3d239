package io.shardwise.producer.internal;

/**
 * Watches whether one stream's shard prediction works. Once records miss, the maps installed
 * afterwards are on probation: if, after {@link #MISS_STREAK_LIMIT} such maps, 5 % or more of at
 * least {@value #MIN_JUDGED} records predicted with them still land elsewhere, the service
 * distributes records itself and prediction should stop for {@link #RECHECK_NANOS}. After a reshard
 * only the old map misses, so the new maps predict well and {@value #MIN_JUDGED_GOOD} records
 * predicted with under 1 % misses clear the probation.
 *
 * <p>Confined to the sender thread; decides, the sender acts.
 */
final class PredictionHealth {
    /** Maps refreshed because of misses before prediction may be switched off for a stream. */
    static final int MISS_STREAK_LIMIT = 3;
    /** Records predicted with fresh maps before prediction can be judged broken. */
    static final int MIN_JUDGED = 100;
    /** Well-predicted records with fresh maps that clear the suspicion. */
    static final int MIN_JUDGED_GOOD = 1000;
    /** How long a stream batches without prediction before trying again. */
    static final long RECHECK_NANOS = 5L * 60 * 1_000_000_000L;

    /** What {@link #judge} concluded. */
    enum Verdict { UNDECIDED, BROKEN }

    /** The generation of the map that first missed; -1 while prediction is healthy. */
    private int firstMissGeneration = -1;
    private int refreshesSinceMiss;
    private long suspectPredicted;
    private long suspectMisses;
    private boolean off;
    private long recheckAtNanos;

    /** A new map was installed (a refresh after misses counts towards the probation). */
    void onMapInstalled() {
        if (firstMissGeneration >= 0) {
            refreshesSinceMiss++;
        }
    }

    /**
     * Weighs a request's answer.
     *
     * @param generation the map generation its records were predicted with
     * @param predicted records sent with a predicted shard
     * @param misses acknowledged records that landed elsewhere
     * @param now the engine's clock
     * @return {@link Verdict#BROKEN} when prediction must stop now (it is then off until {@link #recheckDue})
     */
    Verdict judge(int generation, int predicted, int misses, long now) {
        if (off) {
            return Verdict.UNDECIDED;
        }
        if (firstMissGeneration < 0) {
            if (misses > 0) {
                firstMissGeneration = generation;
            }
            return Verdict.UNDECIDED;
        }
        if (generation <= firstMissGeneration) {
            return Verdict.UNDECIDED; // predicted with the map that first missed, or an older one
        }
        suspectPredicted += predicted;
        suspectMisses += misses;
        if (refreshesSinceMiss >= MISS_STREAK_LIMIT && suspectPredicted >= MIN_JUDGED && suspectMisses * 20 >= suspectPredicted) {
            off = true;
            recheckAtNanos = now + RECHECK_NANOS;
            return Verdict.BROKEN;
        }
        if (suspectPredicted >= MIN_JUDGED_GOOD && suspectMisses * 100 < suspectPredicted) {
            reset();
        }
        return Verdict.UNDECIDED;
    }

    /** @return whether prediction is off */
    boolean isOff() {
        return off;
    }

    /** @return whether prediction is off and due to be tried again */
    boolean recheckDue(long now) {
        return off && recheckAtNanos - now <= 0;
    }

    /** Prediction is tried again: past misses are forgotten. */
    void retry() {
        off = false;
        reset();
    }

    /** @return the percentage of records that still missed, for the log line of a {@link Verdict#BROKEN} verdict */
    long missPercent() {
        return suspectPredicted == 0 ? 0 : suspectMisses * 100 / suspectPredicted;
    }

    /** @return maps installed since misses began */
    int refreshesSinceMiss() {
        return refreshesSinceMiss;
    }

    private void reset() {
        firstMissGeneration = -1;
        refreshesSinceMiss = 0;
        suspectPredicted = 0;
        suspectMisses = 0;
    }
}
