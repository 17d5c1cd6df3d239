package io.shardwise.producer.aggregation;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.UnsafeByteOperations;
import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.io.IOException;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 */
public final class RecordAggregator {

  private static final int PARTITION_KEY_TABLE_FIELD = 1;
  private static final int EXPLICIT_HASH_KEY_TABLE_FIELD = 2;
  private static final int RECORDS_FIELD = 3;
  private static final int PARTITION_KEY_INDEX_FIELD = 1;
  private static final int EXPLICIT_HASH_KEY_INDEX_FIELD = 2;
  private static final int DATA_FIELD = 3;

  private final int maxSizeBytes;
  private final int maxCount;

  private final Map<String, Integer> partitionKeyIndex = new HashMap<>();
  private final List<String> partitionKeyTable = new ArrayList<>();
  private final Map<String, Integer> explicitHashKeyIndex = new HashMap<>();
  private final List<String> explicitHashKeyTable = new ArrayList<>();
  private final List<Entry> entries = new ArrayList<>();
  private final MessageDigest md5 = AggregatedRecordFormat.newMd5();

  /** Size of the protobuf {@code AggregatedRecord} message so far. */
  private long protobufSize;

  /** One user record: its key indexes (explicit hash key index -1 when absent) and data. */
  private record Entry(int partitionKeyIndex, int explicitHashKeyIndex, byte[] data) {}

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

  /** Bytes the protobuf message grows by when this record is added. */
  private long protobufGrowth(String partitionKey, String explicitHashKeyOrNull, int dataLength) {
    long growth = 0;
    Integer pkIndex = partitionKeyIndex.get(partitionKey);
    if (pkIndex == null) {
      pkIndex = partitionKeyTable.size();
      growth += CodedOutputStream.computeStringSize(PARTITION_KEY_TABLE_FIELD, partitionKey);
    }
    int ehkIndex = -1;
    if (explicitHashKeyOrNull != null) {
      Integer known = explicitHashKeyIndex.get(explicitHashKeyOrNull);
      if (known == null) {
        ehkIndex = explicitHashKeyTable.size();
        growth +=
            CodedOutputStream.computeStringSize(EXPLICIT_HASH_KEY_TABLE_FIELD, explicitHashKeyOrNull);
      } else {
        ehkIndex = known;
      }
    }
    long recordSize = recordMessageSize(pkIndex, ehkIndex, dataLength);
    // Field 3 of AggregatedRecord: tag, length varint, the Record message.
    growth += CodedOutputStream.computeTagSize(RECORDS_FIELD)
        + CodedOutputStream.computeUInt64SizeNoTag(recordSize)
        + recordSize;
    return growth;
  }

  /** Size of one {@code Record} message (without its enclosing tag and length). */
  private static long recordMessageSize(int pkIndex, int ehkIndex, int dataLength) {
    long size = CodedOutputStream.computeUInt64Size(PARTITION_KEY_INDEX_FIELD, pkIndex);
    if (ehkIndex >= 0) {
      size += CodedOutputStream.computeUInt64Size(EXPLICIT_HASH_KEY_INDEX_FIELD, ehkIndex);
    }
    size += CodedOutputStream.computeTagSize(DATA_FIELD)
        + CodedOutputStream.computeUInt32SizeNoTag(dataLength)
        + (long) dataLength;
    return size;
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
    if (entries.size() >= maxCount) {
      return false;
    }
    long growth = protobufGrowth(partitionKey, explicitHashKeyOrNull, data.length);
    if (AggregatedRecordFormat.OVERHEAD_BYTES + protobufSize + growth > maxSizeBytes) {
      return false;
    }
    int pkIndex = partitionKeyIndex.computeIfAbsent(partitionKey, k -> {
      partitionKeyTable.add(k);
      return partitionKeyTable.size() - 1;
    });
    int ehkIndex = -1;
    if (explicitHashKeyOrNull != null) {
      ehkIndex = explicitHashKeyIndex.computeIfAbsent(explicitHashKeyOrNull, k -> {
        explicitHashKeyTable.add(k);
        return explicitHashKeyTable.size() - 1;
      });
    }
    entries.add(new Entry(pkIndex, ehkIndex, data));
    protobufSize += growth;
    return true;
  }

