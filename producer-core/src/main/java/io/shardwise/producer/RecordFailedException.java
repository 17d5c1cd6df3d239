package io.shardwise.producer;

import java.util.List;

/**
 * A record was accepted by {@code addUserRecord} but was not delivered. It reaches the caller as
 * the failure of the record's future. {@link #attempts()} lists every PutRecords attempt made for the
 * record, oldest first (empty when it was never sent).
 *
 * <p>Subclasses say why: {@link StreamNotFoundException}, {@link RecordRejectedException},
 * {@link RetriesExhaustedException}, {@link RecordExpiredException}, {@link RecordThrottledException},
 * {@link ProducerClosedException}, {@link ProducerFailedException}, {@link PrecedingRecordFailedException}.
 *
 * <p>{@link #userRecord()} gives the record that failed (stream, partition key, explicit hash key and
 * data), so a handler that only sees the exception can log, park or re-send it (the KPL's
 * {@code ReturnUserRecordOnFailure}, always on here).
 */
public class RecordFailedException extends ShardwiseException {
    private static final long serialVersionUID = 1L;

    private final transient List<Attempt> attempts;
    private transient volatile UserRecord userRecord;

    /**
     * @param message why the record failed and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public RecordFailedException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, cause);
        this.attempts = List.copyOf(attempts);
    }

    /**
     * @return the record that failed: its stream (or delivery stream), partition key, explicit hash
     *     key and data (the same array that was added, not a copy); empty only for an exception not
     *     completed by a producer
     */
    public java.util.Optional<UserRecord> userRecord() {
        return java.util.Optional.ofNullable(userRecord);
    }

    /**
     * Names the record this failure is about. The producer calls it once, before it completes the
     * record's future with this exception; later calls are ignored.
     *
     * @param record the failed record
     * @return this exception
     */
    public RecordFailedException withUserRecord(UserRecord record) {
        if (userRecord == null) {
            userRecord = record;
        }
        return this;
    }

    /** @return every PutRecords attempt made for this record, oldest first; never {@code null} */
    public List<Attempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }
}
