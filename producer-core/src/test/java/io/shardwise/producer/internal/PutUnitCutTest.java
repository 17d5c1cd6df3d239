package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A backlogged shard whose limiter cuts its aggregates short: the cut falls on whole 25 KiB PUT
 * payload units, and a remainder of less than half a unit waits for the next send rather than go
 * as a Kinesis record of its own, billed a whole unit for a few records.
 */
class PutUnitCutTest {
    private static final long NOW = 1_000_000_000L;
    private static final long FAR = NOW + 3_600_000_000_000L;
    private static final int MIB = 1024 * 1024;
    private static final int RECORD = 1_000; // 999 bytes of data and a 1-character key

    private final Outstanding outstanding = new Outstanding();

    private StreamAccumulator backloggedShard(int records) {
        StreamAccumulator p = new StreamAccumulator("stream", 1000, MIB, new Aggregation(50 * 1024, 10_000, false));
        p.installMap(PackingTest.fourEqualShards(), NOW);
        for (int n = 0; n < records; n++) {
            p.enqueue(new PendingRecord("stream", "k", null, new byte[RECORD - 1], RECORD, 0L, n, NOW, FAR, outstanding));
        }
        return p;
    }

    private static List<Integer> entrySizes(RequestBatch b) {
        List<Integer> sizes = new ArrayList<>();
        for (int i = 0; i < b.entryCount(); i++) {
            sizes.add(b.entrySize(i));
        }
        return sizes;
    }

    private static long putUnits(List<Integer> sizes) {
        return sizes.stream().mapToLong(s -> (s + BatchAssembler.PUT_PAYLOAD_UNIT - 1) / BatchAssembler.PUT_PAYLOAD_UNIT).sum();
    }

    @Test
    void aggregatesCutByTheLimiterEndOnWholePutUnitsAndNoSliverGoesAlone() {
        StreamAccumulator p = backloggedShard(1_000);
        List<Integer> sizes = new ArrayList<>();
        int records = 0;
        // A full bucket (0.2 s), then a send every tenth of a second, as a backlogged shard sends.
        for (long t = NOW; t <= NOW + 1_000_000_000L; t += 100_000_000L) {
            RequestBatch b = p.assemble(500, 10L * MIB, true, t, r -> { });
            sizes.addAll(entrySizes(b));
            records += b.recordCount();
            b.unlockQueues();
        }
        assertThat(records).as("records sent in 1 s").isGreaterThan(1_000_000 * 95 / 100 / RECORD);
        // Every aggregate uses at least half of its last unit: none pays a whole unit for a sliver.
        for (int size : sizes) {
            assertThat(size % BatchAssembler.PUT_PAYLOAD_UNIT).as("unit left mostly unused by an entry of %d bytes", size)
                    .matches(rest -> rest == 0 || rest >= BatchAssembler.PUT_PAYLOAD_UNIT / 2);
        }
        // What an unlimited packer pays (full 50 KiB aggregates, two units each), and one unit for the
        // last room of the second's window; a sliver every tenth of a second would cost ten
        assertThat(putUnits(sizes)).isLessThanOrEqualTo(2L * ((long) records * RECORD / (50 * 1024) + 1) + 1);
    }
}
