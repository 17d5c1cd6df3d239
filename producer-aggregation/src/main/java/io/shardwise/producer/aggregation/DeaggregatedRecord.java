package io.shardwise.producer.aggregation;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One user record returned by a {@link Deaggregator}: either a user record unpacked from an
 * aggregated Kinesis record, or a non-aggregated Kinesis record passed through unchanged.
 *
 * <p>Immutable and thread-safe: {@link #data()} returns a copy; {@link #dataBuffer()} returns a
 * read-only view without copying.
 */
public final class DeaggregatedRecord {

  private final String partitionKey;
  private final String explicitHashKey;
  private final byte[] data;
  private final String sequenceNumber;
  private final long subSequenceNumber;
  private final boolean aggregated;

  /** Takes ownership of {@code data}: callers pass an array nobody else holds. */
  DeaggregatedRecord(
      String partitionKey,
      String explicitHashKeyOrNull,
      byte[] data,
      String sequenceNumberOrNull,
      long subSequenceNumber,
      boolean aggregated) {
    this.partitionKey = Objects.requireNonNull(partitionKey, "partitionKey");
    this.explicitHashKey = explicitHashKeyOrNull;
    this.data = Objects.requireNonNull(data, "data");
    this.sequenceNumber = sequenceNumberOrNull;
    this.subSequenceNumber = subSequenceNumber;
    this.aggregated = aggregated;
  }

  /**
   * Returns the user record's partition key (for a pass-through record, the Kinesis record's).
   *
   * @return the partition key, never {@code null}
   */
  public String partitionKey() {
    return partitionKey;
  }

  /**
   * Returns the user record's explicit hash key, if the producer gave one.
   *
   * @return the explicit hash key in decimal, or empty
   */
  public Optional<String> explicitHashKey() {
    return Optional.ofNullable(explicitHashKey);
  }

  /**
   * Returns a copy of the user record's data.
   *
   * @return a new array holding the data
   */
  public byte[] data() {
    return data.clone();
  }

  /**
   * Returns the user record's data as a read-only buffer, without copying.
   *
   * @return a read-only buffer positioned at 0 whose remaining bytes are the data
   */
  public ByteBuffer dataBuffer() {
    return ByteBuffer.wrap(data).asReadOnlyBuffer();
  }

  /**
   * Returns the length of the user record's data.
   *
   * @return the data length, in bytes
   */
  public int dataLength() {
    return data.length;
  }

  /**
   * Returns the sequence number of the Kinesis record that carried this user record; every user
   * record of one aggregate shares it.
   *
   * @return the sequence number, or empty when deaggregating plain bytes
   */
  public Optional<String> sequenceNumber() {
    return Optional.ofNullable(sequenceNumber);
  }

  /**
   * Returns the user record's index within its aggregate (0 for a non-aggregated record). Together
   * with {@link #sequenceNumber()} it identifies the user record; hash-range filtering does not
   * renumber the records that remain.
   *
   * @return the sub-sequence number, at least 0
   */
  public long subSequenceNumber() {
    return subSequenceNumber;
  }

  /**
   * Tells whether this user record was unpacked from an aggregated Kinesis record.
   *
   * @return {@code true} if it came from an aggregate, {@code false} if it is a pass-through record
   */
  public boolean aggregated() {
    return aggregated;
  }

  /**
   * Compares every field, data by content.
   *
   * @param o the object to compare with
   * @return {@code true} if {@code o} is a {@code DeaggregatedRecord} with equal fields
   */
  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof DeaggregatedRecord)) {
      return false;
    }
    DeaggregatedRecord that = (DeaggregatedRecord) o;
    return subSequenceNumber == that.subSequenceNumber
        && aggregated == that.aggregated
        && partitionKey.equals(that.partitionKey)
        && Objects.equals(explicitHashKey, that.explicitHashKey)
        && Arrays.equals(data, that.data)
        && Objects.equals(sequenceNumber, that.sequenceNumber);
  }

  /**
   * Hashes every field, data by content.
   *
   * @return the hash code
   */
  @Override
  public int hashCode() {
    int h = Objects.hash(partitionKey, explicitHashKey, sequenceNumber, subSequenceNumber, aggregated);
    return 31 * h + Arrays.hashCode(data);
  }

  /**
   * Describes the record's keys, numbers and data length (not the data itself).
   *
   * @return a short description for logs
   */
  @Override
  public String toString() {
    return "DeaggregatedRecord[partitionKey=" + partitionKey
        + (explicitHashKey == null ? "" : ", explicitHashKey=" + explicitHashKey)
        + ", sequenceNumber=" + sequenceNumber
        + ", subSequenceNumber=" + subSequenceNumber
        + ", aggregated=" + aggregated
        + ", dataLength=" + data.length + "]";
  }
}
