package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The Kinesis operations ({@code Kinesis_20131202.*}) behind the {@link RequestRouter}: reads the
 * request with Jackson's streaming parser, runs the operation against the {@link FakeKinesis}'s
 * state and serializes the answer in the request's format (JSON or CBOR).
 *
 * <p>Thread-safe: no state of its own.
 *
 * <p>Long because it is one operation table: each Kinesis operation the endpoint speaks reads its
 * request and writes its answer here, in both wire formats, next to the others it must agree with.
 */
final class KinesisApi implements ServiceApi {
    static final String TARGET_PREFIX = "Kinesis_20131202.";

    static final int MAX_ENTRIES = 500;
    /** What {@link Faults#entryFailureRate(double)} fails entries with. */
    static final Faults.EntryError ENTRY_ERROR = new Faults.EntryError("InternalFailure", "Internal service failure.");

    private final FakeKinesis kinesis;
    private final Stats stats;
    private final Faults faults;

    KinesisApi(FakeKinesis kinesis) {
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
        stats.request(operation);
    }

    @Override
    public boolean isDataPlane(String operation) {
        return "PutRecords".equals(operation) || "PutRecord".equals(operation);
    }

    @Override
    public String unavailableType() {
        return "ServiceUnavailable";
    }

    @Override
    public ApiException injectedUnavailable() {
        return new ApiException(503, "ServiceUnavailable", "Service unavailable (injected by FakeKinesis).");
    }

    @Override
    public int requestErrorStatus(String errorCode) {
        if ("InternalFailure".equals(errorCode) || "InternalFailureException".equals(errorCode)) {
            return 500;
        }
        return "ServiceUnavailable".equals(errorCode) || "ServiceUnavailableException".equals(errorCode) ? 503 : 400;
    }

