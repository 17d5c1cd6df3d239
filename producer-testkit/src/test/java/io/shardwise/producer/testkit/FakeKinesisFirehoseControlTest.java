package io.shardwise.producer.testkit;

import static io.shardwise.producer.testkit.AbstractFakeKinesisProtocolTest.failure;
import static io.shardwise.producer.testkit.AbstractFakeKinesisProtocolTest.join;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamEncryptionStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamStatus;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamType;
import software.amazon.awssdk.services.firehose.model.ListDeliveryStreamsResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;

/**
 * Firehose on {@link FakeKinesis} beyond the data plane: DescribeDeliveryStream and
 * ListDeliveryStreams as the SDK parses them, the delivery-stream control API, HTTPS, and the raw
 * wire format.
 */
class FakeKinesisFirehoseControlTest {

    private static FirehoseAsyncClient client(FakeKinesis fake) {
        return fake.firehoseClientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP)).build();
    }

    private static List<Record> records(String... data) {
        return java.util.Arrays.stream(data).map(d -> Record.builder().data(SdkBytes.fromUtf8String(d)).build()).toList();
    }

    @Test
    void describeAndListDeliveryStreamsAsTheSdkParsesThem() {
        Instant before = Instant.now().minusMillis(5);
        try (FakeKinesis fake = FakeKinesis.builder().accountId("123456789012").deliveryStream("charlie")
                .deliveryStream("alpha").deliveryStream("bravo").build().start();
             FirehoseAsyncClient firehose = client(fake)) {
            DeliveryStreamDescription d = join(firehose.describeDeliveryStream(b -> b.deliveryStreamName("alpha")))
                    .deliveryStreamDescription();
            assertThat(d.deliveryStreamName()).isEqualTo("alpha");
            assertThat(d.deliveryStreamARN()).isEqualTo("arn:aws:firehose:us-east-1:123456789012:deliverystream/alpha");
            assertThat(d.deliveryStreamStatus()).isEqualTo(DeliveryStreamStatus.ACTIVE);
            assertThat(d.deliveryStreamType()).isEqualTo(DeliveryStreamType.DIRECT_PUT);
            assertThat(d.versionId()).isEqualTo("1");
            assertThat(d.hasMoreDestinations()).isFalse();
            assertThat(d.hasDestinations()).isTrue();
            assertThat(d.destinations()).isEmpty();
            assertThat(d.deliveryStreamEncryptionConfiguration().status())
                    .isEqualTo(DeliveryStreamEncryptionStatus.DISABLED);
            assertThat(d.createTimestamp()).isBetween(before, Instant.now().plusMillis(5));
            assertThat(failure(firehose.describeDeliveryStream(b -> b.deliveryStreamName("delta"))))
                    .isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("Firehose delta under account 123456789012 not found.");

            ListDeliveryStreamsResponse all = join(firehose.listDeliveryStreams(b -> { }));
            assertThat(all.deliveryStreamNames()).containsExactly("alpha", "bravo", "charlie");
            assertThat(all.hasMoreDeliveryStreams()).isFalse();
            ListDeliveryStreamsResponse page = join(firehose.listDeliveryStreams(b -> b.limit(2)));
            assertThat(page.deliveryStreamNames()).containsExactly("alpha", "bravo");
            assertThat(page.hasMoreDeliveryStreams()).isTrue();
            ListDeliveryStreamsResponse rest = join(firehose.listDeliveryStreams(b -> b.limit(2)
                    .exclusiveStartDeliveryStreamName("bravo")));
            assertThat(rest.deliveryStreamNames()).containsExactly("charlie");
            assertThat(rest.hasMoreDeliveryStreams()).isFalse();
            assertThat(join(firehose.listDeliveryStreams(b -> b.deliveryStreamType(DeliveryStreamType.DIRECT_PUT)))
                    .deliveryStreamNames()).hasSize(3);
            assertThat(join(firehose.listDeliveryStreams(b -> b.deliveryStreamType(
                    DeliveryStreamType.KINESIS_STREAM_AS_SOURCE))).deliveryStreamNames()).isEmpty();

            // without a Limit a page holds 10 names, as in the service
            for (int i = 0; i < 10; i++) {
                fake.createDeliveryStream("more-" + i);
            }
            ListDeliveryStreamsResponse ten = join(firehose.listDeliveryStreams(b -> { }));
            assertThat(ten.deliveryStreamNames()).hasSize(10).startsWith("alpha", "bravo", "charlie", "more-0");
            assertThat(ten.hasMoreDeliveryStreams()).isTrue();

            FakeKinesis.Counters c = fake.counters();
            assertThat(c.firehoseRequests("DescribeDeliveryStream")).isEqualTo(2);
            assertThat(c.requests("ListDeliveryStreams")).isEqualTo(6);
        }
    }

    @Test
    void deliveryStreamControlApi() {
        assertThatThrownBy(() -> FakeKinesis.builder().deliveryStream("d").deliveryStream("d"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already configured");
        assertThatThrownBy(() -> FakeKinesis.builder().deliveryStreamLimits(1, 0)).hasMessageContaining("bytesPerSecond");
        FakeKinesis fake = FakeKinesis.builder().deliveryStream("b").stream("b", 1).build();
        assertThat(fake.deliveryStreamNames()).containsExactly("b");
        assertThat(fake.streamNames()).containsExactly("b"); // streams and delivery streams are apart
        assertThat(fake.createDeliveryStream("a").deliveryStreamNames()).containsExactly("a", "b");
        assertThatThrownBy(() -> fake.createDeliveryStream("a")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already exists");
        assertThatThrownBy(() -> fake.deliveryRecords("nope")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nope");
        assertThatThrownBy(() -> fake.deliveryStreamLimits(0, 1)).hasMessageContaining("recordsPerSecond");
        assertThat(fake.deliveryRecords("a")).isEmpty();
        assertThat(fake.deleteDeliveryStream("a")).isTrue();
        assertThat(fake.deleteDeliveryStream("a")).isFalse();
        assertThat(fake.deliveryStreamNames()).containsExactly("b");
        assertThat(fake.streamNames()).containsExactly("b");
    }

    @Test
    void recordsAreRetainedAndClearedLikeKinesisRecords() {
        try (FakeKinesis kept = FakeKinesis.builder().deliveryStream("d").build().start();
             FakeKinesis notKept = FakeKinesis.builder().deliveryStream("d").retainRecords(false).build().start();
             FirehoseAsyncClient toKept = client(kept);
             FirehoseAsyncClient toNotKept = client(notKept)) {
            join(toKept.putRecordBatch(b -> b.deliveryStreamName("d").records(records("1", "2"))));
            assertThat(kept.deliveryRecords("d")).extracting(FirehoseRecord::dataAsUtf8).containsExactly("1", "2");
            kept.clearRecords();
            assertThat(kept.deliveryRecords("d")).isEmpty();
            assertThat(kept.counters().entriesStored()).isEqualTo(2);

            PutRecordBatchResponse r = join(toNotKept.putRecordBatch(b -> b.deliveryStreamName("d")
                    .records(records("1", "2"))));
            assertThat(r.requestResponses()).allSatisfy(e -> assertThat(e.recordId()).isNotNull());
            assertThat(notKept.deliveryRecords("d")).isEmpty();
            assertThat(notKept.counters().firehoseEntriesStored()).isEqualTo(2);
        }
    }

    @Test
    void servesFirehoseOverHttps(@TempDir Path dir) throws Exception {
        try (FakeKinesis fake = FakeKinesis.builder().https(FakeKinesisTlsTest.selfSigned(dir)).deliveryStream("tls")
                .build().start();
             FirehoseAsyncClient h1 = fake.newFirehoseClient();
             FirehoseAsyncClient h2 = fake.firehoseClientBuilder(h -> h.protocol(Protocol.HTTP2)
                     .eventLoopGroup(TestClients.EVENT_LOOP)).build()) {
            assertThat(fake.endpoint().getScheme()).isEqualTo("https");
            byte[] binary = {0, (byte) 0x80, (byte) 0xFF, 10, 13};
            PutRecordBatchResponse r = join(h1.putRecordBatch(b -> b.deliveryStreamName("tls").records(
                    Record.builder().data(SdkBytes.fromByteArray(binary)).build(),
                    Record.builder().data(SdkBytes.fromUtf8String("two")).build())));
            assertThat(r.failedPutCount()).isZero();
            assertThat(fake.counters().http2Requests()).isZero();
            assertThat(join(h2.putRecord(b -> b.deliveryStreamName("tls").record(Record.builder()
                    .data(SdkBytes.fromUtf8String("three")).build()))).recordId()).isNotEmpty();
            assertThat(fake.counters().http2Requests()).isEqualTo(1);
            List<FirehoseRecord> stored = fake.deliveryRecords("tls");
            assertThat(stored).hasSize(3);
            assertThat(stored.get(0).data()).isEqualTo(binary);
            assertThat(stored.get(0).recordId()).isEqualTo(r.requestResponses().get(0).recordId());
            assertThat(stored).extracting(FirehoseRecord::dataAsUtf8).endsWith("two", "three");
        }
    }

    // ---------------------------------------------------------------- wire

    private record Answer(int status, String contentType, String errorTypeHeader, Map<String, Object> body) {
    }

    private static Answer post(FakeKinesis fake, String operation, String json) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(fake.endpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .header("X-Amz-Target", "Firehose_20150804." + operation)
                .header("Content-Type", "application/x-amz-json-1.1").build(), HttpResponse.BodyHandlers.ofByteArray());
        Map<String, Object> body = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(r.body())) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) {
                    p.skipChildren();
                    body.put(name, "[...]");
                } else {
                    body.put(name, t.isNumeric() ? p.getIntValue() : t.isBoolean() ? p.getBooleanValue() : p.getText());
                }
            }
        }
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""),
                r.headers().firstValue("x-amzn-ErrorType").orElse(null), body);
    }

    @Test
    void wireFormatOfAnswersAndErrors() throws Exception {
        try (FakeKinesis fake = FakeKinesis.builder().deliveryStream("wire").build().start()) {
            Answer ok = post(fake, "PutRecordBatch", "{\"DeliveryStreamName\":\"wire\",\"Records\":[{\"Data\":\"aGk=\"}]}");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.contentType()).isEqualTo("application/x-amz-json-1.1");
            assertThat(ok.body()).containsOnlyKeys("RequestResponses", "FailedPutCount", "Encrypted")
                    .containsEntry("FailedPutCount", 0).containsEntry("Encrypted", false);
            assertThat(fake.deliveryRecords("wire").get(0).dataAsUtf8()).isEqualTo("hi");

            Answer empty = post(fake, "PutRecordBatch", "{\"DeliveryStreamName\":\"wire\",\"Records\":[]}");
            assertThat(empty.status()).isEqualTo(400);
            assertThat(empty.errorTypeHeader()).isEqualTo("InvalidArgumentException");
            assertThat(empty.body()).containsOnlyKeys("__type", "message")
                    .containsEntry("__type", "InvalidArgumentException");
            assertThat((String) empty.body().get("message")).contains("1 to 500");

            Answer nullRecord = post(fake, "PutRecordBatch", "{\"DeliveryStreamName\":\"wire\",\"Records\":[null]}");
            assertThat(nullRecord.body()).containsEntry("__type", "InvalidArgumentException");
            assertThat((String) nullRecord.body().get("message")).contains("Records[0] has no Data");

            Answer noName = post(fake, "PutRecord", "{\"Record\":{\"Data\":\"aGk=\"}}");
            assertThat(noName.status()).isEqualTo(400);
            assertThat(noName.body()).containsEntry("__type", "InvalidArgumentException");

            Answer unknown = post(fake, "CreateDeliveryStream", "{\"DeliveryStreamName\":\"new\"}");
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.body()).containsEntry("__type", "UnknownOperationException");
            assertThat(fake.counters().firehoseRequests("CreateDeliveryStream")).isEqualTo(1);
        }
    }
}
