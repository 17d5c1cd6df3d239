package io.shardwise.producer.testkit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Firehose delivery stream: its optional throughput window and its stored records, in arrival
 * order.
 *
 * <p>Thread-safe: {@link #tryStore} and the record list are guarded by this object's monitor.
 */
final class DeliveryStreamState {
    /** Per-stream throughput limits: records and data bytes per second, both at least 1. */
    record Limits(long recordsPerSecond, long bytesPerSecond) {
    }

    final String name;
    final String arn;
    final Instant created;

    private final SlidingWindow window = new SlidingWindow();
    private ArrayList<FirehoseRecord> records = new ArrayList<>();

    DeliveryStreamState(String name, String arn, Instant created) {
        this.name = name;
        this.arn = arn;
        this.created = created;
    }

    /**
     * Stores a record if the stream's limits admit it.
     *
     * @param limits the limits, or null for none
     * @param data the record's data, owned by the stored record from now on
     * @param ids makes the RecordId of an admitted record
     * @return the record, or null if the limits refused it
     */
    synchronized FirehoseRecord tryStore(long nowNanos, Limits limits, byte[] data, Instant arrival, boolean retain,
            RecordIds ids) {
        if (limits != null && !window.tryAcquire(nowNanos, limits.recordsPerSecond(), limits.bytesPerSecond(),
                data.length)) {
            return null;
        }
        FirehoseRecord r = new FirehoseRecord(ids.next(), name, data, arrival);
        if (retain) {
            records.add(r);
        }
        return r;
    }

    synchronized List<FirehoseRecord> records() {
        return new ArrayList<>(records);
    }

    synchronized void clearRecords() {
        records = new ArrayList<>();
    }
}
