package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BurstTankTest {
    private static final long MS = 1_000_000L;
    private static final int MIB = 1024 * 1024;

    @Test
    void startsFullRefillsAtTheRateAndStopsAtTheCapacity() {
        BurstTank t = new BurstTank();
        long t0 = 7_000 * MS;
        assertThat(t.holds(t0, 1000, 10_000, 10_000)).isTrue();
        t.take(10_000);
        assertThat(t.holds(t0, 1000, 10_000, 1)).isFalse();
        assertThat(t.holds(t0 + 500 * MS, 1000, 10_000, 500)).isTrue();
        assertThat(t.holds(t0 + 500 * MS, 1000, 10_000, 501)).isFalse();
        // a clock standing still or stepping back refills nothing
        assertThat(t.holds(t0 + 400 * MS, 1000, 10_000, 501)).isFalse();
        assertThat(t.holds(t0 + 501 * MS, 1000, 10_000, 501)).isTrue();
        // an hour later it holds its capacity, no more
        assertThat(t.holds(t0 + 3_600_000 * MS, 1000, 10_000, 10_000)).isTrue();
        assertThat(t.holds(t0 + 3_600_000 * MS, 1000, 10_000, 10_001)).isFalse();
        // a smaller capacity cuts the level
        assertThat(t.holds(t0 + 3_600_000 * MS, 1000, 4_000, 4_001)).isFalse();
        t.take(4_000);
        assertThat(t.holds(t0 + 3_600_000 * MS, 1000, 10_000, 1)).isFalse();
        t.reset();
        assertThat(t.holds(t0 + 3_600_000 * MS, 1000, 10_000, 10_000)).isTrue();
    }

    @Test
    void capacityIsTenSecondsOfTheByteLimitOrTheMaximumRecordSize() {
        assertThat(ShardState.tankCapacity(MIB, MIB)).isEqualTo(10L * MIB);
        assertThat(ShardState.tankCapacity(MIB, 10 * MIB)).isEqualTo(10L * MIB);
        assertThat(ShardState.tankCapacity(100_000, MIB)).isEqualTo(MIB);
        assertThat(ShardState.tankCapacity(Long.MAX_VALUE / 2, MIB)).isEqualTo(Long.MAX_VALUE);
    }

    /**
     * Without records over the byte limit, a shard (window and tank) decides exactly as its window
     * alone would: the tank only matters once a large record has drawn on it.
     */
    @Test
    void theTankNeverRefusesWhatTheWindowAdmits() {
        Random random = new Random(20_240);
        for (int run = 0; run < 200; run++) {
            int recordLimit = 1 + random.nextInt(1000);
            long byteLimit = 1 + random.nextInt(2 * MIB);
            StreamState stream = new StreamState("s", "arn", 1, FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB, Instant.EPOCH);
            ShardState shard = stream.allShards()[0];
            SlidingWindow alone = new SlidingWindow();
            long now = random.nextInt(1_000) * MS;
            for (int i = 0; i < 2_000; i++) {
                now += random.nextInt(4) == 0 ? 0 : (long) random.nextInt(150) * MS + random.nextInt(1_000_000);
                long size = 1 + (long) (random.nextDouble() * random.nextDouble() * byteLimit);
                boolean expected = alone.tryAcquire(now, recordLimit, byteLimit, size);
                StoredRecord r = shard.tryStore(now, recordLimit, byteLimit, size, "k", null, 0, 0, new byte[0],
                        Instant.EPOCH, false);
                assertThat(r != ShardState.THROTTLED).as("run %d record %d (%d bytes at %d ns, limits %d/s, %d B/s)", run,
                        i, size, now, recordLimit, byteLimit).isEqualTo(expected);
            }
        }
    }

    @Test
    void aLargeRecordCountsAsOneRecordInTheWindowAndItsBytesOnlyInTheTank() {
        StreamState stream = new StreamState("s", "arn", 1, FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB, Instant.EPOCH);
        ShardState shard = stream.allShards()[0];
        long t0 = 50_000 * MS;
        // two records/s: the large record takes one of them
        assertThat(store(shard, t0, 2, MIB, 3 * MIB)).isTrue();
        assertThat(store(shard, t0, 2, MIB, 1_000)).isTrue();
        assertThat(store(shard, t0, 2, MIB, 1_000)).isFalse();
        // a second later the window is free and the tank holds 7 MiB - 1,000 + 1 MiB
        assertThat(store(shard, t0 + 1_000 * MS, 1000, MIB, MIB)).isTrue(); // the window's whole byte budget
        assertThat(store(shard, t0 + 1_000 * MS, 1000, MIB, 1)).isFalse();  // the window is full
        assertThat(store(shard, t0 + 1_000 * MS, 1000, MIB, 7 * MIB)).isFalse(); // 7 MiB - 1,000 in the tank
        assertThat(store(shard, t0 + 1_000 * MS, 1000, MIB, 7 * MIB - 1_000)).isTrue();
    }

    private static boolean store(ShardState shard, long now, long recordLimit, long byteLimit, long size) {
        return shard.tryStore(now, recordLimit, byteLimit, size, "k", null, 0, 0, new byte[0], Instant.EPOCH, false)
                != ShardState.THROTTLED;
    }
}
