package io.shardwise.producer;

/** The partition key was null, empty, longer than 256 characters (the Kinesis limit), or not valid Unicode (an unpaired surrogate: Kinesis keys are UTF-8 strings). */
public final class InvalidPartitionKeyException extends InvalidUserRecordException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the limit broken
     * @param message what was wrong with the key
     */
    public InvalidPartitionKeyException(String limit, String message) {
        super(limit, message);
    }
}
