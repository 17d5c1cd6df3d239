package io.shardwise.producer.aggregation;

import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * Packs user records into one KPL-format aggregated Kinesis record, with exact size accounting.
 *
 * <p>The producer keeps one aggregator per shard buffer and only adds records predicted for that
 * shard: consumers (the KCL, Lambda helpers) drop user records whose hash key falls outside the
 * shard they read. Use it like this:
 *
 * <pre>{@code
 * RecordAggregator agg = new RecordAggregator(50 * 1024, 1000);
 * if (!agg.tryAdd(partitionKey, explicitHashKeyOrNull, data)) {
 *   // full (or the record alone is too big): send agg.toBytes() if not empty, clear(), retry;
 *   // a record too big even for an empty aggregator goes out un-aggregated
 * }
 * }</pre>
 *
 * <p>{@link #sizeBytes()} and {@link #sizeIfAdded} are the exact length of {@link #toBytes()}:
 * magic bytes, protobuf message (varints, deduplicated key tables) and the 16-byte MD5. They do not
 * include the partition key the aggregated Kinesis record is sent with, which counts towards
 * Kinesis's 1 MiB record limit: callers enforcing that limit pass {@code maxSizeBytes} minus the
 * outer partition key's UTF-8 length.
 *
 * <p>The aggregator keeps a reference to each added {@code data} array until {@link #clear()}:
 * callers must not modify an array after adding it.
 *
 * <p><b>Not thread-safe</b>: confine an instance to one thread, or guard it with the shard buffer's
 * lock.
 *
 * <p>Long because the KPL aggregated-record format is written here end to end (magic, protobuf
 * message with its key tables, MD5 trailer) with its size accounting, so that one class owns the format.
 */
public final class RecordAggregator {

  // The protobuf message is written by hand (see writeMessage) rather than through the generated
  // classes, which cost a builder per user record and a copy of the message; the tests check the
  // bytes against those classes. Field numbers and tags are kpl_aggregation.proto's.
  private static final int PARTITION_KEY_TABLE_FIELD = 1;
  private static final int EXPLICIT_HASH_KEY_TABLE_FIELD = 2;
  private static final byte RECORDS_TAG =
      ProtobufWire.tag(3, ProtobufWire.WIRETYPE_LENGTH_DELIMITED);
  private static final byte PARTITION_KEY_INDEX_TAG =
      ProtobufWire.tag(1, ProtobufWire.WIRETYPE_VARINT);
  private static final byte EXPLICIT_HASH_KEY_INDEX_TAG =
      ProtobufWire.tag(2, ProtobufWire.WIRETYPE_VARINT);
  private static final byte DATA_TAG = ProtobufWire.tag(3, ProtobufWire.WIRETYPE_LENGTH_DELIMITED);

  private static final int INITIAL_RECORD_CAPACITY = 64;

  private final int maxSizeBytes;
  private final int maxCount;

  private final KeyTable partitionKeys = new KeyTable(PARTITION_KEY_TABLE_FIELD);
  private final KeyTable explicitHashKeys = new KeyTable(EXPLICIT_HASH_KEY_TABLE_FIELD);
  private final MessageDigest md5 = AggregatedRecordFormat.newMd5();

  // The user records, one per index below count, in arrays kept across clear(): key indexes
  // (explicit hash key index -1 when absent) and data.
  private int count;
  private int[] partitionKeyIndexes;
  private int[] explicitHashKeyIndexes;
  private byte[][] recordData;

  /** Size of the protobuf {@code AggregatedRecord} message so far. */
  private long protobufSize;

  /**
   * Creates an empty aggregator.
   *
   * @param maxSizeBytes the largest aggregated record {@link #toBytes()} may return, magic bytes
   *     and digest included (the KPL's default is 51,200); must exceed {@link
   *     AggregatedRecordFormat#OVERHEAD_BYTES}
   * @param maxCount the most user records per aggregate; at least 1
   * @throws IllegalArgumentException if a limit is out of range (the message names it)
   */
  public RecordAggregator(int maxSizeBytes, int maxCount) {
    if (maxSizeBytes <= AggregatedRecordFormat.OVERHEAD_BYTES) {
      throw new IllegalArgumentException(
          "maxSizeBytes must be greater than " + AggregatedRecordFormat.OVERHEAD_BYTES
              + " (magic bytes + MD5), was " + maxSizeBytes);
    }
    if (maxCount < 1) {
      throw new IllegalArgumentException("maxCount must be at least 1, was " + maxCount);
    }
    this.maxSizeBytes = maxSizeBytes;
    this.maxCount = maxCount;
    int capacity = Math.min(maxCount, INITIAL_RECORD_CAPACITY);
    partitionKeyIndexes = new int[capacity];
    explicitHashKeyIndexes = new int[capacity];
    recordData = new byte[capacity][];
  }

  /**
   * Returns the size limit this aggregator was created with.
   *
   * @return the largest {@link #toBytes()} length allowed, in bytes
   */
  public int maxSizeBytes() {
    return maxSizeBytes;
  }

  /**
   * Returns the count limit this aggregator was created with.
   *
   * @return the most user records per aggregate
   */
  public int maxCount() {
    return maxCount;
  }

  /**
   * Returns the exact length {@link #toBytes()} would have if this record were added now (magic
   * bytes + protobuf message + MD5), whether or not that fits the limits. A key already in the
   * aggregate's key table costs only its index.
   *
   * @param partitionKey the user record's partition key
   * @param explicitHashKeyOrNull the user record's explicit hash key (decimal), or {@code null}
   * @param dataLength the length of the user record's data
   * @return the aggregated record's size after adding, in bytes; {@link Integer#MAX_VALUE} if it
   *     would not fit in an {@code int}
   * @throws NullPointerException if {@code partitionKey} is {@code null}
   * @throws IllegalArgumentException if {@code dataLength} is negative
   */
  public int sizeIfAdded(String partitionKey, String explicitHashKeyOrNull, int dataLength) {
    Objects.requireNonNull(partitionKey, "partitionKey");
    if (dataLength < 0) {
      throw new IllegalArgumentException("dataLength must not be negative, was " + dataLength);
    }
    long total =
        AggregatedRecordFormat.OVERHEAD_BYTES
            + protobufSize
            + protobufGrowth(partitionKey, explicitHashKeyOrNull, dataLength);
    return (int) Math.min(Integer.MAX_VALUE, total);
  }

  /**
   * Bytes the protobuf message grows by when this record is added. Leaves each key as its table's
   * last lookup, so adding the record next finds it without hashing again.
   */
  private long protobufGrowth(String partitionKey, String explicitHashKeyOrNull, int dataLength) {
    long growth = 0;
    int pkIndex = partitionKeys.indexOf(partitionKey);
    if (pkIndex < 0) {
      pkIndex = partitionKeys.size();
      growth += partitionKeys.entrySize(partitionKey);
    }
    int ehkIndex = -1;
    if (explicitHashKeyOrNull != null) {
      ehkIndex = explicitHashKeys.indexOf(explicitHashKeyOrNull);
      if (ehkIndex < 0) {
        ehkIndex = explicitHashKeys.size();
        growth += explicitHashKeys.entrySize(explicitHashKeyOrNull);
      }
    }
    long recordSize = recordMessageSize(pkIndex, ehkIndex, dataLength);
    // Field 3 of AggregatedRecord: tag, length varint, the Record message.
    return growth + ProtobufWire.TAG_SIZE + ProtobufWire.varintSize(recordSize) + recordSize;
  }

  /** Size of one {@code Record} message (without its enclosing tag and length). */
  private static long recordMessageSize(int pkIndex, int ehkIndex, int dataLength) {
    long size = ProtobufWire.TAG_SIZE + ProtobufWire.varintSize(pkIndex);
    if (ehkIndex >= 0) {
      size += ProtobufWire.TAG_SIZE + ProtobufWire.varintSize(ehkIndex);
    }
    return size + ProtobufWire.TAG_SIZE + ProtobufWire.varintSize(dataLength) + dataLength;
  }

  /**
   * Adds a user record if the aggregate then stays within both limits; otherwise changes nothing.
   *
   * <p>Returns {@code false} when the aggregate already holds {@code maxCount} records, or when
   * adding would make {@link #toBytes()} longer than {@code maxSizeBytes} — including when the
   * aggregator is empty and the record is too big even alone: the caller then sends it
   * un-aggregated.
   *
   * @param partitionKey the user record's partition key
   * @param explicitHashKeyOrNull the user record's explicit hash key (decimal), or {@code null}
   * @param data the user record's data; kept by reference, do not modify it afterwards
   * @return {@code true} if the record was added
   * @throws NullPointerException if {@code partitionKey} or {@code data} is {@code null}
   */
  public boolean tryAdd(String partitionKey, String explicitHashKeyOrNull, byte[] data) {
    Objects.requireNonNull(partitionKey, "partitionKey");
    Objects.requireNonNull(data, "data");
    if (count >= maxCount) {
      return false;
    }
    long growth = protobufGrowth(partitionKey, explicitHashKeyOrNull, data.length);
    if (AggregatedRecordFormat.OVERHEAD_BYTES + protobufSize + growth > maxSizeBytes) {
      return false;
    }
    if (count == recordData.length) {
      growRecordArrays();
    }
    partitionKeyIndexes[count] = partitionKeys.indexOrAdd(partitionKey);
    explicitHashKeyIndexes[count] = explicitHashKeyOrNull == null
        ? -1
        : explicitHashKeys.indexOrAdd(explicitHashKeyOrNull);
    recordData[count] = data;
    count++;
    protobufSize += growth;
    return true;
  }

  private void growRecordArrays() {
    int capacity = (int) Math.min(maxCount, 2L * count);
    partitionKeyIndexes = Arrays.copyOf(partitionKeyIndexes, capacity);
    explicitHashKeyIndexes = Arrays.copyOf(explicitHashKeyIndexes, capacity);
    recordData = Arrays.copyOf(recordData, capacity);
  }

  /**
   * Returns the number of user records in the aggregate.
   *
   * @return the record count
   */
  public int count() {
    return count;
  }

  /**
   * Returns the exact length {@link #toBytes()} would return now (magic bytes + protobuf message +
   * MD5); {@value AggregatedRecordFormat#OVERHEAD_BYTES} when empty.
   *
   * @return the aggregated record's size, in bytes
   */
  public int sizeBytes() {
    return (int) (AggregatedRecordFormat.OVERHEAD_BYTES + protobufSize);
  }

  /**
   * Tells whether no user record has been added since creation or the last {@link #clear()}.
   *
   * @return {@code true} if the aggregate is empty
   */
  public boolean isEmpty() {
    return count == 0;
  }

  /**
   * Returns the first user record's partition key. The KPL sends an aggregate with its own
   * partition key; callers may use this one instead (e.g. in a key-preserving mode where every
   * record shares it).
   *
   * @return the first record's partition key, or empty if the aggregate is empty
   */
  public Optional<String> firstPartitionKey() {
    return count == 0
        ? Optional.empty()
        : Optional.of(partitionKeys.key(partitionKeyIndexes[0]));
  }

  /**
   * Returns the first user record's explicit hash key, as given to {@link #tryAdd}.
   *
   * @return the first record's explicit hash key, or empty if it had none or the aggregate is empty
   */
  public Optional<String> firstExplicitHashKey() {
    if (count == 0 || explicitHashKeyIndexes[0] < 0) {
      return Optional.empty();
    }
    return Optional.of(explicitHashKeys.key(explicitHashKeyIndexes[0]));
  }

  /**
   * Encodes the aggregate: the magic bytes, the {@code AggregatedRecord} protobuf message and the
   * MD5 of the protobuf bytes. The aggregator is left unchanged; call {@link #clear()} to reuse it.
   *
   * @return a new array of exactly {@link #sizeBytes()} bytes
   * @throws IllegalStateException if the aggregate is empty (an empty aggregate is not a valid
   *     Kinesis record for consumers)
   */
  public byte[] toBytes() {
    if (count == 0) {
      throw new IllegalStateException("Cannot encode an empty aggregate: add a record first");
    }
    // tryAdd keeps the whole aggregate within maxSizeBytes, so the size fits an int.
    int pbSize = (int) protobufSize;
    int pbEnd = AggregatedRecordFormat.MAGIC_LENGTH + pbSize;
    byte[] out = new byte[pbEnd + AggregatedRecordFormat.DIGEST_LENGTH];
    AggregatedRecordFormat.writeMagic(out, 0);
    int pos;
    try {
      pos = writeMessage(out, AggregatedRecordFormat.MAGIC_LENGTH);
    } catch (ArrayIndexOutOfBoundsException e) {
      throw new IllegalStateException(
          "Size accounting error: computed " + protobufSize + " protobuf bytes, encoded more", e);
    }
    if (pos != pbEnd) {
      throw new IllegalStateException("Size accounting error: computed " + protobufSize
          + " protobuf bytes, encoded " + (pos - AggregatedRecordFormat.MAGIC_LENGTH));
    }
    try {
      md5.reset();
      md5.update(out, AggregatedRecordFormat.MAGIC_LENGTH, pbSize);
      md5.digest(out, pbEnd, AggregatedRecordFormat.DIGEST_LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException("Computing an aggregated record's MD5 failed", e);
    }
    return out;
  }

  /**
   * Writes the {@code AggregatedRecord} message at {@code pos}, fields in field-number order as
   * protobuf writes them: the two key tables, then each user record as a length-delimited {@code
   * Record} (its key indexes, then its data; the format's per-record {@code tags} are not used).
   *
   * @return the position after the message
   */
  private int writeMessage(byte[] out, int pos) {
    pos = partitionKeys.writeTo(out, pos);
    pos = explicitHashKeys.writeTo(out, pos);
    for (int i = 0; i < count; i++) {
      int pkIndex = partitionKeyIndexes[i];
      int ehkIndex = explicitHashKeyIndexes[i];
      byte[] bytes = recordData[i];
      out[pos++] = RECORDS_TAG;
      pos = ProtobufWire.writeVarint(out, pos,
          (int) recordMessageSize(pkIndex, ehkIndex, bytes.length));
      out[pos++] = PARTITION_KEY_INDEX_TAG;
      pos = ProtobufWire.writeVarint(out, pos, pkIndex);
      if (ehkIndex >= 0) {
        out[pos++] = EXPLICIT_HASH_KEY_INDEX_TAG;
        pos = ProtobufWire.writeVarint(out, pos, ehkIndex);
      }
      out[pos++] = DATA_TAG;
      pos = ProtobufWire.writeVarint(out, pos, bytes.length);
      System.arraycopy(bytes, 0, out, pos, bytes.length);
      pos += bytes.length;
    }
    return pos;
  }

  /** Removes every user record so the aggregator can be reused; the limits stay. */
  public void clear() {
    partitionKeys.clear();
    explicitHashKeys.clear();
    Arrays.fill(recordData, 0, count, null); // drop the callers' arrays
    count = 0;
    protobufSize = 0;
  }

  /**
   * Describes the aggregate's count and size (not its contents).
   *
   * @return a short description for logs
   */
  @Override
  public String toString() {
    return "RecordAggregator[count=" + count + "/" + maxCount
        + ", sizeBytes=" + sizeBytes() + "/" + maxSizeBytes + "]";
  }
}
