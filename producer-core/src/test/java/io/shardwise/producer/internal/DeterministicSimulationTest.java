package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Ordering;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deterministic simulation (issue 15, item 5): the real engine, stepped on a virtual clock,
 * against {@link SimulatedKinesis} and a misbehaving application, over thousands of seeds, each
 * checked by {@link Simulation}'s invariants.
 *
 * <p>A third of the seeds run each ordering level. KEY_STRICT runs are held to
 * {@link Simulation.Invariant#KEY_ORDER}: per key, as the KCL reads the stream (children after
 * parents), (a) records that succeeded are first read in the order added; (b) a record that failed
 * but was stored all the same (a request written after it timed out) is first read after every
 * earlier record of its key, and before every later one added before its failure was reported (its
 * future completed); (c) a record that failed and was never stored leaves no gap: no record of its
 * key added before that failure was reported is stored; (d) a record failed for an earlier one
 * carries a PrecedingRecordFailedException whose cause is that record's failure, reported after it
 * was added. SHARD runs break (a)-(c),
 * which {@link #shardModeBreaksEveryPartOfKeyStrict} shows, and only count it
 * ({@code shard.keysBreakingKeyStrict}). With enough seeds the KEY_STRICT runs must have met entry
 * failures, throttling, requests written after their timeout, splits and merges.
 *
 * <p>{@code -Dsimulation.seeds=N} runs N seeds (default 2,000) from {@code -Dsimulation.firstSeed}
 * (default 1); {@code -Dsimulation.seed=S} replays one seed and prints its scenario and counts.
 */
class DeterministicSimulationTest {
    private static final int DEFAULT_SEEDS = 2_000;
    /** At most this many seeds run as SHARD to show each part of the KEY_STRICT check failing. */
    private static final int MAX_SHARD_SEEDS = 1_000;
    /** With this many seeds, the KEY_STRICT ones must have met every fault (about a third of them are KEY_STRICT). */
    private static final int MIN_SEEDS_FOR_COVERAGE = 500;

    @Test
    void everyInvariantHoldsOverManySeeds() {
        String one = System.getProperty("simulation.seed");
        long first;
        int seeds;
        if (one != null && !one.isBlank()) {
            first = Long.parseLong(one.trim());
            seeds = 1;
        } else {
            first = Long.getLong("simulation.firstSeed", 1L);
            seeds = Integer.getInteger("simulation.seeds", DEFAULT_SEEDS);
        }
        Map<String, Long> totals = new TreeMap<>();
        Map<String, Long> keyStrictTotals = new TreeMap<>();
        int keyStrictSeeds = 0;
        List<String> failed = new ArrayList<>();
        Map<Long, Object> failedSeeds = new TreeMap<>();
        long virtualNanos = 0;
        long records = 0;
        long start = System.nanoTime();
        for (long seed = first; seed < first + seeds; seed++) {
            Simulation.Result r = Simulation.run(seed);
            virtualNanos += r.virtualNanos();
            records += r.records();
            r.counts().forEach((k, v) -> totals.merge(k, v, Long::sum));
            if (r.ordering() == Ordering.KEY_STRICT) {
                keyStrictSeeds++;
                r.counts().forEach((k, v) -> keyStrictTotals.merge(k, v, Long::sum));
            }
            if (seeds == 1) {
                System.out.println("Simulation seed " + seed + ": " + r.scenario() + "\n  counts " + r.counts()
                        + "\n  trace digest " + Long.toHexString(r.digest()));
            }
            if (!r.failures().isEmpty()) {
                failedSeeds.put(seed, r.failures().broken);
                failed.add("seed " + seed + " [" + r.scenario() + "]: " + r.failures().messages
                        + "\n  replay: " + replay(seed));
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        System.out.printf("Simulation: %d seeds, %d schedules, %d records, %.1f virtual s, %.1f wall s, %.1f seeds/s;"
                        + " failed seeds %d %s; %s%n", seeds, seeds, records, virtualNanos / 1e9, wall, seeds / wall,
                failed.size(), failedSeeds, totals);
        System.out.printf("Simulation: %d KEY_STRICT seeds; their counts %s%n", keyStrictSeeds, keyStrictTotals);
        for (String f : failed.subList(0, Math.min(5, failed.size()))) {
            System.out.println("Simulation FAILED " + f);
        }
        if (seeds >= MIN_SEEDS_FOR_COVERAGE) {
            // The KEY_STRICT runs met every fault the ordering must survive, and the check looked at them.
            assertThat(keyStrictSeeds).as("KEY_STRICT seeds").isGreaterThan(seeds / 4);
            for (String count : List.of("entriesFailedInternally", "entriesThrottledAtArrival", "requestsWrittenAfterTimeout",
                    "splits", "merges", "keyStrict.pairsA_SUCCEEDED", "keyStrict.pairsB_FAILED_BUT_STORED",
                    "keyStrict.pairsC_GAP", "keyStrict.pairsExcusedByEarlierFailure")) {
                assertThat(keyStrictTotals.getOrDefault(count, 0L)).as("%s over the KEY_STRICT seeds", count).isPositive();
            }
        }
        assertThat(failedSeeds).as("seeds whose schedule broke an invariant (the first five: %s)",
                failed.subList(0, Math.min(5, failed.size()))).isEmpty();
    }

    @Test
    void oneSeedGivesOneSchedule() {
        Simulation.Result a = Simulation.run(20_261_206L);
        Simulation.Result b = Simulation.run(20_261_206L);
        Simulation.Result other = Simulation.run(20_261_207L);
        assertThat(b.digest()).as("trace digest of the same seed run twice").isEqualTo(a.digest());
        assertThat(b.virtualNanos()).isEqualTo(a.virtualNanos());
        assertThat(b.counts()).isEqualTo(a.counts());
        assertThat(other.digest()).as("another seed's schedule").isNotEqualTo(a.digest());
    }

    /**
     * Each check must be able to fail: against a service with a deliberate bug, some seed among the
     * first hundred breaks exactly the invariant that bug violates.
     */
    @ParameterizedTest
    @EnumSource(value = SimulatedKinesis.Sabotage.class, names = "NONE", mode = EnumSource.Mode.EXCLUDE)
    void everyCheckCatchesTheBugItIsFor(SimulatedKinesis.Sabotage sabotage) {
        Simulation.Invariant expected = switch (sabotage) {
            case ACK_WITHOUT_STORING -> Simulation.Invariant.DELIVERY;
            case STORE_BUT_FAIL -> Simulation.Invariant.NO_RESEND;
            case REORDER -> Simulation.Invariant.ORDER;
            case NEVER_ANSWER -> Simulation.Invariant.COMPLETION;
            case CHECK_TENTH_OF_LIMIT -> Simulation.Invariant.SEND_WINDOW;
            case STORE_IN_THE_PAST -> Simulation.Invariant.KEY_ORDER;
            case NONE -> throw new IllegalArgumentException();
        };
        Long caughtBy = null;
        for (long seed = 1; seed <= 100 && caughtBy == null; seed++) {
            if (Simulation.run(seed, sabotage).failures().broken.contains(expected)) {
                caughtBy = seed;
            }
        }
        assertThat(caughtBy).as(sabotage + " must break " + expected + " on some seed").isNotNull();
    }

    /**
     * KEY_STRICT's check catches a record stored before an earlier record of its key, whether the
     * service acknowledged it (part (a)) or answered it failed (part (b)): with
     * {@link SimulatedKinesis.Sabotage#STORE_IN_THE_PAST}, some KEY_STRICT seed among the first few
     * hundred breaks each.
     */
    @Test
    void recordsStoredInThePastBreakKeyOrder() {
        Map<String, Long> caughtBy = new TreeMap<>();
        for (long seed = 1; seed <= 300 && caughtBy.size() < 2; seed++) {
            Simulation.Result r = Simulation.run(seed, SimulatedKinesis.Sabotage.STORE_IN_THE_PAST);
            for (String message : r.failures().messages) {
                for (Simulation.KeyOrderPart part : List.of(Simulation.KeyOrderPart.A_SUCCEEDED,
                        Simulation.KeyOrderPart.B_FAILED_BUT_STORED)) {
                    if (message.startsWith(Simulation.Invariant.KEY_ORDER + ":") && message.contains("(" + part + ")")) {
                        caughtBy.putIfAbsent(part.name(), seed);
                    }
                }
            }
        }
        assertThat(caughtBy).as("the first seed whose KEY_ORDER check caught each part")
                .containsOnlyKeys("A_SUCCEEDED", "B_FAILED_BUT_STORED");
    }

    /**
     * Seeds on which the simulation found engine bugs, kept as fixed cases (seeds of the scenario
     * generator as committed with them: changing what {@link Simulation} draws changes every seed's
     * schedule, so re-find them then). Each must pass once the engine is fixed; they fail until then.
     *
     * <ul>
     *   <li>279, 567, 1981 (aggregate re-sent from a closed shard): an aggregate was stored on the open
     *       shard holding its hash key, whose range holds every record of it, but not on the shard the
     *       engine predicted (its map predated a split or merge). By the time the engine's refreshed map
     *       arrived, the storing shard had itself been closed by a later split or merge; the engine knows
     *       only open shards' ranges, so it judged the aggregate misrouted and re-sent all its records.
     *       The KCL reads closed shards too: those records are delivered twice.</li>
     *   <li>137, 908 (aggregate re-sent when a refresh fails): aggregates held for a shard-map refresh
     *       are re-sent as soon as that refresh fails (ListShards error), although they were stored on a
     *       shard whose range holds all their records; with ListShards failing again and again a record
     *       is stored three or four times.</li>
     *   <li>783, 1626, 1786 (order across a merge): with preserveShardOrder, no record retried and no
     *       fault but a merge, a key's later record was stored before an earlier one. The request
     *       carrying the earlier record was in flight through a parent shard's queue when the refreshed
     *       map installed the merged shard's queue, which is not locked by that request, so the next
     *       request of the same hash range went out and arrived first.</li>
     *   <li>1558 (aggregate re-sent when the map is older than the shard): a "fresh" shard map read
     *       before the storing shard was made does not know it; the aggregate was judged misrouted and
     *       re-sent, although the shard's range held all its records. Now it waits for a map that knows
     *       the shard.</li>
     *   <li>1627 (order across the first map): ListShards failed, records went out unpredicted from the
     *       stream's one queue; when the map came, the shards' new queues were not held back by the
     *       unpredicted request still in flight, and a later record of a key overtook an earlier one.</li>
     * </ul>
     */
    @ParameterizedTest
    @ValueSource(longs = {279, 567, 1981, 137, 908, 783, 1626, 1786, 1558, 1627})
    void regressionSeedsFoundByTheSimulation(long seed) {
        // Found before KEY_STRICT existed: an ordered producer was SHARD then.
        Simulation.Result r = Simulation.run(seed, SimulatedKinesis.Sabotage.NONE, Ordering.SHARD);
        assertThat(r.failures().messages).as("seed " + seed + " [" + r.scenario() + "]; replay: " + replay(seed)).isEmpty();
    }

    /**
     * The KEY_STRICT check can fail: SHARD mode lets a retried record be stored after later records of
     * its key (a), and goes on sending a key's records after an earlier one failed for good, whether
     * that one was never stored (c) or was stored by a request written after it timed out (b). Seeds
     * run as SHARD wherever they draw an ordered producer, from the first, until each part of
     * {@link Simulation.Invariant#KEY_ORDER} has found a key that breaks it.
     */
    @Test
    void shardModeBreaksEveryPartOfKeyStrict() {
        Map<String, Long> totals = new TreeMap<>();
        Map<Simulation.KeyOrderPart, Long> foundBy = new TreeMap<>();
        long seed = 1;
        for (; seed <= MAX_SHARD_SEEDS && foundBy.size() < Simulation.KeyOrderPart.values().length; seed++) {
            Simulation.Result r = Simulation.run(seed, SimulatedKinesis.Sabotage.NONE, Ordering.SHARD);
            assertThat(r.failures().messages).as("seed %d", seed).isEmpty();
            r.counts().forEach((k, v) -> totals.merge(k, v, Long::sum));
            for (Simulation.KeyOrderPart part : Simulation.KeyOrderPart.values()) {
                if (r.counts().getOrDefault("shard.keysBreaking" + part, 0L) > 0) {
                    foundBy.putIfAbsent(part, seed);
                }
            }
        }
        System.out.println("SHARD mode against KEY_STRICT's check, seeds 1-" + (seed - 1) + ": first broken by " + foundBy
                + "; " + totals);
        assertThat(foundBy).as("the first seed whose SHARD run breaks each part of KEY_ORDER")
                .containsOnlyKeys(Simulation.KeyOrderPart.values());
    }

    /**
     * KEY_STRICT seeds on which the simulation found engine bugs (seeds of the scenario generator as
     * committed with them), run at the level they drew:
     * <ul>
     *   <li>2612, 7181, 28272 (records added just before a key's failure stored after the gap): a key's
     *       records added before an earlier record of it expired, but taken in by the sender (or packed)
     *       after or while that failure was decided, were stored.</li>
     *   <li>16, 312, 387, 418 (a key's second failure within a second of its first ignored): the engine
     *       kept only a key's earliest failure while it was fresh, so the records queued behind a second
     *       failure of the key were sent and stored after the gap.</li>
     * </ul>
     */
    @ParameterizedTest
    @ValueSource(longs = {2612, 7181, 28272, 16, 312, 387, 418})
    void keyStrictRegressionSeedsFoundByTheSimulation(long seed) {
        Simulation.Result r = Simulation.run(seed);
        assertThat(r.ordering()).as("seed %d's level", seed).isEqualTo(Ordering.KEY_STRICT);
        assertThat(r.failures().messages).as("seed " + seed + " [" + r.scenario() + "]; replay: " + replay(seed)).isEmpty();
    }

    private static String replay(long seed) {
        return "./mvnw -pl producer-core -am test -Dtest=DeterministicSimulationTest -Dsimulation.seed=" + seed
                + " -Dsurefire.failIfNoSpecifiedTests=false";
    }
}
