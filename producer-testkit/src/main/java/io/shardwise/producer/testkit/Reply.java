package io.shardwise.producer.testkit;

/**
 * What the transport does with a request: send {@code length} bytes of {@code body} with a status
 * (after {@code delayNanos} if positive), or drop it without an answer. Immutable, but {@code body}
 * is the handling thread's reusable buffer: the transport copies it out before that thread handles
 * another request.
 */
final class Reply {
    static final Reply DROP = new Reply(0, null, null, 0, null, 0, true);

    final int status;
    final String contentType;
    final byte[] body;
    final int length;
    /** Error code for the {@code x-amzn-ErrorType} header, or null. */
    final String errorType;
    final long delayNanos;
    final boolean drop;

    Reply(int status, String contentType, byte[] body, int length, String errorType, long delayNanos, boolean drop) {
        this.status = status;
        this.contentType = contentType;
        this.body = body;
        this.length = length;
        this.errorType = errorType;
        this.delayNanos = delayNanos;
        this.drop = drop;
    }

    /** @return this reply, answered after {@code nanos} */
    Reply delayed(long nanos) {
        return drop ? this : new Reply(status, contentType, body, length, errorType, nanos, false);
    }
}
