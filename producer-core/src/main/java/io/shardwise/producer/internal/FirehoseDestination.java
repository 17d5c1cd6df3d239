package io.shardwise.producer.internal;

import io.shardwise.producer.firehose.FirehosePutResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Firehose delivery streams: PutRecordBatch, one queue per delivery stream, no keys. Each entry's
 * answer carries a record id or an error code ({@code ServiceUnavailableException},
 * {@code InternalFailure}), in request order.
 */
final class FirehoseDestination implements Destination {
    /** Results of Firehose records: {@link FirehosePutResult}. */
    static final RecordFuture.ResultFactory<FirehosePutResult> RESULTS =
            (shardId, recordId, position, packed, attempts) -> new FirehosePutResult(recordId, packed, position, attempts);

    private final FirehoseAsyncClient client;
    private final boolean ownsClient;

    FirehoseDestination(FirehoseAsyncClient client, boolean ownsClient) {
        this.client = client;
        this.ownsClient = ownsClient;
    }

    /** @return a client from {@code settings}, with SDK retries off (the producer retries per record) */
    static FirehoseAsyncClient buildClient(Engines.ClientSettings settings, EngineConfig config) {
        FirehoseAsyncClientBuilder b = FirehoseAsyncClient.builder()
                .httpClientBuilder(OwnEventLoopsHttpClient.forEngine(config))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        settings.applyTo(b);
        return b.build();
    }

    @Override
    public String serviceName() {
        return "Firehose";
    }

    @Override
    public String streamNoun() {
        return "delivery stream";
    }

    @Override
    public boolean predictsShards() {
        return false;
    }

    @Override
    public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
        List<Record> records = new ArrayList<>(batch.entryCount());
        for (int i = 0; i < batch.entryCount(); i++) {
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(batch.entryData(i))).build());
        }
        PutRecordBatchRequest request = PutRecordBatchRequest.builder()
                .deliveryStreamName(stream)
                .records(records)
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                .build();
        return client.putRecordBatch(request).thenApply(r -> EntryResults.of(r.requestResponses(), RESULT_FIELDS));
    }

    /** How PutRecordBatch response entries answer: no shard; the record id (never null for a stored record). */
    static final EntryResults.Fields<PutRecordBatchResponseEntry> RESULT_FIELDS = new EntryResults.Fields<>(
            PutRecordBatchResponseEntry::errorCode, PutRecordBatchResponseEntry::errorMessage, e -> null,
            e -> java.util.Objects.requireNonNullElse(e.recordId(), ""));

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
