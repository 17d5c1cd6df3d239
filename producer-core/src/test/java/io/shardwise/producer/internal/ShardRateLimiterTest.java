package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The per-shard token buckets, the one-second window and the AIMD adaptation, stepped with an explicit clock. */
class ShardRateLimiterTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long MILLI = 1_000_000L;
    private static final long T0 = -5 * SECOND; // nanoTime may be negative

    @Test
    void aFreshLimiterAllowsItsBurstThenPacesAtTheRate() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        int taken = 0;
        while (l.tryAcquire(10, T0)) {
            taken++;
        }
        assertThat(taken).isEqualTo((int) (1000 * ShardRateLimiter.BURST_SECONDS));
        assertThat(l.tryAcquire(10, T0 + SECOND / 1000 - 1)).isFalse();
        assertThat(l.tryAcquire(10, T0 + SECOND / 1000 + 1)).isTrue();
        long at = l.availableAt(100, 100, 10, T0 + SECOND / 1000 + 1, false);
        assertThat(at - T0).isBetween(SECOND / 10, SECOND / 10 + 2 * SECOND / 1000);
    }

    @Test
    void theByteBucketLimitsLargeRecords() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        int taken = 0;
        while (l.tryAcquire(100 * 1024, T0)) {
            taken++;
        }
        int burst = (int) (1024 * 1024 * ShardRateLimiter.BURST_SECONDS / (100 * 1024));
        assertThat(taken).isEqualTo(burst);
        l.onAnswered(taken, (long) taken * 100 * 1024, taken, (long) taken * 100 * 1024, T0 + SECOND / 100, T0 + SECOND / 100);
        assertThat(l.bucketAffordable(100 * 1024, T0, false)).isZero();
        assertThat(l.bucketAffordable(100 * 1024, T0 + SECOND / 2, false)).as("refilled up to the burst, no further").isEqualTo(burst);
        assertThat(l.bytesAvailable(T0 + SECOND / 2)).as("the window's room: the ceiling less headroom less what it holds")
                .isEqualTo((long) (1024 * 1024 * (1 - ShardRateLimiter.WINDOW_HEADROOM)) - burst * 100 * 1024);
        assertThat(l.bytesAvailable(T0 + 2 * SECOND)).as("a full bucket and an empty window let any one record through")
                .isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void whatTheServiceCountsInAnyOneSecondStaysUnderTheCeilingWhateverTheDelaysAndTheRestIsUsed() {
        // Each send reaches the service after a random delay of 0..150 ms and is answered 0..50 ms
        // later; a token bucket alone would let 1.2 s worth into one second, send-time accounting
        // would let late arrivals bunch up.
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        java.util.SplittableRandom random = new java.util.SplittableRandom(42);
        int size = 50 * 1024;
        java.util.List<Long> arrivals = new java.util.ArrayList<>();
        java.util.PriorityQueue<long[]> answers = new java.util.PriorityQueue<>(java.util.Comparator.comparingLong((long[] a) -> a[0]));
        long t = T0;
        long end = T0 + 20 * SECOND;
        while (t < end) {
            while (!answers.isEmpty() && answers.peek()[0] <= t) {
                long[] a = answers.poll();
                l.onAnswered(1, size, 1, size, a[1], a[0]);
            }
            if (l.tryAcquire(size, t)) {
                // at least 5 ms there and 5 ms back, up to 150 ms more on the way there and 50 ms back
                long arrival = t + 5_000_000L + random.nextLong(150_000_000L);
                arrivals.add(arrival);
                answers.add(new long[] {arrival + 5_000_000L + random.nextLong(50_000_000L), t});
                continue;
            }
            long next = l.availableAt(1, 1, size, t, true);
            assertThat(next).as("availableAt must not promise what tryAcquire refuses").isGreaterThan(t);
            t = answers.isEmpty() ? next : Math.min(next, answers.peek()[0]);
        }
        java.util.Collections.sort(arrivals);
        long most = 0;
        int from = 0;
        for (int i = 0; i < arrivals.size(); i++) {   // every one-second window of the service ending at arrival i
            while (arrivals.get(i) - arrivals.get(from) >= SECOND) {
                from++;
            }
            most = Math.max(most, (long) (i - from + 1) * size);
        }
        double limit = 1024 * 1024 * (1 - ShardRateLimiter.WINDOW_HEADROOM);
        assertThat((double) most).as("bytes the service counted in its busiest second").isLessThanOrEqualTo(limit);
        // What the delays cost: each entry holds its room from sending until a second after its answer.
        assertThat((double) arrivals.size() * size).as("bytes over 20 s").isGreaterThanOrEqualTo(20 * limit * 0.85);
    }

    @Test
    void throttledEntriesLeaveTheWindowWithTheirAnswer() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        assertThat(l.tryAcquire(100 * 1024, T0)).isTrue();
        long roomWhileInFlight = l.bytesAvailable(T0);
        l.onAnswered(1, 100 * 1024, 0, 0, T0 + SECOND / 100, T0 + SECOND / 100);
        assertThat(l.bytesAvailable(T0 + SECOND / 100)).as("the throttled entry's bytes are free again")
                .isGreaterThan(roomWhileInFlight);
        assertThat(l.tryAcquire(100 * 1024, T0 + SECOND / 100)).isTrue();
        l.onAnswered(1, 100 * 1024, 1, 100 * 1024, T0 + SECOND / 50, T0 + SECOND / 50);
        long held = l.bytesAvailable(T0 + SECOND / 2);
        assertThat(held).as("a counted entry holds its room for a second after its answer")
                .isEqualTo((long) (1024 * 1024 * (1 - ShardRateLimiter.WINDOW_HEADROOM)) - 100 * 1024);
        assertThat(l.bytesAvailable(T0 + SECOND / 50 + SECOND + ShardRateLimiter.SLOT_NANOS)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void aRecordLargerThanTheBucketPassesWhenTheBucketIsFull() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        assertThat(l.tryAcquire(2 * 1024 * 1024, T0)).isTrue();
        assertThat(l.tryAcquire(1, T0)).isFalse();
    }

    @Test
    void throttlingCutsTheRateOncePerCongestionEventGentlyAtFirstAndSuccessRaisesItBack() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        double d = ShardRateLimiter.DECREASE_FACTOR;
        double first = ShardRateLimiter.FIRST_DECREASE_FACTOR;
        l.onResult(10, 5, T0);
        assertThat(l.fraction()).as("the first cut after a quiet spell is gentle").isEqualTo(first);
        l.onResult(0, 5, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS / 2); // same congestion event
        assertThat(l.fraction()).isEqualTo(first);
        l.onResult(0, 5, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS);
        assertThat(l.fraction()).as("throttling that goes on cuts deep").isCloseTo(first * d, org.assertj.core.data.Offset.offset(1e-12));
        for (int i = 0; i < 60; i++) {
            l.onResult(0, 1, T0 + (i + 2) * ShardRateLimiter.DECREASE_SPACING_NANOS);
        }
        assertThat(l.fraction()).isEqualTo(ShardRateLimiter.MIN_FRACTION);
        long t = T0 + 61 * ShardRateLimiter.DECREASE_SPACING_NANOS; // the last throttle
        l.onResult(100, 0, t + SECOND);
        assertThat(l.fraction()).isCloseTo(ShardRateLimiter.MIN_FRACTION + ShardRateLimiter.INCREASE_PER_SECOND, org.assertj.core.data.Offset.offset(1e-9));
        l.onResult(100, 0, t + 10 * SECOND);
        assertThat(l.fraction()).isEqualTo(1.0);
        assertThat(l.recordsPerSecond()).isEqualTo(1000.0);
    }

    @Test
    void afterACutTheLimiterLetsThroughAboutTheReducedRate() {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        l.onResult(0, 1, T0);
        l.onResult(0, 1, T0 + ShardRateLimiter.DECREASE_SPACING_NANOS); // two cuts
        double rate = 1000 * ShardRateLimiter.FIRST_DECREASE_FACTOR * ShardRateLimiter.DECREASE_FACTOR;
        long start = T0 + ShardRateLimiter.DECREASE_SPACING_NANOS;
        int taken = 0;
        for (long t = start; t < start + 10 * SECOND; t += SECOND / 1000) {
            while (l.tryAcquire(10, t)) {
                l.onAnswered(1, 10, 1, 10, t, t);
                taken++;
            }
        }
        // 10 s at the reduced rate, plus what was banked at the cut.
        assertThat(taken).isBetween((int) (10 * rate) - 1, (int) (10 * rate) + 60);
    }
    @Test
    void slowFirstAnswersAreNotTakenAsTheWayBackEntriesStayNearlyASecondAfterTheirAnswer() {
        // A saturated start: every request queues, the first answers take 300 ms. The service may have
        // counted the entry just before answering, so it must stay in the window for about a second
        // after its answer, not 300 ms less.
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        assertThat(l.tryAcquire(100 * 1024, T0)).isTrue();
        long answered = T0 + 300 * MILLI;
        l.onAnswered(1, 100 * 1024, 1, 100 * 1024, T0, answered);
        long limit = (long) (1024 * 1024 * (1 - ShardRateLimiter.WINDOW_HEADROOM));
        assertThat(l.bytesAvailable(answered + 970 * MILLI))
                .as("still held 970 ms after its answer")
                .isEqualTo(limit - 100 * 1024);
        assertThat(l.bytesAvailable(answered + SECOND + ShardRateLimiter.SLOT_NANOS)).isEqualTo(Long.MAX_VALUE);
        assertThat(ShardRateLimiter.MAX_BACKDATE_NANOS).as("a wrong back-dating costs no more than the headroom")
                .isLessThanOrEqualTo((long) (SECOND * ShardRateLimiter.WINDOW_HEADROOM));
    }

    @Test
    void aLongRoundTripWithoutThrottlingIsDatedBackTowardItsArrivalAndAThrottleSetsThatBack() {
        // A far region: every request answers 300 ms after it was sent. Entries held from send until a
        // second after their answer would block 1.3 s of every second's window (77 % of the limit at most).
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        long rtt = 300 * MILLI;
        long limit = (long) (1024 * 1024 * (1 - ShardRateLimiter.WINDOW_HEADROOM));
        long t = T0;
        // 5 s of answers without throttling, one small entry every 400 ms (answered before the next).
        for (int i = 0; i < 13; i++, t += 400 * MILLI) {
            assertThat(l.tryAcquire(1024, t)).isTrue();
            l.onAnswered(1, 1024, 1, 1024, t, t + rtt);
            l.onResult(1, 0, t + rtt);
        }
        // Now a 100 KiB entry, answered after 300 ms: dated back by the whole round trip, so it leaves
        // the window a second after it was sent, not a second after its answer.
        long sent = t + SECOND; // earlier entries have left the window by then
        assertThat(l.tryAcquire(100 * 1024, sent)).isTrue();
        l.onAnswered(1, 100 * 1024, 1, 100 * 1024, sent, sent + rtt);
        assertThat(l.bytesAvailable(sent + SECOND - 2 * ShardRateLimiter.SLOT_NANOS)).as("held until a second after its send")
                .isEqualTo(limit - 100 * 1024);
        assertThat(l.bytesAvailable(sent + SECOND + 2 * ShardRateLimiter.SLOT_NANOS)).as("and no longer").isEqualTo(Long.MAX_VALUE);

        // A throttled entry sets the back-dating back: the next entry stays nearly a second after its answer.
        long later = sent + 3 * SECOND;
        assertThat(l.tryAcquire(1024, later)).isTrue();
        l.onAnswered(1, 1024, 0, 0, later, later + rtt);
        l.onResult(0, 1, later + rtt);
        long next = later + rtt + SECOND / 2; // the cut's tokens refilled
        assertThat(l.tryAcquire(50 * 1024, next)).isTrue();
        l.onAnswered(1, 50 * 1024, 1, 50 * 1024, next, next + rtt);
        // 0.8 s after the throttle it is dated back by 5 ms + 80 ms, not by the whole 300 ms round trip.
        assertThat(l.bytesAvailable(next + rtt + 900 * MILLI)).as("held 900 ms after its answer again")
                .isEqualTo(limit - 50 * 1024);
    }

    @Test
    void aThrottledShareCutsToWhatTheServiceAdmittedAndProbesAboveItSlowly() {
        // Two producers on one shard: this one had half the shard admitted in the last second when
        // throttling began. One cut takes it to (about) that share, not 90 % of the ceiling.
        cutsToJustBelowTheAdmittedShareThenProbesAboveItSlowly(10, 0.5); // 500 records of 10 B in a second
    }

    @Test
    void everyThrottleCutsToJustBelowTheAdmittedShareAndTheRateRegrowsSlowlyAfterIt() {
        // Near the ceiling too: another producer may have joined with a small share. A cut of 10 % and
        // a regrowth of 10 % a second had two producers throttled on 6 % of their entries, four on 11 %
        // (ShardRateLimiterStreamTest).
        cutsToJustBelowTheAdmittedShareThenProbesAboveItSlowly(19, 0.95); // 950 records of 10 B in a second
        assertThat(ShardRateLimiter.PROBE_INCREASE_PER_SECOND).isLessThan(ShardRateLimiter.INCREASE_PER_SECOND / 5);
    }

    private static void cutsToJustBelowTheAdmittedShareThenProbesAboveItSlowly(int perTick, double admitted) {
        ShardRateLimiter l = new ShardRateLimiter(1000, 1024 * 1024, T0);
        long t = admitForASecond(l, perTick);
        l.onResult(0, 1, t);
        double share = admitted * ShardRateLimiter.ADMITTED_SHARE;
        assertThat(l.fraction()).as("cut to the share").isCloseTo(share, org.assertj.core.data.Offset.offset(0.01));
        // Above the share it probes slowly, not at 10 % per second.
        l.onResult(10, 0, t + SECOND);
        assertThat(l.fraction() - share).as("a second later").isBetween(0.0, ShardRateLimiter.PROBE_INCREASE_PER_SECOND + 0.011);
    }

    /** Takes and answers {@code perTick} records of 10 B every 20 ms for a second, from T0; @return the end */
    private static long admitForASecond(ShardRateLimiter l, int perTick) {
        long t = T0;
        for (int i = 0; i < 50; i++, t += 20 * MILLI) {
            for (int k = 0; k < perTick; k++) {
                assertThat(l.tryAcquire(10, t)).isTrue();
                l.onAnswered(1, 10, 1, 10, t, t);
            }
        }
        return t;
    }
}
