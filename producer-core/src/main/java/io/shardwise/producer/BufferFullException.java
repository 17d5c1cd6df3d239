package io.shardwise.producer;

/**
 * {@code addUserRecord} found the producer's buffer full ({@link ProducerConfig#maxOutstandingRecords()}
 * or {@link ProducerConfig#maxOutstandingBytes()} reached) and no room freed up within
 * {@link ProducerConfig#maxBlockTime()}. Nothing was enqueued: slow down, or raise the bounds if
 * the heap allows. Thrown by the add call, never delivered through a future.
 */
public final class BufferFullException extends ShardwiseException {
    private static final long serialVersionUID = 1L;

    /** @param message the bound reached and how long the call waited */
    public BufferFullException(String message) {
        super(message, null);
    }
}
