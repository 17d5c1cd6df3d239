package io.shardwise.producer;

import java.util.List;
import java.util.Objects;

/**
 * Where an acknowledged user record landed: the shard Kinesis stored it in, its sequence number,
 * and every attempt it took (the last one successful).
 *
 * <p>Immutable.
 */
public final class PutResult {
    private final String shardId;
    private final String sequenceNumber;
    private final List<Attempt> attempts;

    /**
     * @param shardId the shard Kinesis stored the record in
     * @param sequenceNumber the record's sequence number in that shard
     * @param attempts every attempt, oldest first, the last one successful
     */
    public PutResult(String shardId, String sequenceNumber, List<Attempt> attempts) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.sequenceNumber = Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        this.attempts = List.copyOf(attempts);
    }

    /** @return the id of the shard Kinesis stored the record in, e.g. {@code shardId-000000000003} */
    public String shardId() {
        return shardId;
    }

    /** @return the sequence number Kinesis assigned */
    public String sequenceNumber() {
        return sequenceNumber;
    }

    /** @return every attempt, oldest first; the last one is the successful one */
    public List<Attempt> attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "PutResult{shardId=" + shardId + ", sequenceNumber=" + sequenceNumber
                + ", attempts=" + attempts.size() + '}';
    }
}
