package io.shardwise.producer;

/**
 * The record's data plus its partition key (UTF-8 bytes) exceed
 * {@link ProducerConfig#maxRecordSize()} (1 MiB by default, the Kinesis per-record limit), or a
 * Firehose record (with its packing delimiter) exceeds 1,000 KiB or
 * {@link io.shardwise.producer.firehose.FirehoseProducerConfig#packingMaxSize()}.
 */
public final class RecordTooLargeException extends InvalidUserRecordException {
    private static final long serialVersionUID = 1L;

    /**
     * @param limit the limit broken
     * @param message the record's size and the limit
     */
    public RecordTooLargeException(String limit, String message) {
        super(limit, message);
    }
}
