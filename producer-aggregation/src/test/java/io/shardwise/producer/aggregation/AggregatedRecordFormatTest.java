package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AggregatedRecordFormatTest {

  @Test
  void constantsDescribeTheKplFormat() {
    assertThat(AggregatedRecordFormat.magic())
        .containsExactly((byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2);
    assertThat(ByteBuffer.wrap(AggregatedRecordFormat.magic()).getInt())
        .isEqualTo(AggregatedRecordFormat.MAGIC_INT);
    assertThat(AggregatedRecordFormat.MAGIC_LENGTH).isEqualTo(4);
    assertThat(AggregatedRecordFormat.DIGEST_LENGTH).isEqualTo(16);
    assertThat(AggregatedRecordFormat.OVERHEAD_BYTES).isEqualTo(20);
  }

  @Test
  void magicReturnsACopy() {
    byte[] m = AggregatedRecordFormat.magic();
    m[0] = 0;
    assertThat(AggregatedRecordFormat.magic()[0]).isEqualTo((byte) 0xF3);
  }

  @Test
  void isAggregatedLooksAtThePrefix() {
    byte[] agg = new RecordAggregatorFixture().one();
    assertThat(AggregatedRecordFormat.isAggregated(agg)).isTrue();
    assertThat(AggregatedRecordFormat.isAggregated(AggregatedRecordFormat.magic())).isTrue();
    assertThat(AggregatedRecordFormat.isAggregated(new byte[] {(byte) 0xF3, (byte) 0x89,
        (byte) 0x9A})).isFalse();
    assertThat(AggregatedRecordFormat.isAggregated(new byte[] {(byte) 0xF3, (byte) 0x89,
        (byte) 0x9A, (byte) 0xC3, 0, 0})).isFalse();
    assertThat(AggregatedRecordFormat.isAggregated("plain".getBytes())).isFalse();
    assertThat(AggregatedRecordFormat.isAggregated(new byte[0])).isFalse();
    assertThat(AggregatedRecordFormat.isAggregated((byte[]) null)).isFalse();
  }

  @Test
  void isAggregatedOnABufferReadsFromItsPositionWithoutMovingIt() {
    byte[] agg = new RecordAggregatorFixture().one();
    ByteBuffer buf = ByteBuffer.allocate(agg.length + 3);
    buf.put(new byte[] {1, 2, 3}).put(agg).flip();
    assertThat(AggregatedRecordFormat.isAggregated(buf)).isFalse();
    buf.position(3);
    assertThat(AggregatedRecordFormat.isAggregated(buf)).isTrue();
    assertThat(buf.position()).isEqualTo(3);
    assertThat(AggregatedRecordFormat.isAggregated((ByteBuffer) null)).isFalse();
  }

  /** Builds a one-record aggregate. */
  static final class RecordAggregatorFixture {
    byte[] one() {
      RecordAggregator agg = new RecordAggregator(1000, 10);
      agg.tryAdd("k", null, new byte[] {1});
      return agg.toBytes();
    }
  }
}
