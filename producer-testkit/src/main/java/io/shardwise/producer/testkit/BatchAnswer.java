package io.shardwise.producer.testkit;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * The answer to a batch put (Kinesis PutRecords, Firehose PutRecordBatch) as it is written: an
 * array with one result per entry, in request order, then the count of failed entries and whatever
 * the service adds. Rolls the injected {@linkplain Faults#entryFailureRate(double) entry failures}
 * and tallies each entry's fate for {@link Stats}.
 *
 * <p>Not thread-safe: one per request, on the handling thread (it writes into that thread's
 * {@link ByteSink}).
 */
final class BatchAnswer {
    private final boolean cbor;
    private final Faults faults;
    private final double entryFailure;
    private final Faults.EntryError entryError;
    private final ByteSink sink = ByteSink.get();
    private final JsonGenerator g;
    private int failed;
    private long stored;
    private long storedBytes;
    private long throttled;
    private long injected;

    /**
     * @param resultsField the results array's name, e.g. {@code Records}
     * @param serviceEntryError the service's own error for injected entry failures
     */
    BatchAnswer(boolean cbor, String resultsField, Faults faults, Faults.EntryError serviceEntryError)
            throws IOException {
        this.cbor = cbor;
        this.faults = faults;
        this.entryFailure = faults.entryFailureRate();
        this.entryError = faults.entryError(serviceEntryError);
        this.g = Wire.generator(cbor, sink);
        g.writeStartObject();
        g.writeFieldName(resultsField);
        g.writeStartArray();
    }

    /**
     * Rolls an injected failure for the next entry; if it fails, writes its result.
     *
     * @return true if the entry failed (and is not to be stored)
     */
    boolean failedByInjection() throws IOException {
        if (entryFailure > 0 && faults.roll(entryFailure)) {
            injected++;
            failure(entryError.code(), entryError.message());
            return true;
        }
        return false;
    }

    /** Writes the next entry's result: refused by a limit. */
    void throttled(String errorCode, String errorMessage) throws IOException {
        throttled++;
        failure(errorCode, errorMessage);
    }

    /**
     * Writes the next entry's result: stored.
     *
     * @param bytes the entry's size for {@code bytesStored}
     * @param fieldsAndValues the result's string fields, name then value
     */
    void stored(long bytes, String... fieldsAndValues) throws IOException {
        stored++;
        storedBytes += bytes;
        g.writeStartObject();
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            g.writeStringField(fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        g.writeEndObject();
    }

    private void failure(String errorCode, String errorMessage) throws IOException {
        failed++;
        g.writeStartObject();
        g.writeStringField("ErrorCode", errorCode);
        g.writeStringField("ErrorMessage", errorMessage);
        g.writeEndObject();
    }

    /**
     * Closes the results and writes the failed count.
     *
     * @return the generator, to write the service's further fields
     */
    JsonGenerator endResults(String failedCountField) throws IOException {
        g.writeEndArray();
        g.writeNumberField(failedCountField, failed);
        return g;
    }

    /** @return how many entries were stored */
    long storedCount() {
        return stored;
    }

    /** Closes the answer and counts the entries' fates. */
    Reply finish(Stats stats) throws IOException {
        g.writeEndObject();
        g.close();
        stats.entries(stored, storedBytes, throttled, injected);
        return Wire.ok(cbor, sink);
    }
}
