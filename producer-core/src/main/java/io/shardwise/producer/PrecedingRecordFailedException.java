package io.shardwise.producer;

import java.util.List;

/**
 * With {@link Ordering#KEY_STRICT}, a record of the same key added before this one failed for good
 * (its failure is the {@linkplain #getCause() cause}), so this record was not sent: storing it would
 * leave a gap in the key's sequence that no consumer could see. Re-add the records of the key in
 * order, from the first that failed, if they should still be stored.
 */
public final class PrecedingRecordFailedException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made for this record, oldest first
     * @param cause the failure of the earlier record of the same key
     */
    public PrecedingRecordFailedException(String message, List<Attempt> attempts, RecordFailedException cause) {
        super(message, attempts, cause);
    }
}
