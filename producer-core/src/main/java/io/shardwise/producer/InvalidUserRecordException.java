package io.shardwise.producer;

/**
 * A user record broke a limit and was rejected by the {@code addUserRecord} call that passed it.
 * Nothing was enqueued. The message names the limit; {@link #limit()} names it for programs.
 */
public class InvalidUserRecordException extends ShardwiseException {
    private static final long serialVersionUID = 1L;

    private final String limit;

    /**
     * @param limit short name of the limit broken, e.g. {@code "partitionKey.maxLength=256"}
     * @param message a sentence naming the limit and the offending value's size (never its content)
     */
    public InvalidUserRecordException(String limit, String message) {
        super(message, null);
        this.limit = limit;
    }

    /** @return the short name of the limit that was broken, e.g. {@code "maxRecordSize=1048576"} */
    public String limit() {
        return limit;
    }
}
