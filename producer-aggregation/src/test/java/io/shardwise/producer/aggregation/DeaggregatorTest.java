package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.shardwise.producer.aggregation.InvalidAggregatedRecordException.Reason;
import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;

class DeaggregatorTest {

  private static final Deaggregator FAIL = Deaggregator.create();
  private static final Deaggregator PASS =
      Deaggregator.builder().onInvalid(InvalidRecordPolicy.PASS_THROUGH).build();
  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] threeRecords() {
    RecordAggregator agg = new RecordAggregator(10_000, 10);
    agg.tryAdd("k1", null, utf8("one"));
    agg.tryAdd("k2", "42", utf8("two"));
    agg.tryAdd("k1", null, utf8("three"));
    return agg.toBytes();
  }

  private static void assertPassedThrough(List<DeaggregatedRecord> out, byte[] raw, String pk) {
    assertThat(out).hasSize(1);
    DeaggregatedRecord r = out.get(0);
    assertThat(r.aggregated()).isFalse();
    assertThat(r.subSequenceNumber()).isZero();
    assertThat(r.partitionKey()).isEqualTo(pk);
    assertThat(r.data()).isEqualTo(raw);
  }

  @Test
  void unpacksAnAggregateInOrder() {
    List<DeaggregatedRecord> out = FAIL.deaggregate(threeRecords(), "a", "7");
    assertThat(out).extracting(DeaggregatedRecord::partitionKey).containsExactly("k1", "k2", "k1");
    assertThat(out).extracting(r -> r.explicitHashKey().orElse(null))
        .containsExactly(null, "42", null);
    assertThat(out).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
        .containsExactly("one", "two", "three");
    assertThat(out).extracting(DeaggregatedRecord::subSequenceNumber).containsExactly(0L, 1L, 2L);
    assertThat(out).allMatch(DeaggregatedRecord::aggregated);
    assertThat(out).allMatch(r -> r.sequenceNumber().isEmpty());
  }

  @Test
  void nonAggregatedRecordsPassThroughUnchanged() {
    byte[] raw = utf8("just a record");
    List<DeaggregatedRecord> out = FAIL.deaggregate(raw, "pk", "123");
    assertPassedThrough(out, raw, "pk");
    assertThat(out.get(0).explicitHashKey()).contains("123");
    assertPassedThrough(FAIL.deaggregate(new byte[0], "pk", null), new byte[0], "pk");
    assertPassedThrough(FAIL.deaggregate(new byte[] {(byte) 0xF3, (byte) 0x89}, "pk", null),
        new byte[] {(byte) 0xF3, (byte) 0x89}, "pk");
  }

  @Test
  void recordsAreImmutable() {
    byte[] raw = utf8("abc");
    DeaggregatedRecord r = FAIL.deaggregate(raw, "pk", null).get(0);
    raw[0] = 'X';
    assertThat(r.data()).isEqualTo(utf8("abc"));
    r.data()[1] = 'Y';
    assertThat(r.data()).isEqualTo(utf8("abc"));
    assertThat(r.dataBuffer().isReadOnly()).isTrue();
    assertThat(r.dataLength()).isEqualTo(3);
    assertThat(r).isEqualTo(FAIL.deaggregate(utf8("abc"), "pk", null).get(0))
        .hasSameHashCodeAs(FAIL.deaggregate(utf8("abc"), "pk", null).get(0));
    assertThat(r.toString()).contains("pk").contains("dataLength=3");
  }

  @Test
  void badMd5FailsOrPassesThrough() {
    byte[] bad = threeRecords();
    bad[bad.length - 1] ^= 1;
    assertThatThrownBy(() -> FAIL.deaggregate(bad, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .hasMessageContaining("MD5")
        .satisfies(e -> assertThat(((InvalidAggregatedRecordException) e).reason())
            .isEqualTo(Reason.DIGEST_MISMATCH));
    assertPassedThrough(PASS.deaggregate(bad, "a", null), bad, "a");
  }

  @Test
  void corruptProtobufBytesAreCaughtByTheDigest() {
    byte[] bad = threeRecords();
    bad[10] ^= 0x55;
    assertThatThrownBy(() -> FAIL.deaggregate(bad, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
        .isEqualTo(Reason.DIGEST_MISMATCH);
  }

  @Test
  void truncatedRecordsFailOrPassThrough() {
    byte[] full = threeRecords();
    for (int len : new int[] {4, 5, 19, 20, full.length / 2, full.length - 1}) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThatThrownBy(() -> FAIL.deaggregate(cut, "a", null))
          .as("truncated to %d bytes", len)
          .isInstanceOf(InvalidAggregatedRecordException.class)
          .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
          .isIn(Reason.TRUNCATED, Reason.DIGEST_MISMATCH);
      assertPassedThrough(PASS.deaggregate(cut, "a", null), cut, "a");
    }
    assertThatThrownBy(() -> FAIL.deaggregate(Arrays.copyOf(full, 12), "a", null))
        .hasMessageContaining("TRUNCATED").hasMessageContaining("12 bytes");
  }

  @Test
  void unparsableProtobufWithAValidDigestFailsOrPassesThrough() throws Exception {
    // Field 3 claims 100 bytes but only 2 follow.
    byte[] notProtobuf = TestRecords.frame(new byte[] {0x1A, 100, 1, 2});
    assertThatThrownBy(() -> FAIL.deaggregate(notProtobuf, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .hasMessageContaining("not a valid AggregatedRecord")
        .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
        .isEqualTo(Reason.UNPARSABLE);
    assertPassedThrough(PASS.deaggregate(notProtobuf, "a", null), notProtobuf, "a");

    // A Record without its required data field.
    byte[] missingRequired = TestRecords.frame(KplAggregation.AggregatedRecord.newBuilder()
        .addPartitionKeyTable("k")
        .addRecords(KplAggregation.Record.newBuilder().setPartitionKeyIndex(0).buildPartial())
        .buildPartial().toByteArray());
    assertThatThrownBy(() -> FAIL.deaggregate(missingRequired, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
        .isEqualTo(Reason.UNPARSABLE);
  }

  @Test
  void keyIndexOutOfRangeFailsOrPassesThrough() throws Exception {
    byte[] bad = TestRecords.frame(KplAggregation.AggregatedRecord.newBuilder()
        .addPartitionKeyTable("k")
        .addRecords(KplAggregation.Record.newBuilder().setPartitionKeyIndex(0)
            .setData(ByteString.copyFromUtf8("ok")))
        .addRecords(KplAggregation.Record.newBuilder().setPartitionKeyIndex(0)
            .setExplicitHashKeyIndex(3).setData(ByteString.copyFromUtf8("bad")))
        .build().toByteArray());
    assertThatThrownBy(() -> FAIL.deaggregate(bad, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .hasMessageContaining("explicit hash key index 3")
        .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
        .isEqualTo(Reason.KEY_INDEX_OUT_OF_RANGE);
    assertPassedThrough(PASS.deaggregate(bad, "a", null), bad, "a");
  }

  @Test
  void failureMessageNamesTheRecord() {
    byte[] bad = Arrays.copyOf(threeRecords(), 30);
    Record record = Record.builder().partitionKey("pk-9").sequenceNumber("777")
        .data(SdkBytes.fromByteArray(bad)).build();
    assertThatThrownBy(() -> FAIL.deaggregate(record))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .hasMessageContaining("pk-9").hasMessageContaining("777")
        .hasMessageContaining("PASS_THROUGH")
        .satisfies(e -> {
          InvalidAggregatedRecordException ex = (InvalidAggregatedRecordException) e;
          assertThat(ex.partitionKey()).contains("pk-9");
          assertThat(ex.sequenceNumber()).contains("777");
        });
  }

  @Test
  void sdkRecordsCarryTheirSequenceNumbers() {
    Record aggregated = Record.builder().partitionKey("a").sequenceNumber("100")
        .data(SdkBytes.fromByteArray(threeRecords())).build();
    Record plain = Record.builder().partitionKey("p").sequenceNumber("200")
        .data(SdkBytes.fromUtf8String("plain")).build();

    List<DeaggregatedRecord> one = FAIL.deaggregate(aggregated);
    assertThat(one).hasSize(3).allMatch(r -> r.sequenceNumber().orElseThrow().equals("100"));

    List<DeaggregatedRecord> all = FAIL.deaggregate(List.of(plain, aggregated, plain));
    assertThat(all).extracting(r -> r.sequenceNumber().orElseThrow())
        .containsExactly("200", "100", "100", "100", "200");
    assertThat(all).extracting(DeaggregatedRecord::subSequenceNumber)
        .containsExactly(0L, 0L, 1L, 2L, 0L);
    assertThat(all).extracting(DeaggregatedRecord::aggregated)
        .containsExactly(false, true, true, true, false);
    assertThat(all.get(0).explicitHashKey()).isEmpty();
    assertThat(all.get(0).data()).isEqualTo(utf8("plain"));
  }

  // ---------------------------------------------------------------- hash-key range filtering

  private static BigInteger md5(String partitionKey) throws Exception {
    return new BigInteger(1, MessageDigest.getInstance("MD5").digest(utf8(partitionKey)));
  }

  @Test
  void effectiveHashKeyIsTheUnsignedMd5OfThePartitionKeyOrTheExplicitHashKey() throws Exception {
    // MD5("") = d41d8cd98f00b204e9800998ecf8427e
    assertThat(HashKeys.effectiveHashKey("", null))
        .isEqualTo(new BigInteger("d41d8cd98f00b204e9800998ecf8427e", 16));
    assertThat(HashKeys.effectiveHashKey("anything", "12345")).isEqualTo(BigInteger.valueOf(12345));
    assertThat(HashKeys.effectiveHashKey("ключ", null)).isEqualTo(md5("ключ"));
  }

  @Test
  void filtersUserRecordsOutsideTheShardsHashKeyRange() throws Exception {
    BigInteger mid = BigInteger.ONE.shiftLeft(127);
    RecordAggregator agg = new RecordAggregator(100_000, 1000);
    for (int i = 0; i < 50; i++) {
      agg.tryAdd("key-" + i, null, new byte[] {(byte) i});
    }
    agg.tryAdd("explicit-low", "0", new byte[] {100});
    agg.tryAdd("explicit-high", MAX.toString(), new byte[] {101});
    agg.tryAdd("explicit-mid-1", mid.subtract(BigInteger.ONE).toString(), new byte[] {102});
    agg.tryAdd("explicit-mid", mid.toString(), new byte[] {103});
    byte[] bytes = agg.toBytes();

    Deaggregator lower = Deaggregator.builder()
        .filterToHashKeyRange(BigInteger.ZERO, mid.subtract(BigInteger.ONE)).build();
    Deaggregator upper = Deaggregator.builder().filterToHashKeyRange(mid, MAX).build();
    List<DeaggregatedRecord> low = lower.deaggregate(bytes, "a", null);
    List<DeaggregatedRecord> high = upper.deaggregate(bytes, "a", null);
    List<DeaggregatedRecord> all = FAIL.deaggregate(bytes, "a", null);

    assertThat(low.size() + high.size()).isEqualTo(all.size()).isEqualTo(54);
    assertThat(low).isNotEmpty();
    assertThat(high).isNotEmpty();
    for (DeaggregatedRecord r : low) {
      assertThat(HashKeys.effectiveHashKey(r.partitionKey(), r.explicitHashKey().orElse(null)))
          .isLessThan(mid);
    }
    for (DeaggregatedRecord r : high) {
      assertThat(HashKeys.effectiveHashKey(r.partitionKey(), r.explicitHashKey().orElse(null)))
          .isGreaterThanOrEqualTo(mid);
    }
    assertThat(low).extracting(DeaggregatedRecord::partitionKey)
        .contains("explicit-low", "explicit-mid-1").doesNotContain("explicit-mid", "explicit-high");
    // Sub-sequence numbers stay the record's index in the aggregate.
    assertThat(high).allSatisfy(r -> assertThat(all.get((int) r.subSequenceNumber())).isEqualTo(r));
    assertThat(low).allSatisfy(r -> assertThat(all.get((int) r.subSequenceNumber())).isEqualTo(r));
  }

  @Test
  void rangeBoundsAreInclusive() throws Exception {
    BigInteger h = md5("exact");
    Deaggregator exact = Deaggregator.builder().filterToHashKeyRange(h, h).build();
    RecordAggregator agg = new RecordAggregator(1000, 10);
    agg.tryAdd("exact", null, new byte[] {1});
    agg.tryAdd("other", null, new byte[] {2});
    agg.tryAdd("viaEhk", h.toString(), new byte[] {3});
    assertThat(exact.deaggregate(agg.toBytes(), "a", null))
        .extracting(DeaggregatedRecord::partitionKey).containsExactly("exact", "viaEhk");
  }

  @Test
  void nonAggregatedRecordsAreNeverFiltered() {
    Deaggregator none = Deaggregator.builder()
        .filterToHashKeyRange(BigInteger.ZERO, BigInteger.ZERO).build();
    assertThat(none.deaggregate(utf8("plain"), "pk", null)).hasSize(1);
  }

  @Test
  void aNonNumericExplicitHashKeyIsInvalidOnlyWhenFiltering() {
    RecordAggregator agg = new RecordAggregator(1000, 10);
    agg.tryAdd("k", "not-a-number", new byte[] {1});
    byte[] bytes = agg.toBytes();
    assertThat(FAIL.deaggregate(bytes, "a", null)).hasSize(1);
    Deaggregator filtering = Deaggregator.builder().filterToHashKeyRange(BigInteger.ZERO, MAX)
        .build();
    assertThatThrownBy(() -> filtering.deaggregate(bytes, "a", null))
        .isInstanceOf(InvalidAggregatedRecordException.class)
        .extracting(e -> ((InvalidAggregatedRecordException) e).reason())
        .isEqualTo(Reason.INVALID_EXPLICIT_HASH_KEY);
    assertPassedThrough(filtering.toBuilder().onInvalid(InvalidRecordPolicy.PASS_THROUGH).build()
        .deaggregate(bytes, "a", null), bytes, "a");
  }

  @Test
  void builderValidatesAndRoundTrips() {
    assertThatThrownBy(() -> Deaggregator.builder().filterToHashKeyRange(BigInteger.TEN,
        BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("start");
    assertThatThrownBy(() -> Deaggregator.builder().filterToHashKeyRange(BigInteger.valueOf(-1),
        BigInteger.ONE)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Deaggregator.builder().filterToHashKeyRange(BigInteger.ZERO,
        MAX.add(BigInteger.ONE))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("end");
    assertThatThrownBy(() -> Deaggregator.builder().onInvalid(null))
        .isInstanceOf(NullPointerException.class);

    Deaggregator d = Deaggregator.builder().onInvalid(InvalidRecordPolicy.PASS_THROUGH)
        .filterToHashKeyRange(BigInteger.ONE, BigInteger.TEN).build();
    Deaggregator copy = d.toBuilder().build();
    assertThat(copy.invalidRecordPolicy()).isEqualTo(InvalidRecordPolicy.PASS_THROUGH);
    assertThat(copy.hashKeyRangeStart()).contains(BigInteger.ONE);
    assertThat(copy.hashKeyRangeEnd()).contains(BigInteger.TEN);
    assertThat(d.toBuilder().noHashKeyRangeFilter().build().hashKeyRangeStart()).isEmpty();
    assertThat(Deaggregator.create().invalidRecordPolicy()).isEqualTo(InvalidRecordPolicy.FAIL);
  }
}
