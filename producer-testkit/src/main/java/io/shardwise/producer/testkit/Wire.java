package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * The body formats the endpoint's services share (AWS JSON 1.1 and CBOR 1.1): format detection,
 * Jackson's streaming parsers and generators, field reading, timestamps and the answers.
 *
 * <p>Thread-safe: no state besides the (thread-safe) Jackson factories.
 */
final class Wire {
    static final String JSON_TYPE = "application/x-amz-json-1.1";
    static final String CBOR_TYPE = "application/x-amz-cbor-1.1";

    private static final JsonFactory JSON = new JsonFactory();
    private static final CBORFactory CBOR = new CBORFactory();

    private Wire() {
    }

    /**
     * @return whether the body is CBOR: the content type decides when it names CBOR or JSON, else
     *     the first non-blank byte (&#123; is JSON)
     */
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

    static JsonParser parser(boolean cbor, byte[] body, int length) throws IOException {
        return (cbor ? CBOR : JSON).createParser(body, 0, length);
    }

    static JsonGenerator generator(boolean cbor, ByteSink sink) throws IOException {
        return (cbor ? CBOR : JSON).createGenerator(sink);
    }

    /** @return the current value as text; null for null, objects and arrays (which are skipped) */
    static String text(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
            p.skipChildren();
            return null;
        }
        return p.getText();
    }

    /** @return the current value as an int, or null for a JSON null */
    static Integer integer(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NULL ? null : p.getValueAsInt();
    }

    /** @return the current blob value (CBOR byte string or base64 JSON string), or null for a null */
    static byte[] blob(JsonParser p, JsonToken t) throws IOException {
        return t == JsonToken.VALUE_NULL ? null : p.getBinaryValue();
    }

    /**
     * Timestamps as the SDK v2 reads them: JSON, epoch seconds with a fraction; CBOR, tag 1 and epoch
     * milliseconds (the SDK's CBOR protocol uses milliseconds in payloads).
     */
    static void writeTimestamp(JsonGenerator g, boolean cbor, Instant instant) throws IOException {
        long millis = instant.toEpochMilli();
        if (cbor) {
            ((CBORGenerator) g).writeTag(1);
            g.writeNumber(millis);
        } else {
            g.writeNumber(BigDecimal.valueOf(millis, 3));
        }
    }

    /** @return a 200 answer with what was written to the sink */
    static Reply ok(boolean cbor, ByteSink sink) {
        return new Reply(200, cbor ? CBOR_TYPE : JSON_TYPE, sink.buf, sink.count, null, 0, false);
    }

    static Reply emptyObject(boolean cbor) throws IOException {
        ByteSink sink = ByteSink.get();
        JsonGenerator g = generator(cbor, sink);
        g.writeStartObject();
        g.writeEndObject();
        g.close();
        return ok(cbor, sink);
    }

    /** @return an error answer: {@code __type} and {@code message} in the body, the type also in the header */
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

    static Reply error(boolean cbor, ApiException e) {
        return error(cbor, e.status, e.type, e.getMessage());
    }
}
