package io.shardwise.producer;

import java.util.List;

/**
 * The record was throttled (ProvisionedThroughputExceededException, or the stream's or account's
 * limit) and {@link ProducerConfig#failIfThrottled()} is on, so it was not retried. Its last attempt
 * names the throttling error. Send it again later, or shed it.
 */
public final class RecordThrottledException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made, oldest first (the last one throttled)
     * @param cause the underlying error, or {@code null}
     */
    public RecordThrottledException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
