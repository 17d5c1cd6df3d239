package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.aggregation.TestRecords.UserRecord;
import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.From;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Property tests of the aggregation format: round trip, exact sizes, limits. */
class AggregationPropertiesTest {

  private static final BigInteger MAX = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  @Provide
  Arbitrary<UserRecord> userRecord() {
    // Few distinct keys so the key tables deduplicate; some long, some non-ASCII.
    Arbitrary<String> shortKeys = Arbitraries.of("a", "b", "key-1", "ключ", "🔑", "日本");
    Arbitrary<String> anyKeys = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(256)
        .filter(AggregationPropertiesTest::isWellFormedUtf16);
    Arbitrary<String> keys = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, shortKeys), net.jqwik.api.Tuple.of(1, anyKeys));
    Arbitrary<String> ehks = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(3, Arbitraries.just((String) null)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("0", "1", MAX.toString())),
        net.jqwik.api.Tuple.of(1, Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX)
            .map(BigInteger::toString)));
    Arbitrary<byte[]> data = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(5, Arbitraries.bytes().array(byte[].class).ofMaxSize(200)),
        net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(100)
            .ofMaxSize(20_000)));
    return Combinators.combine(keys, ehks, data).as(UserRecord::new);
  }

  static boolean isWellFormedUtf16(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  @Property(tries = 200)
  void encodeDecodeRoundTrip(@ForAll @Size(min = 1, max = 60) List<@From("userRecord") UserRecord>
      records) {
    byte[] bytes = TestRecords.aggregate(records);
    List<DeaggregatedRecord> out = Deaggregator.create().deaggregate(bytes, "a", null);
    assertThat(out).hasSameSizeAs(records);
    for (int i = 0; i < records.size(); i++) {
      UserRecord e = records.get(i);
      DeaggregatedRecord r = out.get(i);
      assertThat(r.partitionKey()).isEqualTo(e.partitionKey());
      assertThat(r.explicitHashKey().orElse(null)).isEqualTo(e.explicitHashKey());
      assertThat(r.data()).isEqualTo(e.data());
      assertThat(r.subSequenceNumber()).isEqualTo(i);
      assertThat(r.aggregated()).isTrue();
    }
  }

  @Property(tries = 200)
  void sizeIfAddedIsTheEncodedSize(
      @ForAll @Size(min = 1, max = 60) List<@From("userRecord") UserRecord> records)
      throws Exception {
    RecordAggregator agg = TestRecords.addAllAsPredicted(records, true);
    // The generated classes, re-serialising what we wrote, agree on the protobuf length.
    byte[] bytes = agg.toBytes();
    KplAggregation.AggregatedRecord parsed = RecordAggregatorTest.parse(bytes);
    assertThat(parsed.getSerializedSize() + AggregatedRecordFormat.OVERHEAD_BYTES)
        .isEqualTo(bytes.length);
  }

  @Property(tries = 200)
  void aggregatesNeverExceedTheirLimits(
      @ForAll @Size(min = 1, max = 150) List<@From("userRecord") UserRecord> records,
      @ForAll @IntRange(min = 21, max = 60_000) int maxSize,
      @ForAll @IntRange(min = 1, max = 40) int maxCount) {
    RecordAggregator agg = new RecordAggregator(maxSize, maxCount);
    List<List<UserRecord>> aggregates = new ArrayList<>();
    List<UserRecord> current = new ArrayList<>();
    List<UserRecord> unaggregated = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    for (UserRecord r : records) {
      if (agg.tryAdd(r.partitionKey(), r.explicitHashKey(), r.data())) {
        current.add(r);
        continue;
      }
      if (agg.isEmpty()) {
        // Too big even alone: really too big.
        assertThat(agg.sizeIfAdded(r.partitionKey(), r.explicitHashKey(), r.data().length))
            .isGreaterThan(maxSize);
        unaggregated.add(r);
        continue;
      }
      // Refused for the count or the size, never without reason.
      assertThat(agg.count() >= maxCount
          || agg.sizeIfAdded(r.partitionKey(), r.explicitHashKey(), r.data().length) > maxSize)
          .isTrue();
      encoded.add(agg.toBytes());
      aggregates.add(current);
      current = new ArrayList<>();
      agg.clear();
      if (agg.tryAdd(r.partitionKey(), r.explicitHashKey(), r.data())) {
        current.add(r);
      } else {
        unaggregated.add(r);
      }
    }
    if (!agg.isEmpty()) {
      encoded.add(agg.toBytes());
      aggregates.add(current);
    }
    int total = unaggregated.size();
    for (int i = 0; i < encoded.size(); i++) {
      assertThat(encoded.get(i).length).isLessThanOrEqualTo(maxSize);
      List<DeaggregatedRecord> out = Deaggregator.create().deaggregate(encoded.get(i), "a", null);
      assertThat(out).hasSize(aggregates.get(i).size()).hasSizeLessThanOrEqualTo(maxCount);
      total += out.size();
    }
    assertThat(total).isEqualTo(records.size());
  }
}
