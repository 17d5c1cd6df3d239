package io.shardwise.producer.aggregation;

import java.util.Objects;
import java.util.Optional;

/**
 * Thrown by a {@link Deaggregator} with {@link InvalidRecordPolicy#FAIL} when a Kinesis record
 * starts with the aggregated-record magic bytes but is not a valid aggregate. The message says
 * what was wrong and which record it was (partition key and sequence number, when known).
 */
public final class InvalidAggregatedRecordException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** What was wrong with the record. */
  public enum Reason {
    /** Too short to hold the magic bytes, a protobuf message and the 16-byte digest. */
    TRUNCATED,
    /** The trailing 16 bytes are not the MD5 of the protobuf bytes. */
    DIGEST_MISMATCH,
    /** The protobuf bytes are not a valid {@code AggregatedRecord} message. */
    UNPARSABLE,
    /** A user record points outside the partition-key or explicit-hash-key table. */
    KEY_INDEX_OUT_OF_RANGE,
    /** An explicit hash key is not a decimal number in 0..2^128-1 (checked only when filtering). */
    INVALID_EXPLICIT_HASH_KEY
  }

  /** What was wrong. */
  private final Reason reason;
  /** The failing Kinesis record's partition key, or {@code null}. */
  private final String partitionKey;
  /** The failing Kinesis record's sequence number, or {@code null}. */
  private final String sequenceNumber;

  InvalidAggregatedRecordException(
      Reason reason, String detail, String partitionKey, String sequenceNumber, Throwable cause) {
    super(message(reason, detail, partitionKey, sequenceNumber), cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.partitionKey = partitionKey;
    this.sequenceNumber = sequenceNumber;
  }

  private static String message(
      Reason reason, String detail, String partitionKey, String sequenceNumber) {
    StringBuilder sb = new StringBuilder("Invalid aggregated Kinesis record (")
        .append(reason).append("): ").append(detail);
    sb.append(" [partitionKey=").append(partitionKey);
    if (sequenceNumber != null) {
      sb.append(", sequenceNumber=").append(sequenceNumber);
    }
    sb.append("]. Use InvalidRecordPolicy.PASS_THROUGH to receive such records unchanged.");
    return sb.toString();
  }

  /**
   * Returns what was wrong.
   *
   * @return the reason, never {@code null}
   */
  public Reason reason() {
    return reason;
  }

  /**
   * Returns the partition key of the Kinesis record that failed.
   *
   * @return the partition key, if known
   */
  public Optional<String> partitionKey() {
    return Optional.ofNullable(partitionKey);
  }

  /**
   * Returns the sequence number of the Kinesis record that failed.
   *
   * @return the sequence number, if known
   */
  public Optional<String> sequenceNumber() {
    return Optional.ofNullable(sequenceNumber);
  }
}