  /**
   * Returns the number of user records in the aggregate.
   *
   * @return the record count
   */
  public int count() {
    return entries.size();
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
    return entries.isEmpty();
  }

  /**
   * Returns the first user record's partition key. The KPL sends an aggregate with its own
   * partition key; callers may use this one instead (e.g. in a key-preserving mode where every
   * record shares it).
   *
   * @return the first record's partition key, or empty if the aggregate is empty
   */
  public Optional<String> firstPartitionKey() {
    return entries.isEmpty()
        ? Optional.empty()
        : Optional.of(partitionKeyTable.get(entries.get(0).partitionKeyIndex()));
  }

  /**
   * Returns the first user record's explicit hash key, as given to {@link #tryAdd}.
   *
   * @return the first record's explicit hash key, or empty if it had none or the aggregate is empty
   */
  public Optional<String> firstExplicitHashKey() {
    if (entries.isEmpty() || entries.get(0).explicitHashKeyIndex() < 0) {
      return Optional.empty();
    }
    return Optional.of(explicitHashKeyTable.get(entries.get(0).explicitHashKeyIndex()));
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
    if (entries.isEmpty()) {
      throw new IllegalStateException("Cannot encode an empty aggregate: add a record first");
    }
    KplAggregation.AggregatedRecord.Builder builder = KplAggregation.AggregatedRecord.newBuilder()
        .addAllPartitionKeyTable(partitionKeyTable)
        .addAllExplicitHashKeyTable(explicitHashKeyTable);
    for (Entry e : entries) {
      KplAggregation.Record.Builder r = KplAggregation.Record.newBuilder()
          .setPartitionKeyIndex(e.partitionKeyIndex())
          .setData(UnsafeByteOperations.unsafeWrap(e.data()));
      if (e.explicitHashKeyIndex() >= 0) {
        r.setExplicitHashKeyIndex(e.explicitHashKeyIndex());
      }
      builder.addRecords(r);
    }
    KplAggregation.AggregatedRecord message = builder.build();
    int pbSize = message.getSerializedSize();
    if (pbSize != protobufSize) {
      throw new IllegalStateException(
          "Size accounting error: computed " + protobufSize + " protobuf bytes, encoded " + pbSize);
    }
    byte[] out = new byte[AggregatedRecordFormat.OVERHEAD_BYTES + pbSize];
    AggregatedRecordFormat.writeMagic(out, 0);
    CodedOutputStream cos =
        CodedOutputStream.newInstance(out, AggregatedRecordFormat.MAGIC_LENGTH, pbSize);
    try {
      message.writeTo(cos);
      cos.checkNoSpaceLeft();
      md5.reset();
      md5.update(out, AggregatedRecordFormat.MAGIC_LENGTH, pbSize);
      md5.digest(out, AggregatedRecordFormat.MAGIC_LENGTH + pbSize,
          AggregatedRecordFormat.DIGEST_LENGTH);
    } catch (IOException | DigestException e) {
      throw new IllegalStateException("Encoding an aggregated record failed", e);
    }
    return out;
  }

  /** Removes every user record so the aggregator can be reused; the limits stay. */
  public void clear() {
    partitionKeyIndex.clear();
    partitionKeyTable.clear();
    explicitHashKeyIndex.clear();
    explicitHashKeyTable.clear();
    entries.clear();
    protobufSize = 0;
  }

  /**
   * Describes the aggregate's count and size (not its contents).
   *
   * @return a short description for logs
   */
  @Override
  public String toString() {
    return "RecordAggregator[count=" + entries.size() + "/" + maxCount
        + ", sizeBytes=" + sizeBytes() + "/" + maxSizeBytes + "]";
  }
}
