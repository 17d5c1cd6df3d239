package io.shardwise.producer;

import java.util.List;

/** The record was not delivered within {@link ProducerConfig#recordTtl()} of being added. */
public final class RecordExpiredException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public RecordExpiredException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
