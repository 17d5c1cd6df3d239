package io.shardwise.producer.internal;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The entries of one PutRecords (Kinesis) or PutRecordBatch (Firehose) request, packed within the limits: at most {@code maxEntries}
 * entries and at most {@code maxBytes} of data plus partition keys, except that a single entry
 * larger than {@code maxBytes} may travel alone. An entry is one user record, or an aggregate of
 * several user records of one shard (KPL format, partition key {@code "a"}, explicit hash key of its
 * first user record), or for Firehose several user records joined with a delimiter (no keys). Entry i of the request, and of its response, carries the user records
 * {@link #entryStart(int)} .. {@link #entryEnd(int)} - 1.
 *
 * <p>Built on the sender thread, then read by the response handler.
 */
final class RequestBatch {
    /** Partition key of aggregated entries, as the KPL sends them. */
    static final String AGGREGATE_PARTITION_KEY = "a";

    final StreamPipeline pipeline;
    private final int maxEntries;
    private final long maxBytes;
    private PendingRecord[] records = new PendingRecord[64];
    private int recordCount;
    private final int[] entryEnd;
    private final byte[][] entryData;
    private final String[] entryPartitionKey;
    private final String[] entryHashKey;
    private final boolean[] entryAggregated;
    /** Each entry's bytes as the limits count them (data plus partition key). */
    private final int[] entrySize;
    private int entryCount;
    private long bytes;
    private long userBytes;
    /** Shard queues locked by this batch (preserved shard order); unlocked when it completes. */
    final List<ShardQueue> lockedQueues = new ArrayList<>(4);
    /** The stream's shard-map generation the batch was predicted with. */
    int mapGeneration;
    long sentNanos;
    Instant sentAt;
    /**
     * Whether the batch re-sends the entries of a request the service rejected as a whole (see
     * {@link #split}): its entries were charged to their shards' limiters when first sent, so its
     * answer is not fed to them again.
     */
    boolean resent;
    /** The SDK call carrying this batch, cancelled if the producer closes while it is in flight. */
    CompletableFuture<?> call;

    RequestBatch(StreamPipeline pipeline, int maxEntries, long maxBytes) {
        this.pipeline = pipeline;
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.entryEnd = new int[maxEntries];
        this.entryData = new byte[maxEntries][];
        this.entryPartitionKey = new String[maxEntries];
        this.entryHashKey = new String[maxEntries];
        this.entryAggregated = new boolean[maxEntries];
        this.entrySize = new int[maxEntries];
    }

    /** @return whether an entry of {@code size} bytes (data plus partition key) fits */
    boolean fits(long size) {
        if (entryCount == maxEntries) {
            return false;
        }
        return entryCount == 0 || bytes + size <= maxBytes;
    }

    /** @return whether the user record fits as a plain entry */
    boolean fits(PendingRecord r) {
        return fits(r.size);
    }

    /** @return room left in bytes (never negative) */
    long bytesLeft() {
        return Math.max(0, maxBytes - bytes);
    }

    boolean isFull() {
        return entryCount == maxEntries || bytes >= maxBytes;
    }

    boolean isEmpty() {
        return entryCount == 0;
    }

    /** Adds a user record as its own entry. */
    void add(PendingRecord r) {
        addRecord(r);
        closeEntry(r.data, r.partitionKey, r.explicitHashKey, false, r.size);
    }

    /**
     * Adds an aggregated entry carrying {@code members} (in aggregate order).
     *
     * @param data the encoded aggregate
     * @param partitionKey the entry's partition key ({@code "a"}, or the members' shared key)
     * @param explicitHashKey the hash key that routes it to the members' shard, or {@code null}
     * @param partitionKeyBytes UTF-8 length of {@code partitionKey}
     */
    void addAggregate(List<PendingRecord> members, byte[] data, String partitionKey, String explicitHashKey,
                      int partitionKeyBytes) {
        for (PendingRecord r : members) {
            addRecord(r);
        }
        closeEntry(data, partitionKey, explicitHashKey, true, (long) data.length + partitionKeyBytes);
    }

    private void addRecord(PendingRecord r) {
        if (recordCount == records.length) {
            records = Arrays.copyOf(records, records.length * 2);
        }
        records[recordCount++] = r;
        userBytes += r.size;
    }

    /** @return the user records' bytes (data plus partition keys) */
    long userBytes() {
        return userBytes;
    }

    private void closeEntry(byte[] data, String partitionKey, String hashKey, boolean aggregated, long size) {
        entryEnd[entryCount] = recordCount;
        entryData[entryCount] = data;
        entryPartitionKey[entryCount] = partitionKey;
        entryHashKey[entryCount] = hashKey;
        entryAggregated[entryCount] = aggregated;
        entrySize[entryCount] = (int) size;
        entryCount++;
        bytes += size;
    }

    /**
     * Splits the batch after the service rejected it as a whole: into two halves of its entries,
     * or, for a single aggregate, into its user records as plain entries (when {@code unpackAggregates}).
     *
     * @param unpackAggregates whether an aggregated entry may be sent as its records (KPL aggregates; not Firehose packing)
     * @return the smaller batches (none of them holds shard locks), or an empty list if it cannot be split
     */
    List<RequestBatch> split(boolean unpackAggregates) {
        List<RequestBatch> out = new ArrayList<>(2);
        if (entryCount > 1) {
            int half = entryCount / 2;
            out.add(copy(0, half));
            out.add(copy(half, entryCount));
        } else if (entryCount == 1 && entryAggregated[0] && recordCount > 1 && unpackAggregates) {
            RequestBatch b = null;
            for (int i = 0; i < recordCount; i++) {
                if (b == null || !b.fits(records[i])) {
                    b = new RequestBatch(pipeline, maxEntries, maxBytes);
                    b.mapGeneration = mapGeneration;
                    b.resent = true;
                    out.add(b);
                }
                b.add(records[i]);
            }
        }
        return out;
    }

    private RequestBatch copy(int fromEntry, int toEntry) {
        RequestBatch b = new RequestBatch(pipeline, maxEntries, maxBytes);
        b.mapGeneration = mapGeneration;
        b.resent = true;
        for (int e = fromEntry; e < toEntry; e++) {
            for (int i = entryStart(e); i < entryEnd[e]; i++) {
                b.addRecord(records[i]);
            }
            b.closeEntry(entryData[e], entryPartitionKey[e], entryHashKey[e], entryAggregated[e], entrySize[e]);
        }
        return b;
    }

    /** @return entry {@code i}'s bytes as the limits count them: data plus partition key */
    int entrySize(int i) {
        return entrySize[i];
    }

    /** @return the number of request entries */
    int entryCount() {
        return entryCount;
    }

    /** @return the number of user records over all entries */
    int recordCount() {
        return recordCount;
    }

    /** @return request bytes: data plus partition keys */
    long bytes() {
        return bytes;
    }

    /** @return user record {@code i} (0 .. recordCount-1) */
    PendingRecord record(int i) {
        return records[i];
    }

    int entryStart(int entry) {
        return entry == 0 ? 0 : entryEnd[entry - 1];
    }

    int entryEnd(int entry) {
        return entryEnd[entry];
    }

    boolean isAggregated(int entry) {
        return entryAggregated[entry];
    }

    /** @return entry {@code i}'s payload: a user record's data or an encoded aggregate (not copied) */
    byte[] entryData(int i) {
        return entryData[i];
    }

    /** @return entry {@code i}'s partition key ({@code null} for services without keys) */
    String entryPartitionKey(int i) {
        return entryPartitionKey[i];
    }

    /** @return entry {@code i}'s explicit hash key, or {@code null} */
    String entryHashKey(int i) {
        return entryHashKey[i];
    }
}
