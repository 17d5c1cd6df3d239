package io.shardwise.producer.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything the sender keeps for one stream, each part owning its own state: the records waiting
 * ({@link StreamAccumulator}), when its shard map is loaded ({@link ShardMapRefresher}), whether
 * shard prediction works ({@link PredictionHealth}), and the aggregates stored on an unexpected
 * shard, settled against the next map.
 *
 * @param stream the stream's name or ARN
 * @param queues its waiting records
 * @param refresher its shard-map loads
 * @param prediction its prediction health
 * @param held aggregates stored on an unexpected shard, waiting for the next map
 * @param failedKeys with {@code KEY_STRICT}, records that failed for good since the loop last failed
 *     their keys' later records
 */
record StreamState(String stream, StreamAccumulator queues, ShardMapRefresher refresher, PredictionHealth prediction,
                   List<ResponseHandler.HeldAggregate> held, FailedKeys failedKeys) {
    StreamState(String stream, StreamAccumulator queues, ShardMapRefresher refresher) {
        this(stream, queues, refresher, new PredictionHealth(), new ArrayList<>(), new FailedKeys());
    }
}
