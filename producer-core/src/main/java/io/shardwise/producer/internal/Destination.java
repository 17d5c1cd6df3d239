package io.shardwise.producer.internal;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import java.util.concurrent.CompletableFuture;

/**
 * The service a pipeline writes to: Kinesis data streams (PutRecords, shard-aware) or Firehose
 * delivery streams (PutRecordBatch). The engine (queues, packing, retries, back-off, TTL,
 * backpressure, close) is the same for both; a destination only says how a packed batch travels,
 * how its answer reads, and how to name things in messages.
 *
 * <p>Implementations are thread-safe.
 */
interface Destination {
    /** @return the service's name for messages: {@code "Kinesis"} or {@code "Firehose"} */
    String serviceName();

    /** @return what a destination stream is called, for messages: {@code "stream"} or {@code "delivery stream"} */
    String streamNoun();

    /** @return whether records are routed to shards by hash key, so the pipeline predicts shards from ListShards */
    boolean predictsShards();

    /**
     * Reads a stream's open shards and their hash-key ranges (only called when {@link #predictsShards()}).
     *
     * @param stream the stream
     * @return the map of its open shards; fails if they cannot be read (or cannot be read as a map)
     */
    default CompletableFuture<ShardMap> shardMap(String stream) {
        return CompletableFuture.failedFuture(new UnsupportedOperationException(serviceName() + " has no shards"));
    }

    /**
     * Sends one packed batch.
     *
     * @param stream the stream or delivery stream
     * @param batch the entries, in order
     * @param timeout the call's time limit
     * @return the per-entry answers, in the order of the batch's entries
     */
    CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout);

    /**
     * Reads the largest record the stream accepts (data plus partition key), where the service has
     * a per-stream maximum (Kinesis: DescribeStreamSummary's MaxRecordSizeInKiB).
     *
     * @param stream the stream
     * @return the maximum in bytes, or {@code null} when the destination has no per-stream maximum
     */
    default CompletableFuture<Integer> maxRecordSize(String stream) {
        return CompletableFuture.completedFuture(null);
    }

    /** Closes the client if the destination built it; never closes a caller's client. */
    void close();

    /** @return {@code "stream 'name'"} or {@code "delivery stream 'name'"} */
    default String describe(String stream) {
        return streamNoun() + " '" + stream + "'";
    }

    /**
     * A service's answer for each entry of a request, in request order: either success (an id and,
     * for Kinesis, the shard) or an error code and message.
     */
    interface EntryResults {
        /** @return the number of entries answered */
        int size();

        /** @return entry {@code i}'s error code, or {@code null} if it succeeded */
        String errorCode(int i);

        /** @return entry {@code i}'s error message, or {@code null} */
        String errorMessage(int i);

        /** @return the shard that stored entry {@code i}; {@code null} for services without shards */
        String shardId(int i);

        /** @return entry {@code i}'s id: the Kinesis sequence number or the Firehose record id */
        String id(int i);

        /**
         * Views a response's entries, of whichever SDK type, through their accessors.
         *
         * @param entries the response entries, in request order
         * @param fields how to read each entry
         * @param <T> the SDK's entry type
         * @return the view
         */
        static <T> EntryResults of(List<T> entries, Fields<T> fields) {
            return new EntryResults() {
                @Override
                public int size() {
                    return entries.size();
                }

                @Override
                public String errorCode(int i) {
                    return fields.errorCode().apply(entries.get(i));
                }

                @Override
                public String errorMessage(int i) {
                    return fields.errorMessage().apply(entries.get(i));
                }

                @Override
                public String shardId(int i) {
                    return fields.shardId().apply(entries.get(i));
                }

                @Override
                public String id(int i) {
                    return fields.id().apply(entries.get(i));
                }
            };
        }

        /** The accessors of one SDK entry type (a constant per destination). */
        record Fields<T>(Function<T, String> errorCode, Function<T, String> errorMessage, Function<T, String> shardId,
                         Function<T, String> id) {
        }
    }
}
