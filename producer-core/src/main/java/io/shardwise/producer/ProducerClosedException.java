package io.shardwise.producer;

import java.util.List;

/** The producer was closed: thrown by {@code addUserRecord} after {@code close()}, and the failure of every record still undelivered when {@code close(Duration)} ran out of time. A record that was in flight at that moment may still have been written by Kinesis. */
public final class ProducerClosedException extends RecordFailedException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened and what to do about it
     * @param attempts every attempt made, oldest first
     * @param cause the underlying error, or {@code null}
     */
    public ProducerClosedException(String message, List<Attempt> attempts, Throwable cause) {
        super(message, attempts, cause);
    }
}
