package io.shardwise.producer.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * The records of one PutRecords request, packed within the limits: at most {@code maxCount}
 * entries and at most {@code maxBytes} of data plus partition keys, except that a single record
 * larger than {@code maxBytes} may travel alone. Entry i of the request, and of its response, is
 * {@link #record(int) record(i)}.
 *
 * <p>Built on the sender thread, then read by the response handler.
 */
final class PutRecordsBatch {
    final StreamPipeline pipeline;
    private final PendingRecord[] records;
    private final long maxBytes;
    private int count;
    private long bytes;
    /** Shard queues locked by this batch (preserved shard order); unlocked when it completes. */
    final List<ShardQueue> lockedQueues = new ArrayList<>(4);
    /** The stream's shard-map generation the batch was predicted with. */
    int mapGeneration;
    long sentNanos;
    /** The SDK call carrying this batch, cancelled if the producer closes while it is in flight. */
    java.util.concurrent.CompletableFuture<?> call;
    Instant sentAt;

    PutRecordsBatch(StreamPipeline pipeline, int maxCount, long maxBytes) {
        this.pipeline = pipeline;
        this.records = new PendingRecord[maxCount];
        this.maxBytes = maxBytes;
    }

    /** @return whether {@code r} fits in this batch (not added when it does not) */
    boolean fits(PendingRecord r) {
        if (count == records.length) {
            return false;
        }
        return count == 0 || bytes + r.size <= maxBytes;
    }

    boolean isFull() {
        return count == records.length || bytes >= maxBytes;
    }

    void add(PendingRecord r) {
        records[count++] = r;
        bytes += r.size;
    }

    int count() {
        return count;
    }

    long bytes() {
        return bytes;
    }

    PendingRecord record(int i) {
        return records[i];
    }

    /** @return the request entries, in record order; payloads are wrapped, not copied */
    List<PutRecordsRequestEntry> toEntries() {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            PendingRecord r = records[i];
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(r.partitionKey)
                    .explicitHashKey(r.explicitHashKey)
                    .data(SdkBytes.fromByteArrayUnsafe(r.data))
                    .build());
        }
        return entries;
    }
}
