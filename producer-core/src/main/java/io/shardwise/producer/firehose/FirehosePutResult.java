package io.shardwise.producer.firehose;

import io.shardwise.producer.Attempt;
import java.util.List;
import java.util.Objects;

/**
 * Where a user record went: the id Firehose gave the Firehose record that carried it, and every
 * attempt made (the successful one last). With packing, several user records share one record id;
 * {@link #positionInRecord()} tells which part of it this one is.
 */
public final class FirehosePutResult {
    private final String recordId;
    private final boolean packed;
    private final long positionInRecord;
    private final List<Attempt> attempts;

    /**
     * @param recordId the Firehose record id (empty if the service returned none)
     * @param packed whether the record travelled packed with a delimiter
     * @param positionInRecord its position among the user records of that Firehose record (0 when alone)
     * @param attempts every attempt, the successful one last
     */
    public FirehosePutResult(String recordId, boolean packed, long positionInRecord, List<Attempt> attempts) {
        this.recordId = Objects.requireNonNull(recordId, "recordId");
        this.packed = packed;
        this.positionInRecord = positionInRecord;
        this.attempts = List.copyOf(attempts);
    }

    /** @return the id of the Firehose record that carried this user record */
    public String recordId() {
        return recordId;
    }

    /** @return whether it travelled packed (delimiter-terminated, possibly with other user records) */
    public boolean isPacked() {
        return packed;
    }

    /** @return its position among the user records of the Firehose record (0 when alone or first) */
    public long positionInRecord() {
        return positionInRecord;
    }

    /** @return every attempt, oldest first; the last one succeeded */
    public List<Attempt> attempts() {
        return attempts;
    }

    @Override
    public String toString() {
        return "FirehosePutResult{recordId=" + recordId + (packed ? ", packed at " + positionInRecord : "")
                + ", attempts=" + attempts.size() + "}";
    }
}
