package io.shardwise.producer.aggregation;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Constants and helpers of the KPL aggregated-record format.
 *
 * <p>An aggregated Kinesis record's data is:
 *
 * <pre>
 * F3 89 9A C2 | protobuf AggregatedRecord | MD5(protobuf bytes), 16 bytes
 * </pre>
 *
 * <p>The {@code AggregatedRecord} message (proto2) holds a partition-key table, an explicit-hash-key
 * table and the user records, each pointing into the tables by index; see {@code
 * kpl_aggregation.proto}. This class is stateless and thread-safe.
 */
public final class AggregatedRecordFormat {

  /** Length of the magic prefix, in bytes. */
  public static final int MAGIC_LENGTH = 4;

  /** Length of the MD5 digest that trails the protobuf bytes, in bytes. */
  public static final int DIGEST_LENGTH = 16;

  /**
   * Bytes an aggregated record adds around its protobuf message: the magic prefix plus the
   * trailing digest ({@value}).
   */
  public static final int OVERHEAD_BYTES = MAGIC_LENGTH + DIGEST_LENGTH;

  /**
   * The magic prefix {@code F3 89 9A C2} as a big-endian {@code int}, for callers who want a
   * constant; {@link #magic()} returns the same bytes as an array.
   */
  public static final int MAGIC_INT = 0xF3899AC2;

  private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};

  private AggregatedRecordFormat() {}

  /**
   * Returns the magic prefix {@code F3 89 9A C2}.
   *
   * @return a fresh copy of the four magic bytes (callers may modify it)
   */
  public static byte[] magic() {
    return MAGIC.clone();
  }

  /**
   * Tells whether {@code data} carries the aggregated-record magic prefix.
   *
   * <p>This looks at the prefix only; it does not check the length, the digest or the protobuf
   * message (the {@link Deaggregator} does, and reports a record that fails those checks according
   * to its {@link InvalidRecordPolicy}).
   *
   * @param data a Kinesis record's data; {@code null} is treated as not aggregated
   * @return {@code true} if {@code data} starts with {@code F3 89 9A C2}
   */
  public static boolean isAggregated(byte[] data) {
    if (data == null || data.length < MAGIC_LENGTH) {
      return false;
    }
    for (int i = 0; i < MAGIC_LENGTH; i++) {
      if (data[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Tells whether the remaining bytes of {@code data} carry the aggregated-record magic prefix.
   * Does not change the buffer's position.
   *
   * @param data a Kinesis record's data; {@code null} is treated as not aggregated
   * @return {@code true} if the bytes from the buffer's position start with {@code F3 89 9A C2}
   */
  public static boolean isAggregated(ByteBuffer data) {
    if (data == null || data.remaining() < MAGIC_LENGTH) {
      return false;
    }
    int p = data.position();
    for (int i = 0; i < MAGIC_LENGTH; i++) {
      if (data.get(p + i) != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  /** Writes the magic prefix into {@code out} at {@code offset}. */
  static void writeMagic(byte[] out, int offset) {
    System.arraycopy(MAGIC, 0, out, offset, MAGIC_LENGTH);
  }

  /** Returns a new MD5 digest; MD5 is mandatory on every Java platform. */
  static MessageDigest newMd5() {
    try {
      return MessageDigest.getInstance("MD5");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is required by the Java platform but is missing", e);
    }
  }
}
