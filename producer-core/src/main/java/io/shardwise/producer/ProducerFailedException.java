package io.shardwise.producer;

import java.util.List;

/**
 * The producer can no longer send: its sender thread died of an unexpected error (named in the
 * message and as the cause). Every record outstanding at that moment fails with it, and every later
 * {@code addUserRecord} throws it. The producer's {@link ProducerStats#senderFailure()} says the same.
 * Close the producer and build a new one; report the cause, it is a defect or a broken environment.
 */
public final class ProducerFailedException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made for the record, oldest first (empty when thrown by {@code addUserRecord})
     * @param cause what killed the sender thread
     */
    public ProducerFailedException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
