package io.shardwise.producer;

import java.util.List;

/** The record failed on every attempt allowed by {@link ProducerConfig#maxAttempts()}. */
public final class RetriesExhaustedException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public RetriesExhaustedException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
