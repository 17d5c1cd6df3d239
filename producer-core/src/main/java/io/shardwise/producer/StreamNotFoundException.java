package io.shardwise.producer;

import java.util.List;

/** The stream (or Firehose delivery stream) does not exist: the service answered ResourceNotFoundException. Create it or fix its name; the producer does not retry this. */
public final class StreamNotFoundException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public StreamNotFoundException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
