package io.shardwise.producer.internal;

/**
 * How the accumulator packs user records into request entries: KPL aggregated Kinesis records (limits
 * include the entry's partition key; optionally one partition key per aggregate), or, with a
 * delimiter, Firehose records of delimiter-terminated user records (no keys).
 *
 * @param maxSize largest entry, partition key included
 * @param maxCount most user records per entry
 * @param preserveKeys aggregate only records sharing partition key and explicit hash key, sent under that key
 * @param delimiter Firehose packing: what ends each user record; {@code null} for KPL aggregation
 * @param maxMemberSize largest user record (data plus key) that is packed; larger ones travel as themselves
 */
record Aggregation(int maxSize, int maxCount, boolean preserveKeys, byte[] delimiter, int maxMemberSize) {
    /** KPL aggregation of every record that fits. */
    Aggregation(int maxSize, int maxCount, boolean preserveKeys) {
        this(maxSize, maxCount, preserveKeys, null, Integer.MAX_VALUE);
    }

    /** @return whether entries are KPL aggregates (else delimiter-joined Firehose records) */
    boolean kplFormat() {
        return delimiter == null;
    }
}
