package io.shardwise.producer;

/**
 * The record's data plus its partition key (UTF-8 bytes) exceed the stream's own maximum record
 * size ({@code MaxRecordSizeInKiB}, read with DescribeStreamSummary: limit
 * {@code stream.maxRecordSizeInKiB=N}) or {@link ProducerConfig#maxRecordSize()} (10 MiB by default;
 * limit {@code maxRecordSize=N}), or a
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
