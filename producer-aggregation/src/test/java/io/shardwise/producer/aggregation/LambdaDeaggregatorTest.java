package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Lambda {@code KinesisEvent} built from event JSON shaped like AWS's documented example (base64
 * {@code data}, {@code partitionKey}, {@code sequenceNumber}), the way the Lambda runtime does: the
 * data is base64-decoded into a {@link ByteBuffer}.
 */
class LambdaDeaggregatorTest {

  private static final String SEQ_1 = "49590338271490256608559692538361571095921575989136588898";
  private static final String SEQ_2 = "49590338271490256608559692540925702759324208523137515618";

  private static String eventJson(String data1, String data2) {
    return """
        {
          "Records": [
            {
              "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": "1",
                "sequenceNumber": "%s",
                "data": "%s",
                "approximateArrivalTimestamp": 1545084650.987
              },
              "eventSource": "aws:kinesis",
              "eventVersion": "1.0",
              "eventID": "shardId-000000000006:%s",
              "eventName": "aws:kinesis:record",
              "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
              "awsRegion": "us-east-2",
              "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
            },
            {
              "kinesis": {
                "kinesisSchemaVersion": "1.0",
                "partitionKey": "a",
                "sequenceNumber": "%s",
                "data": "%s",
                "approximateArrivalTimestamp": 1545084711.166
              },
              "eventSource": "aws:kinesis",
              "eventVersion": "1.0",
              "eventID": "shardId-000000000006:%s",
              "eventName": "aws:kinesis:record",
              "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
              "awsRegion": "us-east-2",
              "eventSourceARN": "arn:aws:kinesis:us-east-2:123456789012:stream/lambda-stream"
            }
          ]
        }
        """.formatted(SEQ_1, data1, SEQ_1, SEQ_2, data2, SEQ_2);
  }

  /** Maps event JSON onto the events library's POJOs as the Lambda runtime would. */
  private static KinesisEvent parse(String json) throws Exception {
    JsonNode root = new ObjectMapper().readTree(json);
    List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
    for (JsonNode node : root.get("Records")) {
      JsonNode k = node.get("kinesis");
      KinesisEvent.Record kinesis = new KinesisEvent.Record();
      kinesis.setKinesisSchemaVersion(k.get("kinesisSchemaVersion").asText());
      kinesis.setPartitionKey(k.get("partitionKey").asText());
      kinesis.setSequenceNumber(k.get("sequenceNumber").asText());
      kinesis.setData(ByteBuffer.wrap(Base64.getDecoder().decode(k.get("data").asText())));
      kinesis.setApproximateArrivalTimestamp(
          new Date((long) (k.get("approximateArrivalTimestamp").asDouble() * 1000)));
      KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
      record.setKinesis(kinesis);
      record.setEventSource(node.get("eventSource").asText());
      record.setEventID(node.get("eventID").asText());
      record.setEventName(node.get("eventName").asText());
      record.setEventVersion(node.get("eventVersion").asText());
      record.setEventSourceARN(node.get("eventSourceARN").asText());
      record.setAwsRegion(node.get("awsRegion").asText());
      records.add(record);
    }
    KinesisEvent event = new KinesisEvent();
    event.setRecords(records);
    return event;
  }

  private static byte[] aggregate() {
    RecordAggregator agg = new RecordAggregator(50 * 1024, 1000);
    agg.tryAdd("device-1", null, "temp=21".getBytes(StandardCharsets.UTF_8));
    agg.tryAdd("device-2", null, "temp=22".getBytes(StandardCharsets.UTF_8));
    agg.tryAdd("device-1", "12345", "temp=23".getBytes(StandardCharsets.UTF_8));
    return agg.toBytes();
  }

  @Test
  void deaggregatesTheDocumentedExampleEventWithOneAggregate() throws Exception {
    String plain = "SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg=="; // "Hello, this is a test."
    KinesisEvent event = parse(eventJson(plain, Base64.getEncoder().encodeToString(aggregate())));

    List<DeaggregatedRecord> out = LambdaDeaggregator.create().deaggregate(event);

    assertThat(out).extracting(DeaggregatedRecord::partitionKey)
        .containsExactly("1", "device-1", "device-2", "device-1");
    assertThat(out).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
        .containsExactly("Hello, this is a test.", "temp=21", "temp=22", "temp=23");
    assertThat(out).extracting(r -> r.sequenceNumber().orElseThrow())
        .containsExactly(SEQ_1, SEQ_2, SEQ_2, SEQ_2);
    assertThat(out).extracting(DeaggregatedRecord::subSequenceNumber)
        .containsExactly(0L, 0L, 1L, 2L);
    assertThat(out).extracting(DeaggregatedRecord::aggregated)
        .containsExactly(false, true, true, true);
    assertThat(out.get(3).explicitHashKey()).contains("12345");
    // The event's buffers are not consumed: a handler can still read them.
    assertThat(event.getRecords().get(1).getKinesis().getData().position()).isZero();
  }

  @Test
  void deaggregatesTheDocumentedExampleEventUnchanged() throws Exception {
    KinesisEvent event = parse(eventJson("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
        "VGhpcyBpcyBvbmx5IGEgdGVzdC4="));
    List<DeaggregatedRecord> out = LambdaDeaggregator.create().deaggregate(event);
    assertThat(out).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
        .containsExactly("Hello, this is a test.", "This is only a test.");
    assertThat(out).noneMatch(DeaggregatedRecord::aggregated);
    assertThat(out).extracting(r -> r.sequenceNumber().orElseThrow())
        .containsExactly(SEQ_1, SEQ_2);
  }

  @Test
  void singleEventRecordAndPolicies() throws Exception {
    byte[] corrupt = aggregate();
    corrupt[corrupt.length - 1] ^= 1;
    KinesisEvent event = parse(eventJson("SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==",
        Base64.getEncoder().encodeToString(corrupt)));
    KinesisEvent.KinesisEventRecord bad = event.getRecords().get(1);

    assertThatThrownBy(() -> LambdaDeaggregator.create().deaggregate(bad))
        .isInstanceOf(InvalidAggregatedRecordException.class).hasMessageContaining(SEQ_2);
    LambdaDeaggregator lenient = LambdaDeaggregator.using(
        Deaggregator.builder().onInvalid(InvalidRecordPolicy.PASS_THROUGH).build());
    List<DeaggregatedRecord> out = lenient.deaggregate(bad);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).aggregated()).isFalse();
    assertThat(out.get(0).data()).isEqualTo(corrupt);
    assertThat(lenient.deaggregator().invalidRecordPolicy())
        .isEqualTo(InvalidRecordPolicy.PASS_THROUGH);

    assertThat(LambdaDeaggregator.create().deaggregate(new KinesisEvent())).isEmpty();
    assertThatThrownBy(() -> LambdaDeaggregator.create()
        .deaggregate(new KinesisEvent.KinesisEventRecord()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kinesis");
  }
}
