package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORParser;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What {@link FakeKinesis} puts on the wire, checked byte-level with a plain HTTP/1.1 client. */
class FakeKinesisWireTest {
    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private static FakeKinesis kinesis;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        kinesis = FakeKinesis.builder().stream("wire", 4).build().start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        kinesis.close();
    }

    @BeforeEach
    void reset() {
        kinesis.faults().clear();
        kinesis.autoDistribution("wire", false);
        kinesis.resetCounters();
    }

    record Answer(int status, String contentType, String errorTypeHeader, Map<String, Object> body) {
    }

    private static Answer call(String operation, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(kinesis.endpoint() + "/"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("X-Amz-Target", "Kinesis_20131202." + operation);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        String ct = r.headers().firstValue("Content-Type").orElse("");
        try (JsonParser p = (ct.contains("cbor") ? CBOR : JSON).createParser(r.body())) {
            p.nextToken();
            @SuppressWarnings("unchecked")
            Map<String, Object> tree = (Map<String, Object>) read(p);
            return new Answer(r.statusCode(), ct, r.headers().firstValue("x-amzn-ErrorType").orElse(null), tree);
        }
    }

    private static Answer json(String operation, String body) throws Exception {
        return call(operation, "application/x-amz-json-1.1", body.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads the current value as maps, lists, strings, numbers and byte arrays (CBOR tags noted). */
    private static Object read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    m.put(name, read(p));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    l.add(read(p));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                if (p instanceof CBORParser c && c.getCurrentTag() == 1) {
                    return "tag1:" + p.getLongValue();
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
            case VALUE_EMBEDDED_OBJECT:
                return p.getBinaryValue();
            case VALUE_TRUE:
                return true;
            case VALUE_FALSE:
                return false;
            default:
                return null;
        }
    }

    @Test
    void unknownOperationsAre400UnknownOperationException() throws Exception {
        Answer a = json("GetRecords", "{\"ShardIterator\":\"x\"}");
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat(a.body()).containsEntry("__type", "UnknownOperationException").containsKey("message");
        assertThat(a.errorTypeHeader()).isEqualTo("UnknownOperationException");
        assertThat(kinesis.counters().requests("GetRecords")).isEqualTo(1);
    }

    @Test
    void describeStreamSummaryCarriesTheFieldTheKplReads() throws Exception {
        Answer a = json("DescribeStreamSummary", "{\"StreamName\":\"wire\"}");
        assertThat(a.status()).isEqualTo(200);
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) a.body().get("StreamDescriptionSummary");
        assertThat(s).containsEntry("RecordDistributionStrategy", "USER_PARTITION_KEY")
                .containsEntry("StreamStatus", "ACTIVE")
                .containsEntry("OpenShardCount", 4L)
                .containsEntry("EncryptionType", "NONE")
                .containsEntry("EnhancedMonitoring", List.of())
                .containsEntry("StreamModeDetails", Map.of("StreamMode", "PROVISIONED"))
                .containsEntry("MaxRecordSizeInKiB", 1024L)
                .containsEntry("StreamARN", kinesis.streamArn("wire"));
        // JSON timestamps: epoch seconds with a fraction
        assertThat(s.get("StreamCreationTimestamp")).isInstanceOf(java.math.BigDecimal.class);

        kinesis.autoDistribution("wire", true);
        Answer cbor = call("DescribeStreamSummary", "application/x-amz-cbor-1.1", cbor(g -> g.writeStringField("StreamName",
                "wire")));
        @SuppressWarnings("unchecked")
        Map<String, Object> cs = (Map<String, Object>) cbor.body().get("StreamDescriptionSummary");
        assertThat(cs).containsEntry("RecordDistributionStrategy", "AUTO");
        // CBOR timestamps: tag 1, epoch milliseconds (what the SDK's CBOR protocol reads)
        assertThat((String) cs.get("StreamCreationTimestamp")).startsWith("tag1:");
    }

    interface Body {
        void write(JsonGenerator g) throws IOException;
    }

    private static byte[] cbor(Body body) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = CBOR.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        }
        return out.toByteArray();
    }

    @Test
    void cborRequestsGetCborAnswersWithByteStringsReadBack() throws Exception {
        byte[] data = {0, (byte) 0xFF, 42, 7};
        Answer a = call("PutRecords", "application/x-amz-cbor-1.1", cbor(g -> {
            g.writeStringField("StreamName", "wire");
            g.writeFieldName("Records");
            g.writeStartArray();
            g.writeStartObject();
            g.writeBinaryField("Data", data);
            g.writeStringField("PartitionKey", "pk");
            g.writeEndObject();
            g.writeEndArray();
        }));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.contentType()).isEqualTo("application/x-amz-cbor-1.1");
        assertThat(a.body()).containsEntry("FailedRecordCount", 0L);
        @SuppressWarnings("unchecked")
        Map<String, Object> entry = ((List<Map<String, Object>>) a.body().get("Records")).get(0);
        assertThat(entry).containsKeys("ShardId", "SequenceNumber");
        StoredRecord stored = kinesis.records("wire").stream()
                .filter(r -> r.sequenceNumber().equals(entry.get("SequenceNumber"))).findFirst().orElseThrow();
        assertThat(stored.data()).isEqualTo(data);

        Answer missing = call("PutRecords", "application/x-amz-cbor-1.1", cbor(g -> {
            g.writeStringField("StreamName", "missing");
            g.writeFieldName("Records");
            g.writeStartArray();
            g.writeEndArray();
        }));
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.contentType()).isEqualTo("application/x-amz-cbor-1.1");
        assertThat(missing.body()).containsEntry("__type", "ResourceNotFoundException")
                .containsEntry("message", "Stream missing under account 000000000000 not found.");
    }

    @Test
    void withoutAContentTypeTheFirstByteDecides() throws Exception {
        Answer j = call("ListShards", null, "{\"StreamName\":\"wire\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(j.contentType()).isEqualTo("application/x-amz-json-1.1");
        assertThat((List<?>) j.body().get("Shards")).hasSize(4);
        Answer c = call("ListShards", null, cbor(g -> g.writeStringField("StreamName", "wire")));
        assertThat(c.contentType()).isEqualTo("application/x-amz-cbor-1.1");
        assertThat((List<?>) c.body().get("Shards")).hasSize(4);
        assertThat(kinesis.counters().jsonRequests()).isEqualTo(1);
        assertThat(kinesis.counters().cborRequests()).isEqualTo(1);
    }

    @Test
    void jsonBlobsAreBase64AndBadRequestsAreRejected() throws Exception {
        String data = Base64.getEncoder().encodeToString("hello".getBytes(StandardCharsets.UTF_8));
        Answer ok = json("PutRecord", "{\"StreamName\":\"wire\",\"PartitionKey\":\"k\",\"Data\":\"" + data + "\"}");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).containsKeys("ShardId", "SequenceNumber").containsEntry("EncryptionType", "NONE");
        assertThat(kinesis.records("wire").get(kinesis.records("wire").size() - 1).dataAsUtf8()).isEqualTo("hello");

        assertThat(json("PutRecords", "{not json").body()).containsEntry("__type", "SerializationException");
        assertThat(json("PutRecords", "{\"StreamName\":\"wire\",\"Records\":[]}").body())
                .containsEntry("__type", "ValidationException");
        StringBuilder many = new StringBuilder("{\"StreamName\":\"wire\",\"Records\":[");
        for (int i = 0; i < 501; i++) {
            many.append(i == 0 ? "" : ",").append("{\"PartitionKey\":\"k\",\"Data\":\"").append(data).append("\"}");
        }
        assertThat(json("PutRecords", many + "]}").body()).containsEntry("__type", "ValidationException");
        assertThat(json("PutRecords", "{\"StreamName\":\"wire\",\"Records\":[{\"PartitionKey\":\"" + "k".repeat(257)
                + "\",\"Data\":\"" + data + "\"}]}").body()).containsEntry("__type", "ValidationException");
        String big = Base64.getEncoder().encodeToString(new byte[1024 * 1024]);
        assertThat(json("PutRecords", "{\"StreamName\":\"wire\",\"Records\":[{\"PartitionKey\":\"k\",\"Data\":\"" + big
                + "\"}]}").body()).containsEntry("__type", "ValidationException");
        StringBuilder huge = new StringBuilder("{\"StreamName\":\"wire\",\"Records\":[");
        String nineHundredK = Base64.getEncoder().encodeToString(new byte[900 * 1024]);
        for (int i = 0; i < 12; i++) { // 10.5 MiB: over the 10 MiB a request may carry
            huge.append(i == 0 ? "" : ",").append("{\"PartitionKey\":\"k\",\"Data\":\"").append(nineHundredK).append("\"}");
        }
        Answer tooBig = json("PutRecords", huge + "]}");
        assertThat(tooBig.status()).isEqualTo(400);
        assertThat(tooBig.body()).containsEntry("__type", "InvalidArgumentException")
                .containsEntry("message", "Records size exceeds 10 MB limit");
        assertThat(json("ListShards", "{}").body()).containsEntry("__type", "InvalidArgumentException");
        assertThat(json("ListShards", "{\"NextToken\":\"garbage!\"}").body())
                .containsEntry("__type", "InvalidArgumentException");
    }

    @Test
    void autoDistributionSpreadsOneKeyOverEveryShard() throws Exception {
        kinesis.autoDistribution("wire", true);
        String data = Base64.getEncoder().encodeToString("x".getBytes(StandardCharsets.UTF_8));
        StringBuilder req = new StringBuilder("{\"StreamName\":\"wire\",\"Records\":[");
        for (int i = 0; i < 8; i++) {
            req.append(i == 0 ? "" : ",").append("{\"PartitionKey\":\"same\",\"Data\":\"").append(data).append("\"}");
        }
        Answer a = json("PutRecords", req + "]}");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> records = (List<Map<String, Object>>) a.body().get("Records");
        assertThat(records.stream().map(r -> r.get("ShardId")).distinct()).hasSize(4);
    }

    @Test
    void endpointDownAnswers503ToPlainClientsToo() throws Exception {
        kinesis.faults().endpointDown(Faults.DownMode.SERVICE_UNAVAILABLE);
        Answer a = json("ListShards", "{\"StreamName\":\"wire\"}");
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.body()).containsEntry("__type", "ServiceUnavailable");
        kinesis.faults().endpointDown(Faults.DownMode.DROP_CONNECTION);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> json("ListShards", "{\"StreamName\":\"wire\"}"))
                .isInstanceOf(IOException.class);
    }
}
