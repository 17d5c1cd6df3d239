package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Amazon Data Firehose operations ({@code Firehose_20150804.*}, AWS JSON 1.1) behind the
 * {@link RequestRouter}: PutRecordBatch, PutRecord, DescribeDeliveryStream and ListDeliveryStreams
 * against the {@link FakeKinesis}'s delivery streams. Validation errors are HTTP 400
 * {@code InvalidArgumentException} naming the limit broken, checked before the stream is looked up.
 *
 * <p>Thread-safe: no state of its own.
 */
final class FirehoseApi implements ServiceApi {
    static final String TARGET_PREFIX = "Firehose_20150804.";

    /** Most records in one PutRecordBatch. */
    static final int MAX_RECORDS = 500;
    /** Largest record's data, before base64: 1,000 KiB. */
    static final int MAX_RECORD_BYTES = 1_024_000;
    /** Most record data in one PutRecordBatch, before base64: 4 MiB. */
    static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    /** ListDeliveryStreams' page size without a Limit, as in the service. */
    static final int DEFAULT_LIST_LIMIT = 10;

    static final String UNAVAILABLE = "ServiceUnavailableException";
    static final String SLOW_DOWN = "Slow down.";
    /**
     * HTTP status of {@code ServiceUnavailableException}: the Firehose model marks it a fault with no
     * status of its own, so the SDK registers it with 500 (it maps errors by {@code __type}, and
     * retries 500 and 503 alike).
     */
    static final int UNAVAILABLE_STATUS = 500;
    /** What {@link Faults#entryFailureRate(double)} fails entries with, as the service fails throttled ones. */
    static final Faults.EntryError ENTRY_ERROR = new Faults.EntryError(UNAVAILABLE, SLOW_DOWN);

    private final FakeKinesis kinesis;
    private final Stats stats;
    private final Faults faults;

    FirehoseApi(FakeKinesis kinesis) {
        this.kinesis = kinesis;
        this.stats = kinesis.stats;
        this.faults = kinesis.faults;
    }

    @Override
    public String targetPrefix() {
        return TARGET_PREFIX;
    }

    @Override
    public void countRequest(String operation) {
        stats.firehoseRequest(operation);
    }

    @Override
    public boolean isDataPlane(String operation) {
        return "PutRecordBatch".equals(operation) || "PutRecord".equals(operation);
    }

    @Override
    public String unavailableType() {
        return UNAVAILABLE;
    }

    @Override
    public ApiException injectedUnavailable() {
        return new ApiException(UNAVAILABLE_STATUS, UNAVAILABLE, SLOW_DOWN);
    }

    @Override
    public int requestErrorStatus(String errorCode) {
        return "InternalFailure".equals(errorCode) || UNAVAILABLE.equals(errorCode) ? 500 : 400;
    }

    @Override
    public Reply call(String operation, JsonParser p, boolean cbor) throws IOException {
        switch (operation) {
            case "PutRecordBatch":
                return putRecordBatch(p, cbor);
            case "PutRecord":
                return putRecord(p, cbor);
            case "DescribeDeliveryStream":
                return describeDeliveryStream(p, cbor);
            case "ListDeliveryStreams":
                return listDeliveryStreams(p, cbor);
            default:
                throw ApiException.badRequest("UnknownOperationException",
                        "Firehose operation " + operation + " is not supported by FakeKinesis");
        }
    }

    // ------------------------------------------------------------------ PutRecordBatch / PutRecord

    /** The fields of the Firehose requests this endpoint reads (the others are skipped). */
    private static final class Request {
        String deliveryStreamName;
        /** PutRecordBatch's Records: each entry's Data, null where it has none; null without Records. */
        List<byte[]> records;
        /** PutRecord's Record's Data. */
        byte[] record;
        Integer limit;
        String deliveryStreamType;
        String exclusiveStartDeliveryStreamName;
    }

