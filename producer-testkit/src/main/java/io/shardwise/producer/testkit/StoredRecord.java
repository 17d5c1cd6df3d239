package io.shardwise.producer.testkit;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;

/**
 * A record {@link FakeKinesis} accepted and stored: where it landed and what it held.
 *
 * <p>Immutable, except that {@link #data()} returns the stored array itself (no copy, for speed):
 * do not modify it.
 */
public final class StoredRecord {
    private final String stream;
    private final String shardId;
    private final String sequenceNumber;
    private final long sequence;
    private final String partitionKey;
    private final String explicitHashKey;
    private final long hashHi;
    private final long hashLo;
    private final byte[] data;
    private final Instant arrivalTime;

    StoredRecord(String stream, String shardId, String sequenceNumber, long sequence, String partitionKey,
            String explicitHashKey, long hashHi, long hashLo, byte[] data, Instant arrivalTime) {
        this.stream = stream;
        this.shardId = shardId;
        this.sequenceNumber = sequenceNumber;
        this.sequence = sequence;
        this.partitionKey = partitionKey;
        this.explicitHashKey = explicitHashKey;
        this.hashHi = hashHi;
        this.hashLo = hashLo;
        this.data = data;
        this.arrivalTime = arrivalTime;
    }

    /** @return the stream's name */
    public String stream() {
        return stream;
    }

    /** @return the shard the record was stored on, e.g. {@code shardId-000000000001} */
    public String shardId() {
        return shardId;
    }

    /** @return the sequence number returned to the client (a 56-digit decimal string) */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /**
     * @return the stream-wide arrival index behind the sequence number: increasing in the order the
     *     endpoint stored records, across all shards of the stream
     */
    public long arrivalIndex() {
        return sequence;
    }

    /** @return the partition key as sent */
    public String partitionKey() {
        return partitionKey;
    }

    /** @return the explicit hash key as sent, if any */
    public Optional<String> explicitHashKey() {
        return Optional.ofNullable(explicitHashKey);
    }

    /** @return the 128-bit hash key used for routing: the explicit hash key or MD5 of the partition key */
    public BigInteger hashKey() {
        return HashKeys.toBigInteger(hashHi, hashLo);
    }

    /** @return the record's data: the stored array itself, not a copy; do not modify it */
    public byte[] data() {
        return data;
    }

    /** @return the data decoded as UTF-8 */
    public String dataAsUtf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** @return when the request that carried the record arrived */
    public Instant arrivalTime() {
        return arrivalTime;
    }

    @Override
    public String toString() {
        return "StoredRecord{" + stream + "/" + shardId + " seq=" + sequenceNumber + " key=" + partitionKey
                + (explicitHashKey != null ? " ehk=" + explicitHashKey : "") + " " + data.length + " bytes}";
    }
}
