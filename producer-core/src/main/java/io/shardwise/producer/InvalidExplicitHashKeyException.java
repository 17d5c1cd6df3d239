package io.shardwise.producer;

/** The explicit hash key was not a decimal integer in the range 0 .. 2^128-1 written as Kinesis requires: pattern {@code 0|([1-9]\d{0,38})} (digits only, no sign, spaces or leading zeros). */
public final class InvalidExplicitHashKeyException extends InvalidUserRecordException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the limit broken
     * @param message what was wrong with the hash key
     */
    public InvalidExplicitHashKeyException(String limit, String message) {
        super(limit, message);
    }
}
