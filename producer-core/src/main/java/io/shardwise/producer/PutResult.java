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
    private final long subSequenceNumber;
    private final boolean aggregated;
    private final List<Attempt> attempts;

    /**
     * @param shardId the shard Kinesis stored the record in
     * @param sequenceNumber the sequence number of the Kinesis record that carried it
     * @param subSequenceNumber its index within that Kinesis record when aggregated, else 0
     * @param aggregated whether it travelled inside an aggregated Kinesis record
     * @param attempts every attempt, oldest first, the last one successful
     */
    public PutResult(String shardId, String sequenceNumber, long subSequenceNumber, boolean aggregated, List<Attempt> attempts) {
        this.shardId = Objects.requireNonNull(shardId, "shardId");
        this.sequenceNumber = Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        this.subSequenceNumber = subSequenceNumber;
        this.aggregated = aggregated;
        this.attempts = List.copyOf(attempts);
    }

    /** @return the user record's index inside its aggregated Kinesis record; 0 when not aggregated */
    public long subSequenceNumber() {
        return subSequenceNumber;
    }

    /** @return whether the user record travelled inside an aggregated Kinesis record */
    public boolean isAggregated() {
        return aggregated;
    }

    /** @return the id of the shard Kinesis stored the record in, e.g. {@code shardId-000000000003} */
    public String shardId() {
        return shardId;
    }

    /** @return the sequence number Kinesis assigned to the Kinesis record that carried the user record */
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
                + (aggregated ? ", subSequenceNumber=" + subSequenceNumber : "") + ", attempts=" + attempts.size() + '}';
    }
}
