/**
 * The pipeline engine behind {@link io.shardwise.producer.KinesisProducer}; not public API.
 *
 * <p>A record's journey, one class per step:
 * {@link io.shardwise.producer.internal.RecordValidator} (caller's thread: limits) ->
 * {@link io.shardwise.producer.internal.PartitionKeyHasher} (MD5 to an unsigned 128-bit hash key) ->
 * {@link io.shardwise.producer.internal.Sender} (the producer thread: drains the inbound queue,
 * predicts shards with the cached {@link io.shardwise.producer.internal.ShardMap} of each
 * {@link io.shardwise.producer.internal.StreamPipeline}, groups records per shard in
 * {@link io.shardwise.producer.internal.ShardQueue}s, packs them into
 * {@link io.shardwise.producer.internal.PutRecordsBatch}es and sends them) ->
 * {@link io.shardwise.producer.internal.ResponseHandler} (callback executor: maps response entry i
 * to request entry i, completes futures, hands failed entries back to the sender for retry).
 * Start reading at {@code Sender}.
 */
package io.shardwise.producer.internal;
