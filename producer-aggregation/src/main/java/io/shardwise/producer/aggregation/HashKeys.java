package io.shardwise.producer.aggregation;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/** The Kinesis hash-key space: 0 .. 2^128-1, and a record's effective hash key. */
final class HashKeys {

  /** The largest hash key, 2^128-1. */
  static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private HashKeys() {}

  /**
   * Returns the hash key Kinesis routes a record by: the explicit hash key if present, else the MD5
   * of the partition key's UTF-8 bytes read as an unsigned 128-bit big-endian number.
   *
   * @throws NumberFormatException if the explicit hash key is not a decimal number
   */
  static BigInteger effectiveHashKey(String partitionKey, String explicitHashKeyOrNull) {
    if (explicitHashKeyOrNull != null) {
      return new BigInteger(explicitHashKeyOrNull);
    }
    byte[] md5 =
        AggregatedRecordFormat.newMd5().digest(partitionKey.getBytes(StandardCharsets.UTF_8));
    return new BigInteger(1, md5);
  }

  static boolean inRange(BigInteger hashKey) {
    return hashKey.signum() >= 0 && hashKey.compareTo(MAX) <= 0;
  }
}
