/**
 * The engine behind {@link io.shardwise.producer.KinesisProducer} and
 * {@link io.shardwise.producer.firehose.FirehoseProducer}; not public API. The API reaches it through
 * one door, {@link io.shardwise.producer.internal.Engines}; nothing else here is public.
 *
 * <p><b>A record's way, stage by stage</b> (the class that owns each stage's state in brackets):
 * <ol>
 *   <li><b>Accept</b> (caller's thread): {@link io.shardwise.producer.internal.Engine} checks the record
 *       ({@link io.shardwise.producer.internal.RecordValidator}), hashes its key
 *       ({@link io.shardwise.producer.internal.PartitionKeyHasher}), takes room in the bounds
 *       ({@link io.shardwise.producer.internal.Outstanding}) and hands it to the loop
 *       ({@link io.shardwise.producer.internal.SenderInbox}).</li>
 *   <li><b>Accumulate</b> (loop): per stream, {@link io.shardwise.producer.internal.StreamAccumulator}
 *       predicts the record's shard from the cached {@link io.shardwise.producer.internal.ShardMap}
 *       and queues it in that shard's {@link io.shardwise.producer.internal.ShardQueue} (with its
 *       {@link io.shardwise.producer.internal.ShardRateLimiter}). When maps are loaded is decided by
 *       {@link io.shardwise.producer.internal.ShardMapRefresher}, whether prediction works by
 *       {@link io.shardwise.producer.internal.PredictionHealth}.</li>
 *   <li><b>Drain</b> (loop): when a stream's request is due, {@link io.shardwise.producer.internal.BatchAssembler}
 *       packs queued records (aggregated, or Firehose-joined) into a
 *       {@link io.shardwise.producer.internal.RequestBatch}.</li>
 *   <li><b>Send</b> (loop): the batch takes a slot in {@link io.shardwise.producer.internal.InFlightRequests}
 *       and goes out through the {@link io.shardwise.producer.internal.Destination}
 *       ({@link io.shardwise.producer.internal.KinesisDestination} or
 *       {@link io.shardwise.producer.internal.FirehoseDestination}).</li>
 *   <li><b>Handle the response</b> (callback executor): {@link io.shardwise.producer.internal.ResponseHandler}
 *       decides each record's outcome, entry i of the answer for entry i of the request; failures are
 *       worded by {@link io.shardwise.producer.internal.RecordFailures}; completions run in a
 *       {@link io.shardwise.producer.internal.CompletionRun} on the
 *       {@link io.shardwise.producer.internal.CallbackExecutor}, never on the loop's thread. What the
 *       loop must act on (retries for the {@link io.shardwise.producer.internal.RetryQueue}, split
 *       requests, limiter feedback, prediction misses) comes back to it as an event.</li>
 * </ol>
 * <p><b>Key order</b> ({@code Ordering.KEY_STRICT}): the loop numbers each record as it takes it in;
 * {@link io.shardwise.producer.internal.KeyOrder} holds the keys of records waiting for a retry, the
 * assembler packs by key ({@link io.shardwise.producer.internal.HashKeySet}: one entry per key per
 * request), retries return to their place by number, and
 * {@link io.shardwise.producer.internal.FailedKeys} fails the later records of a key whose record
 * failed for good.
 *
 * {@link io.shardwise.producer.internal.Sender} is the loop: the only class that knows the order of a
 * step; each part above owns its state, returns what it decided, and never writes another's fields
 * (checked by {@code ArchitectureTest}). Start reading there.
 *
 * <p><b>Determinism.</b> Every clock read and random draw goes through
 * {@link io.shardwise.producer.internal.EngineRuntime}; an engine built without its thread is advanced
 * one turn at a time with {@code Engine.step()}, which the deterministic simulation test does on a
 * virtual clock.
 *
 * <p><b>Exactly-once completion.</b> A {@link io.shardwise.producer.internal.PendingRecord} is completed
 * by whoever claims it first (the producer, or the application through its
 * {@link io.shardwise.producer.internal.RecordFuture}); the claim releases its room in
 * {@code Outstanding} and its flush epoch. Each stream's own limits (DescribeStreamSummary) live in
 * {@link io.shardwise.producer.internal.StreamLimits}, read on the caller's thread.
 */
package io.shardwise.producer.internal;