    /** Reads the request object the parser is on up to its end. */
    private static Request read(JsonParser p) throws IOException {
        Request r = new Request();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            switch (f) {
                case "DeliveryStreamName":
                    r.deliveryStreamName = Wire.text(p, t);
                    break;
                case "Records":
                    r.records = new ArrayList<>();
                    if (t == JsonToken.START_ARRAY) {
                        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
                            r.records.add(recordData(p, t));
                        }
                    }
                    break;
                case "Record":
                    r.record = recordData(p, t);
                    break;
                case "Limit":
                    r.limit = Wire.integer(p, t);
                    break;
                case "DeliveryStreamType":
                    r.deliveryStreamType = Wire.text(p, t);
                    break;
                case "ExclusiveStartDeliveryStreamName":
                    r.exclusiveStartDeliveryStreamName = Wire.text(p, t);
                    break;
                default:
                    p.skipChildren();
            }
        }
        return r;
    }

    /** Reads a Record value up to its end. @return its Data, or null if it has none (or is no object) */
    private static byte[] recordData(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        byte[] d = null;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            if ("Data".equals(f)) {
                d = Wire.blob(p, t);
            } else {
                p.skipChildren();
            }
        }
        return d;
    }

    // ------------------------------------------------------------------ PutRecordBatch / PutRecord

    private Reply putRecordBatch(JsonParser p, boolean cbor) throws IOException {
        Request req = read(p);
        List<byte[]> data = req.records == null ? List.of() : req.records;
        int n = data.size();
        if (n == 0 || n > MAX_RECORDS) {
            throw ApiException.badRequest("InvalidArgumentException", "Records has " + n + " records; a PutRecordBatch "
                    + "request takes 1 to " + MAX_RECORDS + " records.");
        }
        long total = 0;
        for (int i = 0; i < n; i++) {
            total += validData(data.get(i), i);
        }
        if (total > MAX_REQUEST_BYTES) {
            throw ApiException.badRequest("InvalidArgumentException", "Records hold " + total + " bytes of data; a "
                    + "PutRecordBatch request holds at most 4,194,304 bytes (4 MiB) before base64 encoding.");
        }
        DeliveryStreamState stream = kinesis.resolveDeliveryStream(req.deliveryStreamName);
        stats.entriesReceived.add(n);
        stats.firehoseEntriesReceived.add(n);

        BatchAnswer answer = new BatchAnswer(cbor, "RequestResponses", faults, ENTRY_ERROR);
        long now = kinesis.clock.getAsLong();
        Instant arrival = Instant.now();
        DeliveryStreamState.Limits limits = kinesis.deliveryLimits;
        boolean retain = kinesis.retainRecords;
        for (int i = 0; i < n; i++) {
            if (answer.failedByInjection()) {
                continue;
            }
            FirehoseRecord r = stream.tryStore(now, limits, data.get(i), arrival, retain, kinesis.recordIds);
            if (r == null) {
                answer.throttled(UNAVAILABLE, SLOW_DOWN);
            } else {
                answer.stored(r.size(), "RecordId", r.recordId());
            }
        }
        answer.endResults("FailedPutCount").writeBooleanField("Encrypted", false);
        stats.firehoseEntriesStored.add(answer.storedCount());
        return answer.finish(stats);
    }

    private Reply putRecord(JsonParser p, boolean cbor) throws IOException {
        Request req = read(p);
        byte[] data = req.record;
        validData(data, -1);
        DeliveryStreamState stream = kinesis.resolveDeliveryStream(req.deliveryStreamName);
        stats.entriesReceived.increment();
        stats.firehoseEntriesReceived.increment();
        if (faults.roll(faults.entryFailureRate())) {
            stats.entriesFailedByInjection.increment();
            Faults.EntryError e = faults.entryError(ENTRY_ERROR);
            throw new ApiException(requestErrorStatus(e.code()), e.code(), e.message());
        }
        FirehoseRecord r = stream.tryStore(kinesis.clock.getAsLong(), kinesis.deliveryLimits, data, Instant.now(),
                kinesis.retainRecords, kinesis.recordIds);
        if (r == null) {
            stats.entriesThrottled.increment();
            throw new ApiException(UNAVAILABLE_STATUS, UNAVAILABLE, SLOW_DOWN);
        }
        stats.entries(1, data.length, 0, 0);
        stats.firehoseEntriesStored.increment();
        ByteSink sink = ByteSink.get();
        JsonGenerator g = Wire.generator(cbor, sink);
        g.writeStartObject();
        g.writeStringField("RecordId", r.recordId());
        g.writeBooleanField("Encrypted", false);
        g.writeEndObject();
        g.close();
        return Wire.ok(cbor, sink);
    }

    /**
     * @param i the record's index in the batch, or -1 for PutRecord's one record
     * @return the data's size
     */
    private static int validData(byte[] data, int i) {
        String which = i < 0 ? "Record" : "Records[" + i + "]";
        if (data == null) {
            throw ApiException.badRequest("InvalidArgumentException", which + " has no Data; every record needs it.");
        }
        if (data.length > MAX_RECORD_BYTES) {
            throw ApiException.badRequest("InvalidArgumentException", which + " has " + data.length + " bytes of Data; "
                    + "a record holds at most 1,024,000 bytes (1,000 KiB) before base64 encoding.");
        }
        return data.length;
    }

    // ------------------------------------------------------------------ control plane

    private Reply describeDeliveryStream(JsonParser p, boolean cbor) throws IOException {
        DeliveryStreamState stream = kinesis.resolveDeliveryStream(read(p).deliveryStreamName);
        ByteSink sink = ByteSink.get();
        JsonGenerator g = Wire.generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName("DeliveryStreamDescription");
        g.writeStartObject();
        g.writeStringField("DeliveryStreamName", stream.name);
        g.writeStringField("DeliveryStreamARN", stream.arn);
        g.writeStringField("DeliveryStreamStatus", "ACTIVE");
        g.writeFieldName("DeliveryStreamEncryptionConfiguration");
        g.writeStartObject();
        g.writeStringField("Status", "DISABLED");
        g.writeEndObject();
        g.writeStringField("DeliveryStreamType", "DirectPut");
        g.writeStringField("VersionId", "1");
        g.writeFieldName("CreateTimestamp");
        Wire.writeTimestamp(g, cbor, stream.created);
        g.writeFieldName("Destinations");
        g.writeStartArray();
        g.writeEndArray();
        g.writeBooleanField("HasMoreDestinations", false);
        g.writeEndObject();
        g.writeEndObject();
        g.close();
        return Wire.ok(cbor, sink);
    }

    private Reply listDeliveryStreams(JsonParser p, boolean cbor) throws IOException {
        Request req = read(p);
        if (req.limit != null && (req.limit < 1 || req.limit > 10_000)) {
            throw ApiException.badRequest("InvalidArgumentException", "Limit must be between 1 and 10000: " + req.limit);
        }
        int max = req.limit == null ? DEFAULT_LIST_LIMIT : req.limit;
        String after = req.exclusiveStartDeliveryStreamName;
        List<String> names = new ArrayList<>();
        if (req.deliveryStreamType == null || "DirectPut".equals(req.deliveryStreamType)) { // every one here is DirectPut
            for (String name : kinesis.deliveryStreamNames()) {
                if (after == null || name.compareTo(after) > 0) {
                    names.add(name);
                }
            }
        }
        ByteSink sink = ByteSink.get();
        JsonGenerator g = Wire.generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName("DeliveryStreamNames");
        g.writeStartArray();
        for (String name : names.subList(0, Math.min(max, names.size()))) {
            g.writeString(name);
        }
        g.writeEndArray();
        g.writeBooleanField("HasMoreDeliveryStreams", names.size() > max);
        g.writeEndObject();
        g.close();
        return Wire.ok(cbor, sink);
    }
}
