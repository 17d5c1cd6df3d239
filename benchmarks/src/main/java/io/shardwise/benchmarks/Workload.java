package io.shardwise.benchmarks;

import io.shardwise.producer.testkit.FakeKinesis;

/**
 * One benchmark workload.
 *
 * @param id a..e
 * @param title what it is, for the table
 * @param records user records per producer (count runs), 0 for a timed run
 * @param recordSize bytes of data per user record
 * @param shards shards of the stream
 * @param seconds length of a timed run's measured window
 * @param load offered load of a timed run as a multiple of the shards' byte limit (all processes together)
 * @param processes producer processes run at once
 */
record Workload(String id, String title, long records, int recordSize, int shards, double seconds, double load,
        int processes) {

    boolean timed() {
        return records == 0;
    }

    /** Untimed warm-up records per process. */
    long warmupRecords() {
        return timed() ? 2_000 : Math.max(2_000, Math.min(100_000, records / 10));
    }

    /** Offered records per second per process (timed runs); the partition key is about 16 bytes. */
    double ratePerProcess() {
        return load * shards * FakeKinesis.DEFAULT_BYTES_PER_SECOND / (recordSize + 16.0) / processes;
    }

    static Workload[] all(double scale, double seconds, int limitRecordSize) {
        return new Workload[] {
            new Workload("a", fmt(scale, 1_000_000) + " x 100 B, random keys, 256 shards",
                    (long) (1_000_000 / scale), 100, 256, 0, 0, 1),
            new Workload("b", fmt(scale, 200_000) + " x 1,000 B, 256 shards", (long) (200_000 / scale), 1_000, 256, 0, 0, 1),
            new Workload("c", fmt(scale, 100_000) + " x 10,000 B, 256 shards", (long) (100_000 / scale), 10_000, 256, 0, 0, 1),
            new Workload("d", "limits enforced, 4 shards, " + (int) seconds + " s at 3x the byte limit, " + limitRecordSize + " B",
                    0, limitRecordSize, 4, seconds, 3.0, 1),
            new Workload("e", "as (d), two producer processes at once (1.5x each)", 0, limitRecordSize, 4, seconds, 3.0, 2),
        };
    }

    private static String fmt(double scale, long n) {
        return String.format("%,d", (long) (n / scale));
    }
}
