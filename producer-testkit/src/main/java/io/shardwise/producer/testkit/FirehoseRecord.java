package io.shardwise.producer.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * A record {@link FakeKinesis} accepted on a Firehose delivery stream (PutRecord or PutRecordBatch)
 * and stored: the RecordId it answered and the data as sent (base64 decoded).
 *
 * <p>Immutable: {@link #data()} returns a copy.
 */
public final class FirehoseRecord {
    private final String recordId;
    private final String deliveryStream;
    private final byte[] data;
    private final Instant arrivedAt;

    /** @param data owned by the record from now on (not copied) */
    FirehoseRecord(String recordId, String deliveryStream, byte[] data, Instant arrivedAt) {
        this.recordId = recordId;
        this.deliveryStream = deliveryStream;
        this.data = data;
        this.arrivedAt = arrivedAt;
    }

    /** @return the RecordId returned to the client for this record, unique per endpoint */
    public String recordId() {
        return recordId;
    }

    /** @return a copy of the record's data */
    public byte[] data() {
        return data.clone();
    }

    /** @return the data's length in bytes */
    public int size() {
        return data.length;
    }

    /** @return the data decoded as UTF-8 */
    public String dataAsUtf8() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** @return the delivery stream's name */
    public String deliveryStream() {
        return deliveryStream;
    }

    /** @return when the request that carried the record arrived */
    public Instant arrivedAt() {
        return arrivedAt;
    }

    @Override
    public String toString() {
        return "FirehoseRecord{" + deliveryStream + " id=" + recordId.substring(0, Math.min(12, recordId.length()))
                + "... " + data.length + " bytes}";
    }
}
