package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.shardwise.producer.aggregation.TestRecords.UserRecord;
import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * {@link RecordAggregator}'s hand-written encoding against the protobuf-generated classes as the
 * oracle: the same records, key tables in the order keys first appear, must give the same bytes,
 * and every size the aggregator states must be the encoded size. Keys are mostly distinct (as the
 * producer sends them), some repeated, non-ASCII, with surrogate pairs or unpaired surrogates (both
 * encoders write those as {@code '?'}), and equal keys come as distinct instances too.
 */
class EncodingOracleTest {

  /**
   * protobuf-java logs a warning with a stack trace for every ill-formed string it encodes; the
   * oracle encodes many on purpose. Held in a field so the logger, and its level, stay.
   */
  private static final Logger PROTOBUF_LOG = Logger.getLogger(CodedOutputStream.class.getName());

  static {
    PROTOBUF_LOG.setLevel(Level.SEVERE);
  }

  private static final BigInteger MAX_HASH_KEY =
      BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

  @Provide
  Arbitrary<UserRecord> records() {
    Arbitrary<String> partitionKeys = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withChars("0123456789abcdef").ofLength(16)),
        Tuple.of(3, Arbitraries.of("", "a", "ü", "ключ", "日本", "🔑", "x🔑y")),
        Tuple.of(1, Arbitraries.strings().all().ofMaxLength(200)));
    Arbitrary<String> explicitHashKeys = Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.just((String) null)),
        Tuple.of(1, Arbitraries.of("0", "1", MAX_HASH_KEY.toString())),
        Tuple.of(1, Arbitraries.bigIntegers().between(BigInteger.ZERO, MAX_HASH_KEY)
            .map(BigInteger::toString)));
    // Mostly small; some around 16 KiB, where the data and record length varints grow a byte.
    Arbitrary<byte[]> data = Arbitraries.frequencyOf(
        Tuple.of(12, Arbitraries.bytes().array(byte[].class).ofMaxSize(130)),
        Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMinSize(16_300).ofMaxSize(16_400)));
    return Combinators.combine(sometimesCopied(partitionKeys), sometimesCopied(explicitHashKeys),
        data).as(UserRecord::new);
  }

  /** Equal keys from separate callers are equal strings, not the same instance. */
  private static Arbitrary<String> sometimesCopied(Arbitrary<String> keys) {
    return Combinators.combine(keys, Arbitraries.of(false, true))
        .as((key, copy) -> copy && key != null ? new String(key) : key);
  }

  /** The oracle's message: key tables in first-appearance order, records in order. */
  static KplAggregation.AggregatedRecord generatedMessage(List<UserRecord> records) {
    Map<String, Integer> partitionKeys = new LinkedHashMap<>();
    Map<String, Integer> explicitHashKeys = new LinkedHashMap<>();
    KplAggregation.AggregatedRecord.Builder message = KplAggregation.AggregatedRecord.newBuilder();
    for (UserRecord r : records) {
      KplAggregation.Record.Builder record = KplAggregation.Record.newBuilder()
          .setPartitionKeyIndex(indexIn(partitionKeys, r.partitionKey()))
          .setData(ByteString.copyFrom(r.data()));
      if (r.explicitHashKey() != null) {
        record.setExplicitHashKeyIndex(indexIn(explicitHashKeys, r.explicitHashKey()));
      }
      message.addRecords(record);
    }
    return message.addAllPartitionKeyTable(partitionKeys.keySet())
        .addAllExplicitHashKeyTable(explicitHashKeys.keySet())
        .build();
  }

  private static int indexIn(Map<String, Integer> table, String key) {
    return table.computeIfAbsent(key, k -> table.size());
  }

  /** The oracle's aggregated record: magic, the generated classes' bytes, their MD5. */
  static byte[] generatedBytes(List<UserRecord> records) throws Exception {
    return TestRecords.frame(generatedMessage(records).toByteArray());
  }

  private static int generatedSize(List<UserRecord> records, UserRecord next) {
    List<UserRecord> all = new ArrayList<>(records);
    all.add(next);
    return AggregatedRecordFormat.OVERHEAD_BYTES + generatedMessage(all).getSerializedSize();
  }

  private static boolean tryAdd(RecordAggregator agg, UserRecord r) {
    return agg.tryAdd(r.partitionKey(), r.explicitHashKey(), r.data());
  }

  private static int sizeIfAdded(RecordAggregator agg, UserRecord r) {
    return agg.sizeIfAdded(r.partitionKey(), r.explicitHashKey(), r.data().length);
  }

  @Property(tries = 300)
  void toBytesIsWhatTheGeneratedClassesEncode(
      @ForAll @Size(min = 1, max = 200) List<@From("records") UserRecord> records)
      throws Exception {
    RecordAggregator agg = TestRecords.addAllAsPredicted(records, false);
    byte[] bytes = agg.toBytes();
    assertThat(bytes).isEqualTo(generatedBytes(records));
    assertThat(agg.sizeBytes()).isEqualTo(bytes.length);
  }

  @Property(tries = 200)
  void sizeIfAddedPredictsAnyRecordExactly(
      @ForAll @Size(min = 1, max = 40) List<@From("records") UserRecord> records,
      @ForAll @Size(min = 1, max = 40) List<@From("records") UserRecord> probes)
      throws Exception {
    // Between adds, ask about records that are not added: what the aggregator remembers of the
    // last lookup must not leak into the next add.
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    List<UserRecord> added = new ArrayList<>();
    for (int i = 0; i < records.size(); i++) {
      UserRecord probe = probes.get(i % probes.size());
      assertThat(sizeIfAdded(agg, probe)).isEqualTo(generatedSize(added, probe));
      UserRecord r = records.get(i);
      int predicted = sizeIfAdded(agg, r);
      assertThat(predicted).isEqualTo(generatedSize(added, r));
      assertThat(tryAdd(agg, r)).isTrue();
      added.add(r);
      assertThat(agg.sizeBytes()).isEqualTo(predicted);
      assertThat(agg.toBytes()).hasSize(predicted);
    }
    assertThat(agg.toBytes()).isEqualTo(generatedBytes(added));
  }

  @Property(tries = 100)
  void aReusedAggregatorMatchesTheGeneratedClassesEveryTime(
      @ForAll @Size(min = 1, max = 300) List<@From("records") UserRecord> records,
      @ForAll @IntRange(min = 100, max = 40_000) int maxSize,
      @ForAll @IntRange(min = 1, max = 120) int maxCount) throws Exception {
    // As the producer uses one: fill until refused, encode, clear, go on with the refused record.
    RecordAggregator agg = new RecordAggregator(maxSize, maxCount);
    List<UserRecord> current = new ArrayList<>();
    for (UserRecord r : records) {
      if (tryAdd(agg, r)) {
        current.add(r);
        continue;
      }
      if (!current.isEmpty()) {
        assertThat(agg.toBytes()).isEqualTo(generatedBytes(current));
        agg.clear();
        current.clear();
        if (tryAdd(agg, r)) {
          current.add(r);
        }
      }
    }
    if (!current.isEmpty()) {
      assertThat(agg.toBytes()).isEqualTo(generatedBytes(current));
    }
  }
}
