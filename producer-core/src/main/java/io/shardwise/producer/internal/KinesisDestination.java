package io.shardwise.producer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/** Kinesis data streams: PutRecords with partition and explicit hash keys, shards read with ListShards. */
final class KinesisDestination implements Destination {
    private final KinesisAsyncClient client;
    private final boolean ownsClient;
    private final ShardMapLoader loader;
    private final Duration callTimeout;

    /**
     * @param client the client
     * @param ownsClient whether {@link #close()} closes it
     * @param callTimeout the time limit of each ListShards call
     */
    KinesisDestination(KinesisAsyncClient client, boolean ownsClient, Duration callTimeout) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.loader = new ShardMapLoader(client, callTimeout);
        this.callTimeout = callTimeout;
    }

    @Override
    public String serviceName() {
        return "Kinesis";
    }

    @Override
    public String streamNoun() {
        return "stream";
    }

    @Override
    public boolean predictsShards() {
        return true;
    }

    @Override
    public CompletableFuture<ShardMap> shardMap(String stream) {
        return loader.shardMap(stream);
    }

    /** @return a client from {@code settings}, with SDK retries off (the producer retries per record) */
    static KinesisAsyncClient buildClient(Engines.ClientSettings settings, EngineConfig config) {
        software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder b = KinesisAsyncClient.builder()
                .httpClientBuilder(OwnEventLoopsHttpClient.forEngine(config))
                .overrideConfiguration(o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()));
        settings.applyTo(b);
        return b.build();
    }

    @Override
    public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
        PutRecordsRequest.Builder b = PutRecordsRequest.builder();
        StreamArns.target(stream, b::streamARN, b::streamName);
        PutRecordsRequest request = b
                .records(entries(batch))
                .overrideConfiguration(o -> o.apiCallTimeout(timeout))
                .build();
        return client.putRecords(request).thenApply(r -> EntryResults.of(r.records(), RESULT_FIELDS));
    }

    /**
     * Reads the stream's maximum record size with DescribeStreamSummary ({@code MaxRecordSizeInKiB};
     * absent on streams that were never changed from the 1 MiB default).
     */
    @Override
    public CompletableFuture<Integer> maxRecordSize(String stream) {
        DescribeStreamSummaryRequest.Builder b = DescribeStreamSummaryRequest.builder();
        StreamArns.target(stream, b::streamARN, b::streamName);
        return client.describeStreamSummary(b.overrideConfiguration(o -> o.apiCallTimeout(callTimeout)).build())
                .thenApply(r -> {
                    Integer kib = r.streamDescriptionSummary().maxRecordSizeInKiB();
                    return (kib == null ? DEFAULT_MAX_RECORD_SIZE_KIB : kib) * 1024;
                });
    }

    /** The maximum record size of a stream that does not say otherwise: 1 MiB. */
    static final int DEFAULT_MAX_RECORD_SIZE_KIB = 1024;

    @Override
    public String describe(String stream) {
        return StreamArns.isArn(stream) ? "stream '" + StreamArns.name(stream) + "' (" + stream + ")" : "stream '" + stream + "'";
    }

    /** @return the batch's request entries, in order; payloads are wrapped, not copied */
    static List<PutRecordsRequestEntry> entries(RequestBatch batch) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(batch.entryCount());
        for (int i = 0; i < batch.entryCount(); i++) {
            entries.add(PutRecordsRequestEntry.builder()
                    .partitionKey(batch.entryPartitionKey(i))
                    .explicitHashKey(batch.entryHashKey(i))
                    .data(SdkBytes.fromByteArrayUnsafe(batch.entryData(i)))
                    .build());
        }
        return entries;
    }

    /** How PutRecords result entries answer. */
    static final EntryResults.Fields<PutRecordsResultEntry> RESULT_FIELDS = new EntryResults.Fields<>(
            PutRecordsResultEntry::errorCode, PutRecordsResultEntry::errorMessage, PutRecordsResultEntry::shardId,
            PutRecordsResultEntry::sequenceNumber);

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }
}
