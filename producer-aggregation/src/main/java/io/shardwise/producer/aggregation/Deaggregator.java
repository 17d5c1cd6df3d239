package io.shardwise.producer.aggregation;

import com.google.protobuf.InvalidProtocolBufferException;
import io.shardwise.producer.aggregation.InvalidAggregatedRecordException.Reason;
import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * Unpacks KPL-format aggregated Kinesis records into user records; non-aggregated records pass
 * through unchanged (sub-sequence number 0, {@code aggregated() == false}).
 *
 * <pre>{@code
 * Deaggregator deaggregator = Deaggregator.builder().build();   // or Deaggregator.create()
 * for (DeaggregatedRecord r : deaggregator.deaggregate(getRecordsResponse.records())) { ... }
 * }</pre>
 *
 * <p><b>Invalid aggregates.</b> A record that starts with the magic bytes {@code F3 89 9A C2} but is
 * truncated, has a wrong MD5, does not parse as an {@code AggregatedRecord} or points outside its
 * key tables is handled by the {@link InvalidRecordPolicy}: {@link InvalidRecordPolicy#FAIL} (the
 * default) throws {@link InvalidAggregatedRecordException}; {@link
 * InvalidRecordPolicy#PASS_THROUGH} returns it unchanged as one non-aggregated record, as the KCL
 * does.
 *
 * <p><b>Hash-range filtering</b> ({@link Builder#filterToHashKeyRange}). A producer with a stale
 * shard map (e.g. just after a reshard) may put an aggregate whose user records belong to
 * different shards; the aggregate lands on the shard of its own (outer) hash key. A consumer
 * reading one shard can then drop the user records that do not belong to it: with a range set,
 * every user record unpacked from an aggregate whose effective hash key — its explicit hash key if
 * it has one, else the MD5 of its partition key's UTF-8 bytes read as an unsigned 128-bit
 * big-endian number — is outside {@code [start, end]} (inclusive, the shard's {@code
 * HashKeyRange}) is dropped. Non-aggregated records are never filtered (Kinesis itself routed
 * them). The KCL filters the same way, with one difference: KCL 2.x/3.x drops the <em>whole</em>
 * aggregate as soon as one of its user records is out of range, while this class drops only the
 * out-of-range user records. Sub-sequence numbers of the remaining records are their indexes in
 * the aggregate, not renumbered.
 *
 * <p>The methods that take SDK v2 {@link Record}s need {@code software.amazon.awssdk:kinesis} on the
 * class path (an optional dependency of this module); the byte-array method does not. (Plain calls
 * work without the SDK; code that reflects over this class's methods, e.g. {@code
 * Class#getMethods()}, needs it, because those overloads name SDK types.) For AWS Lambda events see
 * {@link LambdaDeaggregator}.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>Long because it reads the whole KPL format (magic, protobuf, key tables, MD5 check) and
 * applies the hash-range filter, with the error reporting of each malformed case, in one place.
 */
public final class Deaggregator {

  private static final Deaggregator DEFAULT = new Deaggregator(new Builder());

  private final InvalidRecordPolicy invalidRecordPolicy;
  private final BigInteger rangeStart;
  private final BigInteger rangeEnd;

  private Deaggregator(Builder b) {
    this.invalidRecordPolicy = b.invalidRecordPolicy;
    this.rangeStart = b.rangeStart;
    this.rangeEnd = b.rangeEnd;
  }

  /**
   * Returns a deaggregator with the defaults: {@link InvalidRecordPolicy#FAIL}, no hash-range
   * filtering.
   *
   * @return the default deaggregator
   */
  public static Deaggregator create() {
    return DEFAULT;
  }

  /**
   * Returns a builder with the defaults: {@link InvalidRecordPolicy#FAIL}, no hash-range filtering.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Returns a builder initialised with this deaggregator's settings.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder b = new Builder().onInvalid(invalidRecordPolicy);
    if (rangeStart != null) {
      b.filterToHashKeyRange(rangeStart, rangeEnd);
    }
    return b;
  }

  /**
   * Returns what this deaggregator does with invalid aggregates.
   *
   * @return the policy
   */
  public InvalidRecordPolicy invalidRecordPolicy() {
    return invalidRecordPolicy;
  }

  /**
   * Returns the first hash key of the range user records are filtered to.
   *
   * @return the inclusive start of the range, or empty if filtering is off
   */
  public Optional<BigInteger> hashKeyRangeStart() {
    return Optional.ofNullable(rangeStart);
  }

  /**
   * Returns the last hash key of the range user records are filtered to.
   *
   * @return the inclusive end of the range, or empty if filtering is off
   */
  public Optional<BigInteger> hashKeyRangeEnd() {
    return Optional.ofNullable(rangeEnd);
  }

  /**
   * Deaggregates one Kinesis record given as its parts.
   *
   * @param data the Kinesis record's data (not modified, not retained)
   * @param partitionKey the Kinesis record's partition key
   * @param explicitHashKeyOrNull the Kinesis record's explicit hash key, or {@code null}; used only
   *     for a non-aggregated record, which keeps it
   * @return the user records, in order; a non-aggregated record as a single element
   * @throws InvalidAggregatedRecordException if the record is an invalid aggregate and the policy
   *     is {@link InvalidRecordPolicy#FAIL}
   * @throws NullPointerException if {@code data} or {@code partitionKey} is {@code null}
   */
  public List<DeaggregatedRecord> deaggregate(
      byte[] data, String partitionKey, String explicitHashKeyOrNull) {
    List<DeaggregatedRecord> out = new ArrayList<>();
    deaggregateInto(out, data, false, partitionKey, explicitHashKeyOrNull, null);
    return out;
  }

  /**
   * Deaggregates one Kinesis record read with the AWS SDK v2 (GetRecords or SubscribeToShard).
   *
   * @param record the Kinesis record
   * @return the user records, in order, each with the record's sequence number
   * @throws InvalidAggregatedRecordException if the record is an invalid aggregate and the policy
   *     is {@link InvalidRecordPolicy#FAIL}
   */
  public List<DeaggregatedRecord> deaggregate(Record record) {
    Objects.requireNonNull(record, "record");
    List<DeaggregatedRecord> out = new ArrayList<>();
    addSdkRecord(out, record);
    return out;
  }

  /**
   * Deaggregates Kinesis records read with the AWS SDK v2, keeping their order.
   *
   * @param records the Kinesis records
   * @return the user records of all records, in order
   * @throws InvalidAggregatedRecordException if a record is an invalid aggregate and the policy is
   *     {@link InvalidRecordPolicy#FAIL}
   */
  public List<DeaggregatedRecord> deaggregate(List<Record> records) {
    Objects.requireNonNull(records, "records");
    List<DeaggregatedRecord> out = new ArrayList<>(records.size());
    for (Record record : records) {
      addSdkRecord(out, Objects.requireNonNull(record, "records contains null"));
    }
    return out;
  }

  private void addSdkRecord(List<DeaggregatedRecord> out, Record record) {
    // GetRecords does not return the explicit hash key a record was put with.
    deaggregateInto(out, record.data().asByteArrayUnsafe(), false, record.partitionKey(), null,
        record.sequenceNumber());
  }

  /**
   * Appends the user records of one Kinesis record to {@code out}. On an invalid aggregate with
   * {@link InvalidRecordPolicy#FAIL} nothing is appended. {@code dataOwned}: nobody else holds
   * {@code data}, so a pass-through record may keep it without copying.
   */
  void deaggregateInto(
      List<DeaggregatedRecord> out,
      byte[] data,
      boolean dataOwned,
      String partitionKey,
      String explicitHashKeyOrNull,
      String sequenceNumberOrNull) {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(partitionKey, "partitionKey");
    if (!AggregatedRecordFormat.isAggregated(data)) {
      out.add(passThrough(data, dataOwned, partitionKey, explicitHashKeyOrNull,
          sequenceNumberOrNull));
      return;
    }
    try {
      List<DeaggregatedRecord> unpacked = unpack(data, partitionKey, sequenceNumberOrNull);
      out.addAll(unpacked);
    } catch (InvalidAggregatedRecordException e) {
      if (invalidRecordPolicy == InvalidRecordPolicy.FAIL) {
        throw e;
      }
      out.add(passThrough(data, dataOwned, partitionKey, explicitHashKeyOrNull,
          sequenceNumberOrNull));
    }
  }

  private static DeaggregatedRecord passThrough(byte[] data, boolean dataOwned,
      String partitionKey, String explicitHashKeyOrNull, String sequenceNumber) {
    return new DeaggregatedRecord(partitionKey, explicitHashKeyOrNull,
        dataOwned ? data : data.clone(), sequenceNumber, 0, false);
  }

  private List<DeaggregatedRecord> unpack(byte[] data, String partitionKey, String seq) {
    int pbOffset = AggregatedRecordFormat.MAGIC_LENGTH;
    int pbLength = data.length - AggregatedRecordFormat.OVERHEAD_BYTES;
    if (pbLength <= 0) {
      throw new InvalidAggregatedRecordException(Reason.TRUNCATED,
          "the record starts with the aggregation magic bytes but is only " + data.length
              + " bytes long; an aggregate needs more than "
              + AggregatedRecordFormat.OVERHEAD_BYTES
              + " (magic bytes, a protobuf message and a 16-byte MD5)",
          partitionKey, seq, null);
    }
    MessageDigest md5 = AggregatedRecordFormat.newMd5();
    md5.update(data, pbOffset, pbLength);
    byte[] expected = md5.digest();
    int digestOffset = pbOffset + pbLength;
    if (!Arrays.equals(expected, 0, AggregatedRecordFormat.DIGEST_LENGTH,
        data, digestOffset, digestOffset + AggregatedRecordFormat.DIGEST_LENGTH)) {
      throw new InvalidAggregatedRecordException(Reason.DIGEST_MISMATCH,
          "the trailing 16 bytes are not the MD5 of the " + pbLength
              + " protobuf bytes (the record is truncated or corrupt, or is not an aggregate)",
          partitionKey, seq, null);
    }
    KplAggregation.AggregatedRecord message;
    try {
      message = KplAggregation.AggregatedRecord.parser().parseFrom(data, pbOffset, pbLength);
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidAggregatedRecordException(Reason.UNPARSABLE,
          "the " + pbLength + " bytes between the magic bytes and the MD5 are not a valid"
              + " AggregatedRecord protobuf message: " + e.getMessage(),
          partitionKey, seq, e);
    }
    List<String> pks = message.getPartitionKeyTableList();
    List<String> ehks = message.getExplicitHashKeyTableList();
    List<DeaggregatedRecord> result = new ArrayList<>(message.getRecordsCount());
    long sub = 0;
    for (KplAggregation.Record r : message.getRecordsList()) {
      long subSequenceNumber = sub++;
      String pk = tableEntry(pks, r.getPartitionKeyIndex(), "partition key", subSequenceNumber,
          partitionKey, seq);
      String ehk = r.hasExplicitHashKeyIndex()
          ? tableEntry(ehks, r.getExplicitHashKeyIndex(), "explicit hash key", subSequenceNumber,
              partitionKey, seq)
          : null;
      if (rangeStart != null && !inFilterRange(pk, ehk, subSequenceNumber, partitionKey, seq)) {
        continue;
      }
      result.add(new DeaggregatedRecord(
          pk, ehk, r.getData().toByteArray(), seq, subSequenceNumber, true));
    }
    return result;
  }

  private static String tableEntry(List<String> table, long index, String what, long sub,
      String partitionKey, String seq) {
    if (index < 0 || index >= table.size()) {
      throw new InvalidAggregatedRecordException(Reason.KEY_INDEX_OUT_OF_RANGE,
          "user record " + sub + " points at " + what + " index " + Long.toUnsignedString(index)
              + " but the " + what + " table has " + table.size() + " entries",
          partitionKey, seq, null);
    }
    return table.get((int) index);
  }

  private boolean inFilterRange(String pk, String ehk, long sub, String partitionKey, String seq) {
    BigInteger hashKey;
    try {
      hashKey = HashKeys.effectiveHashKey(pk, ehk);
    } catch (NumberFormatException e) {
      throw new InvalidAggregatedRecordException(Reason.INVALID_EXPLICIT_HASH_KEY,
          "user record " + sub + " has explicit hash key '" + ehk
              + "', which is not a decimal number",
          partitionKey, seq, e);
    }
    return hashKey.compareTo(rangeStart) >= 0 && hashKey.compareTo(rangeEnd) <= 0;
  }

  /**
   * Describes the settings.
   *
   * @return a short description for logs
   */
  @Override
  public String toString() {
    return "Deaggregator[onInvalid=" + invalidRecordPolicy
        + (rangeStart == null ? "" : ", hashKeyRange=" + rangeStart + ".." + rangeEnd) + "]";
  }

  /** Builds a {@link Deaggregator}. Not thread-safe; each setter returns the builder. */
  public static final class Builder {

    private InvalidRecordPolicy invalidRecordPolicy = InvalidRecordPolicy.FAIL;
    private BigInteger rangeStart;
    private BigInteger rangeEnd;

    private Builder() {}

    /**
     * Sets what to do with a record that has the magic bytes but is not a valid aggregate.
     *
     * @param policy {@link InvalidRecordPolicy#FAIL} (default) or {@link
     *     InvalidRecordPolicy#PASS_THROUGH}
     * @return this builder
     * @throws NullPointerException if {@code policy} is {@code null}
     */
    public Builder onInvalid(InvalidRecordPolicy policy) {
      this.invalidRecordPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Drops user records unpacked from aggregates whose effective hash key (explicit hash key, else
     * MD5 of the partition key as an unsigned 128-bit big-endian number) is outside {@code [start,
     * end]}, both inclusive — pass the shard's {@code HashKeyRange}. Non-aggregated records are
     * never dropped. With this set, an explicit hash key that is not a decimal number makes the
     * aggregate invalid.
     *
     * @param start the shard's starting hash key
     * @param end the shard's ending hash key
     * @return this builder
     * @throws NullPointerException if {@code start} or {@code end} is {@code null}
     * @throws IllegalArgumentException if either is outside 0..2^128-1 or {@code start > end}
     */
    public Builder filterToHashKeyRange(BigInteger start, BigInteger end) {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!HashKeys.inRange(start)) {
        throw new IllegalArgumentException("start must be in 0..2^128-1, was " + start);
      }
      if (!HashKeys.inRange(end)) {
        throw new IllegalArgumentException("end must be in 0..2^128-1, was " + end);
      }
      if (start.compareTo(end) > 0) {
        throw new IllegalArgumentException(
            "start must not be greater than end, was " + start + " > " + end);
      }
      this.rangeStart = start;
      this.rangeEnd = end;
      return this;
    }

    /**
     * Turns hash-range filtering off (the default).
     *
     * @return this builder
     */
    public Builder noHashKeyRangeFilter() {
      this.rangeStart = null;
      this.rangeEnd = null;
      return this;
    }

    /**
     * Builds the deaggregator.
     *
     * @return a new, immutable deaggregator
     */
    public Deaggregator build() {
      return new Deaggregator(this);
    }
  }
}
