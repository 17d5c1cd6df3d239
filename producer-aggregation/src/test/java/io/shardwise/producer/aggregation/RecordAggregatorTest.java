package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.aggregation.proto.KplAggregation;
import java.security.MessageDigest;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class RecordAggregatorTest {

  /** Parses an aggregate with the generated classes, checking magic and MD5 by hand. */
  static KplAggregation.AggregatedRecord parse(byte[] bytes) throws Exception {
    assertThat(Arrays.copyOfRange(bytes, 0, 4)).isEqualTo(AggregatedRecordFormat.magic());
    byte[] pb = Arrays.copyOfRange(bytes, 4, bytes.length - 16);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 16, bytes.length))
        .isEqualTo(MessageDigest.getInstance("MD5").digest(pb));
    return KplAggregation.AggregatedRecord.parseFrom(pb);
  }

  @Test
  void emptyAggregatorHasOnlyTheFramingOverhead() {
    RecordAggregator agg = new RecordAggregator(100, 5);
    assertThat(agg.isEmpty()).isTrue();
    assertThat(agg.count()).isZero();
    assertThat(agg.sizeBytes()).isEqualTo(AggregatedRecordFormat.OVERHEAD_BYTES);
    assertThat(agg.firstPartitionKey()).isEmpty();
    assertThat(agg.firstExplicitHashKey()).isEmpty();
    assertThatThrownBy(agg::toBytes).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void exactSizeOfOneSmallRecord() throws Exception {
    RecordAggregator agg = new RecordAggregator(1000, 5);
    // magic 4 + pk table (tag 1 + len 1 + "k" 1) + records (tag 1 + len 1 + record:
    // pk index (tag 1 + 0: 1) + data (tag 1 + len 1 + 3)) + md5 16
    int expected = 4 + 3 + 2 + 2 + 5 + 16;
    assertThat(agg.sizeIfAdded("k", null, 3)).isEqualTo(expected);
    assertThat(agg.tryAdd("k", null, new byte[] {1, 2, 3})).isTrue();
    assertThat(agg.sizeBytes()).isEqualTo(expected);
    assertThat(agg.toBytes()).hasSize(expected);
  }

  @Test
  void keyTablesDeduplicateKeys() throws Exception {
    RecordAggregator agg = new RecordAggregator(10_000, 100);
    agg.tryAdd("alpha", "123", new byte[] {1});
    int before = agg.sizeBytes();
    int repeatCost = agg.sizeIfAdded("alpha", "123", 1) - before;
    int newKeyCost = agg.sizeIfAdded("beta", "456", 1) - before;
    // The repeated record costs only its Record message: tag+len+pk idx+ehk idx+data.
    assertThat(repeatCost).isEqualTo(2 + 2 + 2 + 3);
    assertThat(newKeyCost).isEqualTo(repeatCost + (2 + 4) + (2 + 3));
    agg.tryAdd("alpha", "123", new byte[] {2});
    agg.tryAdd("beta", null, new byte[] {3});
    agg.tryAdd("beta", "123", new byte[] {4});

    KplAggregation.AggregatedRecord parsed = parse(agg.toBytes());
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("alpha", "beta");
    assertThat(parsed.getExplicitHashKeyTableList()).containsExactly("123");
    assertThat(parsed.getRecordsList()).extracting(KplAggregation.Record::getPartitionKeyIndex)
        .containsExactly(0L, 0L, 1L, 1L);
    assertThat(parsed.getRecords(2).hasExplicitHashKeyIndex()).isFalse();
    assertThat(parsed.getRecords(3).getExplicitHashKeyIndex()).isZero();
    assertThat(parsed.getRecordsList()).allMatch(r -> r.getTagsCount() == 0);
  }

  @Test
  void equalKeysThatAreDistinctInstancesShareOneTableEntry() throws Exception {
    RecordAggregator agg = new RecordAggregator(10_000, 10);
    String key = "shared-key";
    agg.tryAdd(key, "7", new byte[] {1});
    int before = agg.sizeBytes();
    int predicted = agg.sizeIfAdded(new String(key), new String("7"), 1);
    assertThat(agg.tryAdd(new String(key), new String("7"), new byte[] {2})).isTrue();
    assertThat(agg.sizeBytes()).isEqualTo(predicted).isEqualTo(before + 2 + 2 + 2 + 3);
    agg.tryAdd("other", null, new byte[] {3});
    agg.tryAdd(new String(key), null, new byte[] {4});

    KplAggregation.AggregatedRecord parsed = parse(agg.toBytes());
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("shared-key", "other");
    assertThat(parsed.getExplicitHashKeyTableList()).containsExactly("7");
    assertThat(parsed.getRecordsList()).extracting(KplAggregation.Record::getPartitionKeyIndex)
        .containsExactly(0L, 0L, 1L, 0L);
  }

  @Test
  void unpairedSurrogatesAreWrittenAsQuestionMarksAsProtobufDoes() throws Exception {
    // Not valid UTF-16, so not a round trip: protobuf-java and String.getBytes write '?' too.
    RecordAggregator agg = new RecordAggregator(1000, 10);
    agg.tryAdd("a\uD800b", null, new byte[0]);
    agg.tryAdd("\uDC00\uD83D\uDD11", "\uD800", new byte[0]);
    byte[] bytes = agg.toBytes();
    assertThat(bytes).hasSize(agg.sizeBytes());
    KplAggregation.AggregatedRecord parsed = parse(bytes);
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("a?b", "?\uD83D\uDD11");
    assertThat(parsed.getExplicitHashKeyTableList()).containsExactly("?");
  }

  @Test
  void clearForgetsTheKeysOfTheLastAggregate() throws Exception {
    // Enough distinct keys that the key tables grow several times before the clear.
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (int i = 0; i < 1000; i++) {
      agg.tryAdd("key-" + i, Integer.toString(i), new byte[] {(byte) i});
    }
    agg.clear();
    assertThat(agg.sizeIfAdded("key-999", null, 1))
        .isEqualTo(new RecordAggregator(1000, 1).sizeIfAdded("key-999", null, 1));
    agg.tryAdd("key-999", null, new byte[] {1});
    agg.tryAdd("new", "5", new byte[] {2});
    agg.tryAdd("key-0", "999", new byte[] {3});
    agg.tryAdd("key-999", "5", new byte[] {4});

    byte[] bytes = agg.toBytes();
    assertThat(bytes).hasSize(agg.sizeBytes());
    KplAggregation.AggregatedRecord parsed = parse(bytes);
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("key-999", "new", "key-0");
    assertThat(parsed.getExplicitHashKeyTableList()).containsExactly("5", "999");
    assertThat(parsed.getRecordsList()).extracting(KplAggregation.Record::getPartitionKeyIndex)
        .containsExactly(0L, 1L, 2L, 0L);
    assertThat(parsed.getRecords(0).hasExplicitHashKeyIndex()).isFalse();
    assertThat(parsed.getRecordsList().subList(1, 4))
        .extracting(KplAggregation.Record::getExplicitHashKeyIndex).containsExactly(0L, 1L, 0L);
  }

  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void manyRoundsOfDistinctKeysReuseTheKeyTablesCleanly() throws Exception {
    // A key index that clear() left dirty would fill up over the rounds: lookups would never find
    // a free slot (hence the timeout) or would find stale keys.
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (int round = 0; round < 40; round++) {
      agg.clear();
      for (int i = 0; i < 300; i++) {
        String key = "r" + round + "-k" + i;
        assertThat(agg.tryAdd(key, key, new byte[0])).isTrue();
      }
      byte[] bytes = agg.toBytes();
      assertThat(bytes).hasSize(agg.sizeBytes());
      KplAggregation.AggregatedRecord parsed = parse(bytes);
      assertThat(parsed.getPartitionKeyTableCount()).isEqualTo(300);
      assertThat(parsed.getExplicitHashKeyTableCount()).isEqualTo(300);
      assertThat(parsed.getPartitionKeyTable(299)).isEqualTo("r" + round + "-k299");
      assertThat(parsed.getRecords(299).getPartitionKeyIndex()).isEqualTo(299);
    }
  }

  @Test
  void tryAddRefusesPastMaxCountWithoutChangingAnything() {
    RecordAggregator agg = new RecordAggregator(10_000, 2);
    assertThat(agg.tryAdd("a", null, new byte[1])).isTrue();
    assertThat(agg.tryAdd("b", null, new byte[1])).isTrue();
    int size = agg.sizeBytes();
    byte[] bytes = agg.toBytes();
    assertThat(agg.tryAdd("c", null, new byte[1])).isFalse();
    assertThat(agg.count()).isEqualTo(2);
    assertThat(agg.sizeBytes()).isEqualTo(size);
    assertThat(agg.toBytes()).isEqualTo(bytes);
  }

  @Test
  void tryAddFillsExactlyToMaxSizeAndNoFurther() {
    RecordAggregator probe = new RecordAggregator(Integer.MAX_VALUE, 10);
    probe.tryAdd("key", null, new byte[10]);
    int max = probe.sizeIfAdded("other", "42", 77);

    RecordAggregator agg = new RecordAggregator(max, 10);
    assertThat(agg.tryAdd("key", null, new byte[10])).isTrue();
    int before = agg.sizeBytes();
    byte[] bytesBefore = agg.toBytes();
    assertThat(agg.tryAdd("other", "42", new byte[78])).isFalse();
    assertThat(agg.sizeBytes()).isEqualTo(before);
    assertThat(agg.toBytes()).isEqualTo(bytesBefore);
    assertThat(agg.tryAdd("other", "42", new byte[77])).isTrue();
    assertThat(agg.sizeBytes()).isEqualTo(max);
    assertThat(agg.toBytes()).hasSize(max);
  }

  @Test
  void aRecordTooBigAloneIsRefusedEvenWhenEmpty() {
    RecordAggregator agg = new RecordAggregator(100, 10);
    assertThat(agg.tryAdd("k", null, new byte[100])).isFalse();
    assertThat(agg.isEmpty()).isTrue();
    assertThat(agg.sizeBytes()).isEqualTo(AggregatedRecordFormat.OVERHEAD_BYTES);
  }

  @Test
  void clearMakesItReusable() throws Exception {
    RecordAggregator agg = new RecordAggregator(1000, 3);
    agg.tryAdd("x", "1", new byte[] {1});
    agg.tryAdd("y", null, new byte[] {2});
    agg.clear();
    assertThat(agg.isEmpty()).isTrue();
    assertThat(agg.sizeBytes()).isEqualTo(AggregatedRecordFormat.OVERHEAD_BYTES);
    assertThat(agg.tryAdd("z", null, new byte[] {3})).isTrue();
    KplAggregation.AggregatedRecord parsed = parse(agg.toBytes());
    assertThat(parsed.getPartitionKeyTableList()).containsExactly("z");
    assertThat(parsed.getExplicitHashKeyTableList()).isEmpty();
    assertThat(parsed.getRecordsCount()).isEqualTo(1);
    assertThat(parsed.getRecords(0).getPartitionKeyIndex()).isZero();
  }

  @Test
  void exposesTheFirstRecordsKeys() {
    RecordAggregator agg = new RecordAggregator(1000, 3);
    agg.tryAdd("first", "99", new byte[0]);
    agg.tryAdd("second", "100", new byte[0]);
    assertThat(agg.firstPartitionKey()).contains("first");
    assertThat(agg.firstExplicitHashKey()).contains("99");
    agg.clear();
    agg.tryAdd("only", null, new byte[0]);
    assertThat(agg.firstExplicitHashKey()).isEmpty();
  }

  @Test
  void toBytesLeavesTheAggregateUnchanged() {
    RecordAggregator agg = new RecordAggregator(1000, 3);
    agg.tryAdd("k", null, new byte[] {1});
    byte[] a = agg.toBytes();
    byte[] b = agg.toBytes();
    assertThat(a).isEqualTo(b).isNotSameAs(b);
    assertThat(agg.count()).isEqualTo(1);
  }

  @Test
  void sizesAreExactAcrossVarintBoundaries() {
    // Data lengths around the 1-, 2- and 3-byte varint boundaries, and many records so the key
    // indexes cross 127 too.
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    int[] lengths = {0, 1, 127, 128, 16_383, 16_384, 16_385};
    for (int i = 0; i < 300; i++) {
      int len = lengths[i % lengths.length];
      String pk = "pk-" + i;
      String ehk = i % 3 == 0 ? null : Integer.toString(i);
      int predicted = agg.sizeIfAdded(pk, ehk, len);
      assertThat(agg.tryAdd(pk, ehk, new byte[len])).isTrue();
      assertThat(agg.sizeBytes()).isEqualTo(predicted);
    }
    assertThat(agg.toBytes()).hasSize(agg.sizeBytes());
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new RecordAggregator(20, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxSizeBytes");
    assertThatThrownBy(() -> new RecordAggregator(1000, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxCount");
    RecordAggregator agg = new RecordAggregator(1000, 1);
    assertThatThrownBy(() -> agg.tryAdd(null, null, new byte[0]))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("partitionKey");
    assertThatThrownBy(() -> agg.tryAdd("k", null, null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("data");
    assertThatThrownBy(() -> agg.sizeIfAdded("k", null, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dataLength");
    assertThat(agg.sizeIfAdded("k", null, Integer.MAX_VALUE)).isEqualTo(Integer.MAX_VALUE);
    assertThat(agg.maxSizeBytes()).isEqualTo(1000);
    assertThat(agg.maxCount()).isEqualTo(1);
  }
}
