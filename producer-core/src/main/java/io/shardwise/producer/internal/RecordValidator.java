package io.shardwise.producer.internal;

import io.shardwise.producer.InvalidExplicitHashKeyException;
import io.shardwise.producer.InvalidPartitionKeyException;
import io.shardwise.producer.InvalidUserRecordException;
import io.shardwise.producer.RecordTooLargeException;
import io.shardwise.producer.firehose.RecordContainsDelimiterException;

/** The limits a user record must meet before it is accepted; each breach is a typed exception. */
final class RecordValidator {
    /** The Kinesis limit on partition key length, in characters. */
    static final int MAX_PARTITION_KEY_LENGTH = 256;
    /**
     * The Kinesis pattern for ExplicitHashKey ({@code 0|([1-9]\d{0,38})} in the PutRecordsRequestEntry API
     * reference), written with ASCII digits.
     */
    static final String EXPLICIT_HASH_KEY_PATTERN = "0|[1-9][0-9]{0,38}";

    private RecordValidator() {
    }

    static void checkStream(String stream) {
        if (stream == null || stream.isEmpty()) {
            throw new InvalidUserRecordException("streamName.required",
                    "streamName is required: pass it with the record or set a default with KinesisProducer.builder().streamName(...)");
        }
        if (StreamArns.isArn(stream)) {
            String problem = StreamArns.problem(stream);
            if (problem != null) {
                throw new InvalidUserRecordException("streamArn.format=arn:<partition>:kinesis:<region>:<account-id>:stream/<name>",
                        "stream ARN '" + stream + "' " + problem + "; a stream ARN reads arn:<partition>:kinesis:<region>:<account-id>:stream/<name>,"
                                + " e.g. arn:aws:kinesis:us-east-1:123456789012:stream/orders");
            }
        }
    }

