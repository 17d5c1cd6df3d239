package io.shardwise.producer.aggregation;

/**
 * What a {@link Deaggregator} does with a record that starts with the aggregated-record magic bytes
 * but is not a valid aggregate (truncated, wrong MD5, unparsable protobuf, key index out of range,
 * or — when hash-range filtering is on — an explicit hash key that is not a decimal number).
 */
public enum InvalidRecordPolicy {

  /** Throw an {@link InvalidAggregatedRecordException} that says what was wrong. The default. */
  FAIL,

  /**
   * Return the Kinesis record unchanged, as a single non-aggregated record. This is what the KCL
   * does: a record whose data merely happens to start with the magic bytes is then delivered as
   * the producer wrote it.
   */
  PASS_THROUGH
}
