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
 * {@link io.shardwise.producer.internal.RequestBatch}es and sends them) ->
 * {@link io.shardwise.producer.internal.ResponseHandler} (callback executor: maps response entry i
 * to request entry i, decides each record's outcome, hands failed entries back to the sender for
 * retry, and split requests rejected whole) ->
 * {@link io.shardwise.producer.internal.CompletionRun} (completes the futures, on the
 * {@link io.shardwise.producer.internal.CallbackExecutor}, never on the sender thread).
 *
 * <p>Exactly-once completion: a {@link io.shardwise.producer.internal.PendingRecord} is completed by
 * whoever claims it first (the producer, or the application through its
 * {@link io.shardwise.producer.internal.RecordFuture}); the claim releases its room in
 * {@link io.shardwise.producer.internal.Outstanding} and its flush epoch. Each stream's own limits
 * (DescribeStreamSummary) live in {@link io.shardwise.producer.internal.StreamLimits}, read on the
 * caller's thread. Start reading at {@code Sender}.
 */
package io.shardwise.producer.internal;
