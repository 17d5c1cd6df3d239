package io.shardwise.producer;

import java.util.List;

/**
 * A record was accepted by {@code addUserRecord} but was not delivered. It reaches the caller as
 * the failure of the record's future. {@link #attempts()} lists every PutRecords attempt made for the
 * record, oldest first (empty when it was never sent).
 *
 * <p>Subclasses say why: {@link StreamNotFoundException}, {@link RecordRejectedException},
 * {@link RetriesExhaustedException}, {@link RecordExpiredException}, {@link ProducerClosedException}.
 */
public class RecordFailedException extends ShardwiseException {
    private static final long serialVersionUID = 1L;

    private final transient List<Attempt> attempts;

    /**
     * @param message why the record failed and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public RecordFailedException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, cause);
        this.attempts = List.copyOf(attempts);
    }

    /** @return every PutRecords attempt made for this record, oldest first; never {@code null} */
    public List<Attempt> attempts() {
        return attempts == null ? List.of() : attempts;
    }
}
