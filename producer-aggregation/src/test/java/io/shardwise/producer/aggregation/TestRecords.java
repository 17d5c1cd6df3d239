package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/** Shared helpers: a user record, and the KCL's deaggregation as an oracle. */
final class TestRecords {

  static final String SEQ = "49590338271490256608559692538361571095921575989136588898";

  private TestRecords() {}

  /** A user record as the producer sees it. */
  record UserRecord(String partitionKey, String explicitHashKey, byte[] data) {}

  /** Aggregates the records with a generous aggregator; fails if one does not fit. */
  static byte[] aggregate(List<UserRecord> records) {
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (UserRecord r : records) {
      if (!agg.tryAdd(r.partitionKey(), r.explicitHashKey(), r.data())) {
        throw new AssertionError("did not fit: " + r);
      }
    }
    return agg.toBytes();
  }

  /**
   * Adds the records one by one to a generous aggregator, asserting that each add succeeds and
   * leaves exactly the size {@code sizeIfAdded} predicted for it.
   *
   * @param encodeEachStep also assert after each add that {@code toBytes()} has that size
   */
  static RecordAggregator addAllAsPredicted(List<UserRecord> records, boolean encodeEachStep) {
    RecordAggregator agg = new RecordAggregator(Integer.MAX_VALUE, Integer.MAX_VALUE);
    for (UserRecord r : records) {
      int predicted = agg.sizeIfAdded(r.partitionKey(), r.explicitHashKey(), r.data().length);
      assertThat(agg.tryAdd(r.partitionKey(), r.explicitHashKey(), r.data())).isTrue();
      assertThat(agg.sizeBytes()).isEqualTo(predicted);
      if (encodeEachStep) {
        assertThat(agg.toBytes()).hasSize(predicted);
      }
    }
    return agg;
  }

  /** Runs the KCL's own deaggregation (the full hash-key range) on one Kinesis record. */
  static List<KinesisClientRecord> kclDeaggregate(byte[] data, String partitionKey, String ehk) {
    KinesisClientRecord record = KinesisClientRecord.builder()
        .data(ByteBuffer.wrap(data))
        .partitionKey(partitionKey)
        .explicitHashKey(ehk)
        .sequenceNumber(SEQ)
        .approximateArrivalTimestamp(Instant.parse("2024-01-01T00:00:00Z"))
        .build();
    return new AggregatorUtil().deaggregate(List.of(record));
  }

  static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer view = buffer.duplicate();
    byte[] out = new byte[view.remaining()];
    view.get(out);
    return out;
  }

  /** Frames protobuf bytes as an aggregated record: magic, bytes, MD5. */
  static byte[] frame(byte[] protobuf) throws Exception {
    byte[] md5 = MessageDigest.getInstance("MD5").digest(protobuf);
    byte[] out = new byte[4 + protobuf.length + 16];
    System.arraycopy(AggregatedRecordFormat.magic(), 0, out, 0, 4);
    System.arraycopy(protobuf, 0, out, 4, protobuf.length);
    System.arraycopy(md5, 0, out, 4 + protobuf.length, 16);
    return out;
  }

  static List<UserRecord> numbered(int n, String keyPrefix, int dataLength) {
    List<UserRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] data = new byte[dataLength];
      for (int j = 0; j < dataLength; j++) {
        data[j] = (byte) (i * 31 + j);
      }
      out.add(new UserRecord(keyPrefix + (i % 7), null, data));
    }
    return out;
  }
}
