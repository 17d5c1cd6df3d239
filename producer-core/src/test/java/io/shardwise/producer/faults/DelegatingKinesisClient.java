package io.shardwise.producer.faults;

import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryRequest;
import software.amazon.awssdk.services.kinesis.model.DescribeStreamSummaryResponse;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * A Kinesis client that passes the calls the producer makes (PutRecords, ListShards,
 * DescribeStreamSummary) to a real one; tests override what they steer. {@link #close()} leaves the
 * real client open (the test closes it).
 */
abstract class DelegatingKinesisClient implements KinesisAsyncClient {
    /** The real client. */
    protected final KinesisAsyncClient delegate;

    DelegatingKinesisClient(KinesisAsyncClient delegate) {
        this.delegate = delegate;
    }

    @Override
    public String serviceName() {
        return delegate.serviceName();
    }

    @Override
    public void close() {
        // the real client belongs to the test
    }

    @Override
    public CompletableFuture<PutRecordsResponse> putRecords(PutRecordsRequest request) {
        return delegate.putRecords(request);
    }

    @Override
    public CompletableFuture<ListShardsResponse> listShards(ListShardsRequest request) {
        return delegate.listShards(request);
    }

    @Override
    public CompletableFuture<DescribeStreamSummaryResponse> describeStreamSummary(DescribeStreamSummaryRequest request) {
        return delegate.describeStreamSummary(request);
    }
}
