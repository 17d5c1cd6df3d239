package io.shardwise.producer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsRequest;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Reads every shard of a stream with ListShards, following NextToken across pages, and turns the
 * open ones into a {@link ShardMap}. Thread-safe.
 */
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

    /** @return the stream's map of open shards; fails if ListShards fails or answers what cannot be read as a map */
    CompletableFuture<ShardMap> shardMap(String stream) {
        return listShards(stream).thenApply(ShardMapLoader::toMap);
    }

    /**
     * @param shards the stream's shards as ListShards returns them, open and closed
     * @return a map of the open ones (closed shards, with an ending sequence number, take no writes;
     *     their ranges are kept for records already stored on them)
     */
    static ShardMap toMap(List<Shard> shards) {
        try {
            List<ShardMap.Range> open = new ArrayList<>(shards.size());
            List<ShardMap.Range> closed = new ArrayList<>();
            for (Shard s : shards) {
                ShardMap.Range r = new ShardMap.Range(s.shardId(), new java.math.BigInteger(s.hashKeyRange().startingHashKey()),
                        new java.math.BigInteger(s.hashKeyRange().endingHashKey()));
                if (s.sequenceNumberRange() == null || s.sequenceNumberRange().endingSequenceNumber() == null) {
                    open.add(r);
                } else {
                    closed.add(r);
                }
            }
            return ShardMap.of(open, closed);
        } catch (RuntimeException e) {
            throw new IllegalStateException("ListShards answered shards that cannot be read as a shard map: " + e, e);
        }
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