    @Override
    public Reply call(String operation, JsonParser p, boolean cbor) throws IOException {
        switch (operation) {
            case "PutRecords":
                return putRecords(p, cbor);
            case "PutRecord":
                return putRecord(p, cbor);
            case "ListShards":
                return listShards(p, cbor);
            case "DescribeStreamSummary":
                return describeStreamSummary(p, cbor);
            case "CreateStream":
                return createStream(p, cbor);
            case "UpdateMaxRecordSize":
                return updateMaxRecordSize(p, cbor);
            case "DeleteStream":
                return deleteStream(p, cbor);
            default:
                throw ApiException.badRequest("UnknownOperationException",
                        "Operation " + operation + " is not supported by FakeKinesis");
        }
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
                    streamName = Wire.text(p, t);
                    break;
                case "StreamARN":
                    arn = Wire.text(p, t);
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
                                        d = Wire.blob(p, t);
                                        break;
                                    case "PartitionKey":
                                        k = Wire.text(p, t);
                                        break;
                                    case "ExplicitHashKey":
                                        h = Wire.text(p, t);
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
        int maxRecordBytes = stream.maxRecordBytes();
        for (int i = 0; i < n; i++) {
            int size = validateEntry(md5, i, maxRecordBytes, data.get(i), keys.get(i), hashKeys.get(i), tmp);
            hash[2 * i] = tmp[0];
            hash[2 * i + 1] = tmp[1];
            sizes[i] = size;
            total += size;
        }
        if (total > FakeKinesis.MAX_PUT_RECORDS_BYTES) {
            // The service's wording for its former 5 MiB limit, with the current number.
            throw ApiException.badRequest("InvalidArgumentException", "Records size exceeds 10 MB limit");
        }

        BatchAnswer answer = new BatchAnswer(cbor, "Records", faults, ENTRY_ERROR);
        long now = kinesis.clock.getAsLong();
        Instant arrival = Instant.now();
        long recordLimit = kinesis.enforceLimits ? kinesis.recordLimit : -1;
        long byteLimit = kinesis.enforceLimits ? kinesis.byteLimit : -1;
        boolean retain = kinesis.retainRecords;
        Consumer<StoredRecord> listener = kinesis.recordListener;
        ShardState[] shardOut = new ShardState[1];
        for (int i = 0; i < n; i++) {
            if (answer.failedByInjection()) {
                continue;
            }
            StoredRecord r = store(stream, now, recordLimit, byteLimit, sizes[i], keys.get(i), hashKeys.get(i),
                    hash[2 * i], hash[2 * i + 1], data.get(i), arrival, retain, shardOut);
            if (r == ShardState.THROTTLED) {
                answer.throttled("ProvisionedThroughputExceededException", throttleMessage(stream, shardOut[0]));
            } else {
                answer.stored(sizes[i], "SequenceNumber", r.sequenceNumber(), "ShardId", r.shardId());
                if (listener != null) {
                    listener.accept(r);
                }
            }
        }
        answer.endResults("FailedRecordCount").writeStringField("EncryptionType", "NONE");
        return answer.finish(stats);
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
                    streamName = Wire.text(p, t);
                    break;
                case "StreamARN":
                    arn = Wire.text(p, t);
                    break;
                case "Data":
                    d = Wire.blob(p, t);
                    break;
                case "PartitionKey":
                    k = Wire.text(p, t);
                    break;
                case "ExplicitHashKey":
                    h = Wire.text(p, t);
                    break;
                default:
                    p.skipChildren();
            }
        }
        StreamState stream = kinesis.resolve(streamName, arn);
        stats.entriesReceived.increment();
        long[] hash = new long[2];
        int size = validateEntry(HashKeys.digest(), -1, stream.maxRecordBytes(), d, k, h, hash);
        if (faults.roll(faults.entryFailureRate())) {
            stats.entriesFailedByInjection.increment();
            throw new ApiException(500, "InternalFailure", faults.entryError(ENTRY_ERROR).message());
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
        JsonGenerator g = Wire.generator(cbor, sink);
        g.writeStartObject();
        g.writeStringField("ShardId", r.shardId());
        g.writeStringField("SequenceNumber", r.sequenceNumber());
        g.writeStringField("EncryptionType", "NONE");
        g.writeEndObject();
        g.close();
        return Wire.ok(cbor, sink);
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
     * @param index the entry's index in a PutRecords request, -1 for PutRecord's record
     * @param maxRecordBytes the stream's maximum record size in bytes
     * @return the entry's size for limits: data plus the partition key's UTF-8 bytes
     */
    private static int validateEntry(java.security.MessageDigest md5, int index, int maxRecordBytes, byte[] data,
            String key, String explicitHashKey, long[] hash) {
        if (data == null) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value null at '" + member(index)
                    + "data' failed to satisfy constraint: Member must not be null");
        }
        if (key == null || key.isEmpty() || key.length() > 256) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at '" + member(index)
                    + "partitionKey' failed to satisfy constraint: Member must have length between 1 and 256");
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
        if (data.length > maxRecordBytes) {
            // The service's wording for a data blob over the record limit (seen with the former fixed 1 MiB).
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value 'java.nio.HeapByteBuffer"
                    + "[pos=0 lim=" + data.length + " cap=" + data.length + "]' at '" + member(index) + "data' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + maxRecordBytes);
        }
        int size = data.length + keyBytes;
        if (size > maxRecordBytes) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at '" + member(index)
                    + "data' failed to satisfy constraint: Record size (" + data.length + " bytes of data plus "
                    + keyBytes + " bytes of partition key) must be less than or equal to the stream's maximum record "
                    + "size of " + maxRecordBytes + " bytes (MaxRecordSizeInKiB " + maxRecordBytes / 1024 + ")");
        }
        return size;
    }

    /** @return where entry {@code index} is in the request, as validation messages name it */
    private static String member(int index) {
        return index < 0 ? "" : "records." + (index + 1) + ".member.";
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
                    streamName = Wire.text(p, t);
                    break;
                case "StreamARN":
                    arn = Wire.text(p, t);
                    break;
                case "NextToken":
                    nextToken = Wire.text(p, t);
                    break;
                case "ExclusiveStartShardId":
                    exclusiveStart = Wire.text(p, t);
                    break;
                case "MaxResults":
                    maxResults = Wire.integer(p, t);
                    break;
                case "ShardFilter":
                    if (t == JsonToken.START_OBJECT) {
                        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                            String ff = p.currentName();
                            t = p.nextToken();
                            if ("Type".equals(ff)) {
                                filterType = Wire.text(p, t);
                            } else if ("ShardId".equals(ff)) {
                                filterShardId = Wire.text(p, t);
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
        JsonGenerator g = Wire.generator(cbor, sink);
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
        return Wire.ok(cbor, sink);
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
        StreamState stream = resolve(fields(p));
        ByteSink sink = ByteSink.get();
        JsonGenerator g = Wire.generator(cbor, sink);
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
        Wire.writeTimestamp(g, cbor, stream.created);
        g.writeFieldName("EnhancedMonitoring");
        g.writeStartArray();
        g.writeEndArray();
        g.writeStringField("EncryptionType", "NONE");
        g.writeNumberField("OpenShardCount", stream.openShards().length);
        g.writeNumberField("ConsumerCount", 0);
        g.writeNumberField("MaxRecordSizeInKiB", stream.maxRecordSizeInKiB);
        // Read by KPL 1.1.1: until it sees USER_PARTITION_KEY it does not aggregate. Unknown to the SDK v2 model.
        g.writeStringField("RecordDistributionStrategy", stream.autoDistribution ? "AUTO" : "USER_PARTITION_KEY");
        g.writeEndObject();
        g.writeEndObject();
        g.close();
        return Wire.ok(cbor, sink);
    }

    private Reply createStream(JsonParser p, boolean cbor) throws IOException {
        Map<String, String> in = fields(p);
        String name = in.get("StreamName");
        Integer shardCount = integer(in, "ShardCount");
        Integer maxRecordSize = integer(in, "MaxRecordSizeInKiB");
        if (name == null || name.isEmpty() || name.length() > 128) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value at 'streamName' "
                    + "failed to satisfy constraint: Member must have length between 1 and 128");
        }
        int shards = shardCount == null ? 4 : shardCount;
        if (shards < 1 || shards > FakeKinesis.MAX_SHARDS) {
            throw ApiException.badRequest("InvalidArgumentException", "ShardCount must be between 1 and "
                    + FakeKinesis.MAX_SHARDS + ": " + shards);
        }
        int maxKiB = maxRecordSize == null ? FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB : checkMaxRecordSize(maxRecordSize);
        if (!kinesis.tryCreateStream(name, shards, maxKiB)) {
            throw ApiException.badRequest("ResourceInUseException", "Stream " + name + " under account "
                    + kinesis.accountId + " already exists.");
        }
        return Wire.emptyObject(cbor);
    }

    private Reply updateMaxRecordSize(JsonParser p, boolean cbor) throws IOException {
        Map<String, String> in = fields(p);
        Integer maxRecordSize = integer(in, "MaxRecordSizeInKiB");
        if (maxRecordSize == null) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value null at "
                    + "'maxRecordSizeInKiB' failed to satisfy constraint: Member must not be null");
        }
        int kib = checkMaxRecordSize(maxRecordSize);
        kinesis.resolve(null, in.get("StreamARN")).maxRecordSizeInKiB = kib; // the operation takes no StreamName
        return Wire.emptyObject(cbor);
    }

    /** @return {@code kib} if it is a valid {@code MaxRecordSizeInKiB} (1024 .. 10240), else a ValidationException */
    private static int checkMaxRecordSize(int kib) {
        if (kib < FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value '" + kib + "' at "
                    + "'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to "
                    + FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB);
        }
        if (kib > FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB) {
            throw ApiException.badRequest("ValidationException", "1 validation error detected: Value '" + kib + "' at "
                    + "'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value less than or equal to "
                    + FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB);
        }
        return kib;
    }

    private Reply deleteStream(JsonParser p, boolean cbor) throws IOException {
        kinesis.deleteStream(resolve(fields(p)).name);
        return Wire.emptyObject(cbor);
    }

    /** @return the stream a control-plane request names by its StreamName and/or StreamARN fields */
    private StreamState resolve(Map<String, String> fields) {
        return kinesis.resolve(fields.get("StreamName"), fields.get("StreamARN"));
    }

    /**
     * Reads a control-plane request's top-level fields: strings and numbers as text; objects, arrays
     * and nulls are skipped and read as null.
     */
    private static Map<String, String> fields(JsonParser p) throws IOException {
        Map<String, String> out = new HashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            out.put(f, Wire.text(p, p.nextToken()));
        }
        return out;
    }

    /** @return the field as an int, null if absent; a SerializationException if it is not a whole number */
    private static Integer integer(Map<String, String> fields, String name) {
        String v = fields.get(name);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("SerializationException", name + " is not an integer: " + v);
        }
    }
}
