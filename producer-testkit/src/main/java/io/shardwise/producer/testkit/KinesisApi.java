package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Consumer;

/**
 * The Kinesis wire protocol, independent of the HTTP transport: detects JSON or CBOR, applies the
 * injected faults, parses the request with Jackson's streaming parser, runs the operation against
 * the {@link FakeKinesis}'s state and serializes the answer in the request's format.
 *
 * <p>Thread-safe: no state of its own besides the (thread-safe) Jackson factories.
 */
final class KinesisApi {
    static final String TARGET_PREFIX = "Kinesis_20131202.";
    static final String JSON_TYPE = "application/x-amz-json-1.1";
    static final String CBOR_TYPE = "application/x-amz-cbor-1.1";

    /** Largest PutRecords request, partition keys included. */
    static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024;
    /** Largest record, data plus partition key. */
    static final int MAX_RECORD_BYTES = 1024 * 1024;
    static final int MAX_ENTRIES = 500;

    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private final FakeKinesis kinesis;
    private final Stats stats;
    private final Faults faults;

    KinesisApi(FakeKinesis kinesis) {
        this.kinesis = kinesis;
        this.stats = kinesis.stats;
        this.faults = kinesis.faults;
    }

    /**
     * Handles one request.
     *
     * @param target the X-Amz-Target header, or null
     * @param contentType the Content-Type header, or null
     * @param body the request body ({@code length} bytes from offset 0)
     */
    Reply handle(String target, String contentType, byte[] body, int length) {
        boolean cbor = isCbor(contentType, body, length);
        String op = target != null && target.startsWith(TARGET_PREFIX) ? target.substring(TARGET_PREFIX.length())
                : target == null ? "(none)" : target;
        stats.request(op);
        (cbor ? stats.cborRequests : stats.jsonRequests).increment();
        Faults.DownMode down = faults.down();
        if (down != null) {
            stats.requestsFailedByInjection.increment();
            if (down == Faults.DownMode.DROP_CONNECTION) {
                stats.droppedConnections.increment();
                return Reply.DROP;
            }
            return error(cbor, 503, "ServiceUnavailable", "Service unavailable (FakeKinesis endpoint is down).");
        }
        boolean dataPlane = "PutRecords".equals(op) || "PutRecord".equals(op);
        boolean faulty = dataPlane || faults.includesControlPlane();
        if (faulty) {
            if (faults.roll(faults.dropConnectionRate())) {
                stats.requestsFailedByInjection.increment();
                stats.droppedConnections.increment();
                return Reply.DROP;
            }
            if (faults.roll(faults.serverErrorRate())) {
                stats.requestsFailedByInjection.increment();
                return error(cbor, 500, "InternalFailure", "Internal service failure (injected by FakeKinesis).");
            }
            if (faults.roll(faults.serviceUnavailableRate())) {
                stats.requestsFailedByInjection.increment();
                return error(cbor, 503, "ServiceUnavailable", "Service unavailable (injected by FakeKinesis).");
            }
            String code = faults.requestErrorCodeOrNull();
            if (dataPlane && code != null) {
                stats.requestsFailedByInjection.increment();
                return error(cbor, faults.requestErrorStatus(), code, code + " (injected by FakeKinesis).");
            }
        }
        Reply reply;
        try {
            JsonParser p = (cbor ? CBOR : JSON).createParser(body, 0, length);
            try {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw ApiException.badRequest("SerializationException", "Request body is not a " + (cbor ? "CBOR" : "JSON")
                            + " object");
                }
                switch (op) {
                    case "PutRecords":
                        reply = putRecords(p, cbor);
                        break;
                    case "PutRecord":
                        reply = putRecord(p, cbor);
                        break;
                    case "ListShards":
                        reply = listShards(p, cbor);
                        break;
                    case "DescribeStreamSummary":
                        reply = describeStreamSummary(p, cbor);
                        break;
                    case "CreateStream":
                        reply = createStream(p, cbor);
                        break;
                    case "DeleteStream":
                        reply = deleteStream(p, cbor);
                        break;
                    default:
                        throw ApiException.badRequest("UnknownOperationException",
                                "Operation " + op + " is not supported by FakeKinesis");
                }
            } finally {
                p.close();
            }
        } catch (ApiException e) {
            reply = error(cbor, e.status, e.type, e.getMessage());
        } catch (IOException | RuntimeException e) {
            reply = error(cbor, 400, "SerializationException", "Cannot parse the request: " + e);
        }
        if (faulty && faults.roll(faults.slowResponseRate())) {
            stats.slowResponses.increment();
            reply = reply.delayed(Math.max(1, faults.slowResponseDelay().toNanos()));
        }
        return reply;
    }

    static boolean isCbor(String contentType, byte[] body, int length) {
        if (contentType != null) {
            if (contentType.contains("cbor")) {
                return true;
            }
            if (contentType.contains("json")) {
                return false;
            }
        }
        // No usable content type: sniff. JSON starts with '{' (maybe after whitespace); a CBOR map with 0xA0..0xBF.
        for (int i = 0; i < length; i++) {
            int b = body[i] & 0xFF;
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b != '{';
        }
        return false;
    }

    // ------------------------------------------------------------------ PutRecords / PutRecord

    private Reply putRecords(JsonParser p, boolean cbor) throws IOException {
        String streamName = null;
        String arn = null;
        List<byte[]> data = new ArrayList<>(MAX_ENTRIES);
        List<String> keys = new ArrayList<>(MAX_ENTRIES);
        List<String> hashKeys = new ArrayList<>(MAX_ENTRIES);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            switch (f) {
                case "StreamName":
                    streamName = text(p, t);
                    break;
                case "StreamARN":
                    arn = text(p, t);
                    break;
                case "Records":
                    if (t == JsonToken.START_ARRAY) {
                        while ((t = p.nextToken()) == JsonToken.START_OBJECT) {
                            byte[] d = null;
                            String k = null;
                            String h = null;
                            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                                String ef = p.currentName();
                                t = p.nextToken();
                                switch (ef) {
                                    case "Data":
                                        d = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                                        break;
                                    case "PartitionKey":
                                        k = text(p, t);
                                        break;
                                    case "ExplicitHashKey":
                                        h = text(p, t);
                                        break;
                                    default:
                                        p.skipChildren();
                                }
                            }
                            data.add(d);
                            keys.add(k);
                            hashKeys.add(h);
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        StreamState stream = kinesis.resolve(streamName, arn);
        int n = data.size();
        if (n == 0 || n > MAX_ENTRIES) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at 'records' failed "
                    + "to satisfy constraint: Member must have length between 1 and " + MAX_ENTRIES + " (got " + n + ")");
        }
        stats.entriesReceived.add(n);
        long[] hash = new long[2 * n];
        int[] sizes = new int[n];
        long[] tmp = new long[2];
        long total = 0;
        java.security.MessageDigest md5 = HashKeys.digest();
        for (int i = 0; i < n; i++) {
            int size = validateEntry(md5, i, data.get(i), keys.get(i), hashKeys.get(i), tmp);
            hash[2 * i] = tmp[0];
            hash[2 * i + 1] = tmp[1];
            sizes[i] = size;
            total += size;
        }
        if (total > MAX_REQUEST_BYTES) {
            throw ApiException.badRequest("InvalidArgumentException", "Records size exceeds 5 MB limit (" + total
                    + " bytes including partition keys)");
        }

        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName("Records");
        g.writeStartArray();
        int failed = 0;
        long stored = 0;
        long storedBytes = 0;
        long throttled = 0;
        long injected = 0;
        long now = kinesis.clock.getAsLong();
        Instant arrival = Instant.now();
        long recordLimit = kinesis.enforceLimits ? kinesis.recordLimit : -1;
        long byteLimit = kinesis.enforceLimits ? kinesis.byteLimit : -1;
        double entryFailure = faults.entryFailureRate();
        boolean retain = kinesis.retainRecords;
        Consumer<StoredRecord> listener = kinesis.recordListener;
        ShardState[] shardOut = new ShardState[1];
        for (int i = 0; i < n; i++) {
            g.writeStartObject();
            if (entryFailure > 0 && faults.roll(entryFailure)) {
                failed++;
                injected++;
                g.writeStringField("ErrorCode", faults.entryErrorCode());
                g.writeStringField("ErrorMessage", faults.entryErrorMessage());
                g.writeEndObject();
                continue;
            }
            StoredRecord r = store(stream, now, recordLimit, byteLimit, sizes[i], keys.get(i), hashKeys.get(i),
                    hash[2 * i], hash[2 * i + 1], data.get(i), arrival, retain, shardOut);
            if (r == ShardState.THROTTLED) {
                failed++;
                throttled++;
                g.writeStringField("ErrorCode", "ProvisionedThroughputExceededException");
                g.writeStringField("ErrorMessage", throttleMessage(stream, shardOut[0]));
            } else {
                stored++;
                storedBytes += sizes[i];
                g.writeStringField("SequenceNumber", r.sequenceNumber());
                g.writeStringField("ShardId", r.shardId());
                if (listener != null) {
                    listener.accept(r);
                }
            }
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeNumberField("FailedRecordCount", failed);
        g.writeStringField("EncryptionType", "NONE");
        g.writeEndObject();
        g.close();
        stats.entriesStored.add(stored);
        stats.bytesStored.add(storedBytes);
        if (throttled > 0) {
            stats.entriesThrottled.add(throttled);
        }
        if (injected > 0) {
            stats.entriesFailedByInjection.add(injected);
        }
        return ok(cbor, sink);
    }

    private Reply putRecord(JsonParser p, boolean cbor) throws IOException {
        String streamName = null;
        String arn = null;
        byte[] d = null;
        String k = null;
        String h = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            switch (f) {
                case "StreamName":
                    streamName = text(p, t);
                    break;
                case "StreamARN":
                    arn = text(p, t);
                    break;
                case "Data":
                    d = t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
                    break;
                case "PartitionKey":
                    k = text(p, t);
                    break;
                case "ExplicitHashKey":
                    h = text(p, t);
                    break;
                default:
                    p.skipChildren();
            }
        }
        StreamState stream = kinesis.resolve(streamName, arn);
        stats.entriesReceived.increment();
        long[] hash = new long[2];
        int size = validateEntry(HashKeys.digest(), 0, d, k, h, hash);
        if (faults.roll(faults.entryFailureRate())) {
            stats.entriesFailedByInjection.increment();
            throw new ApiException(500, "InternalFailure", faults.entryErrorMessage());
        }
        ShardState[] shardOut = new ShardState[1];
        StoredRecord r = store(stream, kinesis.clock.getAsLong(), kinesis.enforceLimits ? kinesis.recordLimit : -1,
                kinesis.enforceLimits ? kinesis.byteLimit : -1, size, k, h, hash[0], hash[1], d, Instant.now(),
                kinesis.retainRecords, shardOut);
        if (r == ShardState.THROTTLED) {
            stats.entriesThrottled.increment();
            throw ApiException.badRequest("ProvisionedThroughputExceededException", throttleMessage(stream, shardOut[0]));
        }
        stats.entriesStored.increment();
        stats.bytesStored.add(size);
        Consumer<StoredRecord> listener = kinesis.recordListener;
        if (listener != null) {
            listener.accept(r);
        }
        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeStringField("ShardId", r.shardId());
        g.writeStringField("SequenceNumber", r.sequenceNumber());
        g.writeStringField("EncryptionType", "NONE");
        g.writeEndObject();
        g.close();
        return ok(cbor, sink);
    }

    /**
     * Routes and stores, routing again if the shard was closed by a concurrent split.
     *
     * @param shardOut receives the shard that stored or refused the record
     */
    private static StoredRecord store(StreamState stream, long now, long recordLimit, long byteLimit, int size,
            String key, String explicitHashKey, long hi, long lo, byte[] data, Instant arrival, boolean retain,
            ShardState[] shardOut) {
        for (;;) {
            ShardState shard = stream.route(hi, lo);
            shardOut[0] = shard;
            StoredRecord r = shard.tryStore(now, recordLimit, byteLimit, size, key, explicitHashKey, hi, lo, data,
                    arrival, retain);
            if (r != ShardState.CLOSED) {
                return r;
            }
            stream.awaitMapChange();
        }
    }

    /**
     * Validates one entry and computes its hash key into {@code hash}.
     *
     * @return the entry's size for limits: data plus the partition key's UTF-8 bytes
     */
    private static int validateEntry(java.security.MessageDigest md5, int i, byte[] data, String key,
            String explicitHashKey, long[] hash) {
        if (data == null) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value null at 'records."
                    + (i + 1) + ".member.data' failed to satisfy constraint: Member must not be null");
        }
        if (key == null || key.isEmpty() || key.length() > 256) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at 'records."
                    + (i + 1) + ".member.partitionKey' failed to satisfy constraint: Member must have length between 1 "
                    + "and 256");
        }
        int keyBytes;
        if (explicitHashKey != null) {
            if (!HashKeys.parse(explicitHashKey, hash)) {
                throw ApiException.badRequest("InvalidArgumentException", "Invalid ExplicitHashKey. ExplicitHashKey must "
                        + "be in the range: [0, 2^128-1]. Specified value was " + explicitHashKey);
            }
            keyBytes = utf8Length(key);
        } else {
            byte[] kb = key.getBytes(StandardCharsets.UTF_8);
            HashKeys.md5(md5, kb, hash);
            keyBytes = kb.length;
        }
        int size = data.length + keyBytes;
        if (size > MAX_RECORD_BYTES) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: record " + (i + 1)
                    + " is " + size + " bytes (data plus partition key); the limit is " + MAX_RECORD_BYTES);
        }
        return size;
    }

    private static int utf8Length(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private String throttleMessage(StreamState stream, ShardState shard) {
        return "Rate exceeded for shard " + shard.id + " in stream " + stream.name + " under account "
                + kinesis.accountId + ".";
    }

    // ------------------------------------------------------------------ control plane

    private Reply listShards(JsonParser p, boolean cbor) throws IOException {
        String streamName = null;
        String arn = null;
        String nextToken = null;
        String exclusiveStart = null;
        String filterType = null;
        String filterShardId = null;
        Integer maxResults = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            switch (f) {
                case "StreamName":
                    streamName = text(p, t);
                    break;
                case "StreamARN":
                    arn = text(p, t);
                    break;
                case "NextToken":
                    nextToken = text(p, t);
                    break;
                case "ExclusiveStartShardId":
                    exclusiveStart = text(p, t);
                    break;
                case "MaxResults":
                    maxResults = t == JsonToken.VALUE_NULL ? null : p.getValueAsInt();
                    break;
                case "ShardFilter":
                    if (t == JsonToken.START_OBJECT) {
                        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                            String ff = p.currentName();
                            t = p.nextToken();
                            if ("Type".equals(ff)) {
                                filterType = text(p, t);
                            } else if ("ShardId".equals(ff)) {
                                filterShardId = text(p, t);
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                    break;
                default:
                    p.skipChildren();
            }
        }
        int offset = 0;
        if (nextToken != null) {
            if (streamName != null || arn != null || exclusiveStart != null || filterType != null) {
                throw ApiException.badRequest("InvalidArgumentException", "NextToken and StreamName, StreamARN, "
                        + "ExclusiveStartShardId or ShardFilter cannot be provided together.");
            }
            String[] parts;
            try {
                parts = new String(Base64.getUrlDecoder().decode(nextToken), StandardCharsets.UTF_8).split("\n", -1);
                offset = Integer.parseInt(parts[1]);
            } catch (RuntimeException e) {
                throw ApiException.badRequest("InvalidArgumentException", "Invalid NextToken.");
            }
            if (parts.length != 4 || offset < 0) {
                throw ApiException.badRequest("InvalidArgumentException", "Invalid NextToken.");
            }
            streamName = parts[0];
            filterType = parts[2].isEmpty() ? null : parts[2];
            filterShardId = parts[3].isEmpty() ? null : parts[3];
        }
        if (maxResults != null && (maxResults < 1 || maxResults > 10_000)) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value '" + maxResults
                    + "' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 10000");
        }
        int max = maxResults == null ? 1000 : Math.min(maxResults, 1000);
        StreamState stream = kinesis.resolve(streamName, arn);
        List<ShardState> shards = new ArrayList<>();
        for (ShardState s : stream.allShards()) {
            if (exclusiveStart != null && s.id.compareTo(exclusiveStart) <= 0) {
                continue;
            }
            if ("AT_LATEST".equals(filterType) && !s.isOpen()) {
                continue;
            }
            if ("AFTER_SHARD_ID".equals(filterType) && filterShardId != null && s.id.compareTo(filterShardId) <= 0) {
                continue;
            }
            shards.add(s);
        }
        int from = Math.min(offset, shards.size());
        int to = Math.min(shards.size(), from + max);
        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName("Shards");
        g.writeStartArray();
        for (int i = from; i < to; i++) {
            writeShard(g, shards.get(i));
        }
        g.writeEndArray();
        if (to < shards.size()) {
            String token = stream.name + "\n" + to + "\n" + (filterType == null ? "" : filterType) + "\n"
                    + (filterShardId == null ? "" : filterShardId);
            g.writeStringField("NextToken", Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        g.writeEndObject();
        g.close();
        return ok(cbor, sink);
    }

    private static void writeShard(JsonGenerator g, ShardState s) throws IOException {
        g.writeStartObject();
        g.writeStringField("ShardId", s.id);
        if (s.parentId != null) {
            g.writeStringField("ParentShardId", s.parentId);
        }
        g.writeFieldName("HashKeyRange");
        g.writeStartObject();
        g.writeStringField("StartingHashKey", s.startingHashKey().toString());
        g.writeStringField("EndingHashKey", s.endingHashKey().toString());
        g.writeEndObject();
        g.writeFieldName("SequenceNumberRange");
        g.writeStartObject();
        g.writeStringField("StartingSequenceNumber", s.startingSequenceNumber);
        String end = s.endingSequenceNumber();
        if (end != null) {
            g.writeStringField("EndingSequenceNumber", end);
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private Reply describeStreamSummary(JsonParser p, boolean cbor) throws IOException {
        String[] nameArn = streamNameAndArn(p);
        StreamState stream = kinesis.resolve(nameArn[0], nameArn[1]);
        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName("StreamDescriptionSummary");
        g.writeStartObject();
        g.writeStringField("StreamName", stream.name);
        g.writeStringField("StreamARN", stream.arn);
        g.writeStringField("StreamStatus", "ACTIVE");
        g.writeFieldName("StreamModeDetails");
        g.writeStartObject();
        g.writeStringField("StreamMode", "PROVISIONED");
        g.writeEndObject();
        g.writeNumberField("RetentionPeriodHours", 24);
        g.writeFieldName("StreamCreationTimestamp");
        writeTimestamp(g, cbor, stream.created);
        g.writeFieldName("EnhancedMonitoring");
        g.writeStartArray();
        g.writeEndArray();
        g.writeStringField("EncryptionType", "NONE");
        g.writeNumberField("OpenShardCount", stream.openShards().length);
        g.writeNumberField("ConsumerCount", 0);
        // Read by KPL 1.1.1: until it sees USER_PARTITION_KEY it does not aggregate. Unknown to the SDK v2 model.
        g.writeStringField("RecordDistributionStrategy", stream.autoDistribution ? "AUTO" : "USER_PARTITION_KEY");
        g.writeEndObject();
        g.writeEndObject();
        g.close();
        return ok(cbor, sink);
    }

    private Reply createStream(JsonParser p, boolean cbor) throws IOException {
        String name = null;
        Integer shardCount = null;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            if ("StreamName".equals(f)) {
                name = text(p, t);
            } else if ("ShardCount".equals(f)) {
                shardCount = t == JsonToken.VALUE_NULL ? null : p.getValueAsInt();
            } else {
                p.skipChildren();
            }
        }
        if (name == null || name.isEmpty() || name.length() > 128) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at 'streamName' "
                    + "failed to satisfy constraint: Member must have length between 1 and 128");
        }
        int shards = shardCount == null ? 4 : shardCount;
        if (shards < 1 || shards > FakeKinesis.MAX_SHARDS) {
            throw ApiException.badRequest("InvalidArgumentException", "ShardCount must be between 1 and "
                    + FakeKinesis.MAX_SHARDS + ": " + shards);
        }
        if (!kinesis.tryCreateStream(name, shards)) {
            throw ApiException.badRequest("ResourceInUseException", "Stream " + name + " under account "
                    + kinesis.accountId + " already exists.");
        }
        return emptyObject(cbor);
    }

    private Reply deleteStream(JsonParser p, boolean cbor) throws IOException {
        String[] nameArn = streamNameAndArn(p);
        StreamState stream = kinesis.resolve(nameArn[0], nameArn[1]);
        kinesis.deleteStream(stream.name);
        return emptyObject(cbor);
    }

    private static String[] streamNameAndArn(JsonParser p) throws IOException {
        String[] out = new String[2];
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            t = p.nextToken();
            if ("StreamName".equals(f)) {
                out[0] = text(p, t);
            } else if ("StreamARN".equals(f)) {
                out[1] = text(p, t);
            } else {
                p.skipChildren();
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ serialization

    private static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    private static JsonGenerator generator(boolean cbor, ByteSink sink) throws IOException {
        return (cbor ? CBOR : JSON).createGenerator(sink);
    }

    /**
     * Timestamps as the SDK v2 reads them: JSON, epoch seconds with a fraction; CBOR, tag 1 and epoch
     * milliseconds (the SDK's CBOR protocol uses milliseconds in payloads).
     */
    private static void writeTimestamp(JsonGenerator g, boolean cbor, Instant instant) throws IOException {
        long millis = instant.toEpochMilli();
        if (cbor) {
            ((CBORGenerator) g).writeTag(1);
            g.writeNumber(millis);
        } else {
            g.writeNumber(BigDecimal.valueOf(millis, 3));
        }
    }

    private static Reply ok(boolean cbor, ByteSink sink) {
        return new Reply(200, cbor ? CBOR_TYPE : JSON_TYPE, sink.buf, sink.count, null, 0, false);
    }

    private static Reply emptyObject(boolean cbor) throws IOException {
        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeEndObject();
        g.close();
        return ok(cbor, sink);
    }

    static Reply error(boolean cbor, int status, String type, String message) {
        try {
            ByteSink sink = ByteSink.get();
            JsonGenerator g = generator(cbor, sink);
            g.writeStartObject();
            g.writeStringField("__type", type);
            g.writeStringField("message", message);
            g.writeEndObject();
            g.close();
            return new Reply(status, cbor ? CBOR_TYPE : JSON_TYPE, sink.buf, sink.count, type, 0, false);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize an error answer", e);
        }
    }
}
