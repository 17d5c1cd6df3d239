package io.shardwise.producer;

/**
 * Base type of every exception Shardwise throws or completes a future with.
 *
 * <p>Two families derive from it: {@link InvalidUserRecordException} (thrown synchronously by an
 * {@code addUserRecord} call, nothing was enqueued) and {@link RecordFailedException} (a record was
 * accepted but could not be delivered; it reaches the caller through the record's future).
 */
public class ShardwiseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong and, where possible, what to do about it
     * @param cause the underlying error, or {@code null}
     */
    public ShardwiseException(String message, Throwable cause) {
        super(message, cause);
    }
}
