package io.shardwise.producer.internal;

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

    ShardMapLoader(KinesisAsyncClient client) {
        this.client = client;
    }

    CompletableFuture<List<Shard>> listShards(String stream) {
        List<Shard> all = new ArrayList<>();
        return page(ListShardsRequest.builder().streamName(stream).build(), all);
    }

    private CompletableFuture<List<Shard>> page(ListShardsRequest request, List<Shard> all) {
        return client.listShards(request).thenCompose((ListShardsResponse response) -> {
            all.addAll(response.shards());
            String next = response.nextToken();
            if (next == null || next.isEmpty()) {
                return CompletableFuture.completedFuture(all);
            }
            // With a NextToken, ListShards must not be given the stream name again.
            return page(ListShardsRequest.builder().nextToken(next).build(), all);
        });
    }
}
