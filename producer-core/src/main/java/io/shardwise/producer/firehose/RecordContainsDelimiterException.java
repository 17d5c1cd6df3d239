package io.shardwise.producer.firehose;

import io.shardwise.producer.InvalidUserRecordException;

/**
 * With packing on, the record contains the packing delimiter somewhere other than at its very end,
 * so a consumer splitting the packed Firehose record on the delimiter would cut it in two. Nothing
 * was enqueued. A record may end with the delimiter (it is then not added twice).
 */
public final class RecordContainsDelimiterException extends InvalidUserRecordException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the rule broken ({@code "packingDelimiter"})
     * @param message where the delimiter was found and what to do
     */
    public RecordContainsDelimiterException(String limit, String message) {
        super(limit, message);
    }
}
