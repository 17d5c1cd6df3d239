package io.shardwise.producer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Reads every shard of a stream with ListShards, following NextToken across pages. Thread-safe. */
final class ShardMapLoader {
    private final KinesisAsyncClient client;
    private final Duration callTimeout;

    /**
     * @param client the client
     * @param callTimeout time limit of each ListShards call (a hung call must not stall refreshes)
     */
    ShardMapLoader(KinesisAsyncClient client, Duration callTimeout) {
        this.client = client;
        this.callTimeout = callTimeout;
    }

    CompletableFuture<List<Shard>> listShards(String stream) {
        List<Shard> all = new ArrayList<>();
        ListShardsRequest.Builder b = ListShardsRequest.builder();
        StreamArns.target(stream, b::streamARN, b::streamName);
        return page(b.overrideConfiguration(o -> o.apiCallTimeout(callTimeout)).build(), all);
    }

    private CompletableFuture<List<Shard>> page(ListShardsRequest request, List<Shard> all) {
        return client.listShards(request).thenCompose((ListShardsResponse response) -> {
            all.addAll(response.shards());
            String next = response.nextToken();
            if (next == null || next.isEmpty()) {
                return CompletableFuture.completedFuture(all);
            }
            // With a NextToken, ListShards must not be given the stream name (or ARN) again.
            return page(ListShardsRequest.builder().nextToken(next)
                    .overrideConfiguration(o -> o.apiCallTimeout(callTimeout)).build(), all);
        });
    }
}
