package io.shardwise.producer.internal;

import io.shardwise.producer.aggregation.AggregatedRecordFormat;
import io.shardwise.producer.aggregation.RecordAggregator;

/**
 * Joins consecutive user records of one queue into one request entry: a KPL aggregated record
 * (Kinesis) or delimiter-joined records (Firehose). Reused entry after entry: {@link #clear()},
 * {@link #tryAdd} records while they fit, then {@link #toBytes()}.
 *
 * <p>Confined to the sender thread.
 */
interface EntryPacker {
    /** Empties the packer for the next entry. */
    void clear();

    /** @return user records added since the last {@link #clear()} */
    int count();

    /** @return the entry's size in bytes (partition key not included) if the record were added */
    long sizeIfAdded(String partitionKey, String explicitHashKey, byte[] data);

    /** @return whether the record was added (it fits the size and count limits) */
    boolean tryAdd(String partitionKey, String explicitHashKey, byte[] data);

    /** @return the encoded entry */
    byte[] toBytes();

    /** @return the size of an entry with no records: below that budget nothing can be packed */
    int emptySize();

    /** @return whether a single record still travels packed (it needs the format), rather than as itself */
    boolean packsSingleRecords();

    /** The KPL aggregated-record format (magic, protobuf message, MD5). */
    final class KplAggregate implements EntryPacker {
        private final RecordAggregator aggregator;

        KplAggregate(int maxSize, int maxCount) {
            this.aggregator = new RecordAggregator(maxSize, maxCount);
        }

        @Override
        public void clear() {
            aggregator.clear();
        }

        @Override
        public int count() {
            return aggregator.count();
        }

        @Override
        public long sizeIfAdded(String partitionKey, String explicitHashKey, byte[] data) {
            return aggregator.sizeIfAdded(partitionKey, explicitHashKey, data.length);
        }

        @Override
        public boolean tryAdd(String partitionKey, String explicitHashKey, byte[] data) {
            return aggregator.tryAdd(partitionKey, explicitHashKey, data);
        }

        @Override
        public byte[] toBytes() {
            return aggregator.toBytes();
        }

        @Override
        public int emptySize() {
            return AggregatedRecordFormat.OVERHEAD_BYTES;
        }

        @Override
        public boolean packsSingleRecords() {
            return false; // an aggregate of one is sent as the record itself
        }
    }
}