    static void checkPartitionKey(String key) {
        if (key == null) {
            throw new InvalidPartitionKeyException("partitionKey.required", "partitionKey must not be null");
        }
        if (key.isEmpty()) {
            throw new InvalidPartitionKeyException("partitionKey.minLength=1", "partitionKey must not be empty (Kinesis requires 1..256 characters)");
        }
        if (key.length() > MAX_PARTITION_KEY_LENGTH) {
            throw new InvalidPartitionKeyException("partitionKey.maxLength=256",
                    "partitionKey has " + key.length() + " characters; Kinesis allows at most " + MAX_PARTITION_KEY_LENGTH);
        }
        int n = key.length();
        for (int i = 0; i < n; i++) {
            // Fast path: only chars in the surrogate range (U+D800..U+DFFF) need a second look.
            char c = key.charAt(i);
            if (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(key.charAt(i + 1))) {
                    i++;
                } else {
                    throw unpairedSurrogate(key, i);
                }
            }
        }
    }

    /**
     * An unpaired surrogate has no UTF-8 form: unaggregated the SDK cannot send the key, and inside an aggregate
     * it would be written as '?', so the key consumers read would not be the one given.
     */
    private static InvalidPartitionKeyException unpairedSurrogate(String key, int at) {
        char c = key.charAt(at);
        String what = Character.isHighSurrogate(c)
                ? (at + 1 < key.length() ? "a high surrogate not followed by a low surrogate" : "a high surrogate at the end of the key")
                : "a low surrogate not preceded by a high surrogate";
        return new InvalidPartitionKeyException("partitionKey.encoding=UTF-8", String.format(
                "partitionKey has an unpaired surrogate (U+%04X, %s) at index %d; a partition key must be valid Unicode"
                        + " (Kinesis keys are UTF-8 strings, and an unpaired surrogate has no UTF-8 form)", (int) c, what, at));
    }

    static void checkData(byte[] data) {
        if (data == null) {
            throw new InvalidUserRecordException("data.required", "data must not be null (use an empty array for an empty record)");
        }
    }

    /**
     * Parses an explicit hash key as Kinesis does: it must match {@link #EXPLICIT_HASH_KEY_PATTERN} (decimal
     * digits only: no sign, spaces or leading zeros; at most 39 digits) and be at most 2^128-1. Anything else
     * would make the service reject the whole PutRecords request, failing every valid record in it.
     *
     * @return the parsed hash key
     * @throws InvalidExplicitHashKeyException naming the rule broken: limit {@code explicitHashKey.pattern=...}
     *     for the format, {@code explicitHashKey.range=0..2^128-1} for a well-formed value over 2^128-1
     */
    static java.math.BigInteger parseExplicitHashKey(String explicitHashKey) {
        java.math.BigInteger v = HashKeys.parseOrNull(explicitHashKey);
        if (v != null) {
            return v;
        }
        String rule = "explicitHashKey must be a decimal integer between 0 and 2^128-1 (" + HashKeys.MAX
                + ") matching the Kinesis pattern " + EXPLICIT_HASH_KEY_PATTERN
                + " (decimal digits only: no sign, spaces or leading zeros; at most 39 digits)";
        String shown = explicitHashKey == null ? "null"
                : "'" + (explicitHashKey.length() > 50 ? explicitHashKey.substring(0, 50) + "..." : explicitHashKey) + "'";
        String broken = explicitHashKeyFormatError(explicitHashKey);
        if (broken == null) {
            throw new InvalidExplicitHashKeyException("explicitHashKey.range=0..2^128-1",
                    rule + "; " + shown + " is larger than 2^128-1");
        }
        throw new InvalidExplicitHashKeyException("explicitHashKey.pattern=" + EXPLICIT_HASH_KEY_PATTERN,
                rule + "; " + shown + " " + broken);
    }

    /** @return what breaks the pattern, or {@code null} if the key matches it */
    private static String explicitHashKeyFormatError(String s) {
        if (s == null || s.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                String what = Character.isWhitespace(c) || Character.isSpaceChar(c) ? "whitespace"
                        : i == 0 && (c == '+' || c == '-') ? "a sign" : "a character other than 0-9";
                return "has " + what + " at index " + i;
            }
        }
        if (s.length() > 1 && s.charAt(0) == '0') {
            return "has a leading zero";
        }
        if (s.length() > 39) {
            return "has " + s.length() + " digits";
        }
        return null;
    }

    static void checkSize(int dataLength, int keyUtf8Length, int maxRecordSize) {
        long size = (long) dataLength + keyUtf8Length;
        if (size > maxRecordSize) {
            throw new RecordTooLargeException("maxRecordSize=" + maxRecordSize,
                    "record is " + size + " bytes (data " + dataLength + " + partition key " + keyUtf8Length
                            + " UTF-8 bytes); the limit is " + maxRecordSize + " bytes (ProducerConfig.maxRecordSize; a stream accepts 1 MiB unless"
                            + " configured for up to 10 MiB)");
        }
    }

    /** A record checked against the maximum its stream declares (read with DescribeStreamSummary). */
    static void checkStreamSize(int dataLength, int keyUtf8Length, int streamMaxRecordSize, String describedStream) {
        long size = (long) dataLength + keyUtf8Length;
        if (size > streamMaxRecordSize) {
            throw new RecordTooLargeException("stream.maxRecordSizeInKiB=" + streamMaxRecordSize / 1024,
                    "record is " + size + " bytes (data " + dataLength + " + partition key " + keyUtf8Length + " UTF-8 bytes); "
                            + describedStream + " accepts at most " + streamMaxRecordSize + " bytes (its MaxRecordSizeInKiB is "
                            + streamMaxRecordSize / 1024 + ", read with DescribeStreamSummary; raise it with UpdateMaxRecordSize,"
                            + " up to 10 MiB)");
        }
    }

    static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n += 1;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    static void checkDeliveryStream(String deliveryStream) {
        if (deliveryStream == null || deliveryStream.isEmpty()) {
            throw new InvalidUserRecordException("deliveryStreamName.required",
                    "deliveryStreamName is required: pass it with the record or set a default with FirehoseProducer.builder().deliveryStreamName(...)");
        }
    }

    /** Firehose packing: the delimiter may only end the record (see {@link DelimitedPacker#delimiterPosition}). */
    static void checkNoDelimiter(byte[] data, byte[] delimiter) {
        int at = DelimitedPacker.delimiterPosition(data, delimiter);
        if (at >= 0) {
            throw new RecordContainsDelimiterException("packingDelimiter",
                    "record of " + data.length + " bytes contains the packing delimiter at byte " + at
                            + "; with packing on, the delimiter may only end a record (consumers split packed records on it)."
                            + " Escape it in the data, choose another delimiter, or turn packing off");
        }
    }

    /**
     * @param delimiterLength delimiter bytes packing adds (0 without packing)
     * @param option the option that sets {@code limit}
     */
    static void checkFirehoseSize(int dataLength, int delimiterLength, int limit, String option) {
        long size = (long) dataLength + delimiterLength;
        if (size > limit) {
            throw new RecordTooLargeException(option + "=" + limit, "record is " + size + " bytes (data " + dataLength
                    + (delimiterLength > 0 ? " + delimiter " + delimiterLength : "") + "); the limit is " + limit
                    + " bytes (FirehoseProducerConfig." + option + "; Firehose allows 1,000 KiB per record)");
        }
    }
}
