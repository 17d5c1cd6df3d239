package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.Ordering;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * How many PutRecords requests one linger period costs on a four-shard stream when every shard has
 * records. Each request costs marshalling, signing, TLS and a round trip, so at a low load what is
 * due goes in one request whatever the ordering: shard order is kept by the queues' locks, not by
 * giving every shard a request of its own. Only when what is due does not fit in one request are the
 * shards spread over several requests, so that they can be in flight at once.
 */
class RequestsPerLingerTest {
    private static final String STREAM = "s";
    private static final BigInteger QUARTER = BigInteger.ONE.shiftLeft(126);

    /** Four equal shards; stores every entry on the shard its explicit hash key names and counts the requests. */
    private static final class FourShards extends UnshardedTestDestination {
        final List<Integer> entriesPerRequest = new ArrayList<>();
        private int sequence;

        @Override
        public boolean predictsShards() {
            return true;
        }

        @Override
        public CompletableFuture<ShardMap> shardMap(String stream) {
            return CompletableFuture.completedFuture(PackingTest.fourEqualShards());
        }

        @Override
        public CompletableFuture<EntryResults> send(String stream, RequestBatch batch, Duration timeout) {
            entriesPerRequest.add(batch.entryCount());
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            for (int i = 0; i < batch.entryCount(); i++) {
                int shard = new BigInteger(batch.entryHashKey(i)).divide(QUARTER).intValueExact();
                entries.add(PutRecordsResultEntry.builder().shardId("shardId-00000000000" + shard)
                        .sequenceNumber("" + ++sequence).build());
            }
            return CompletableFuture.completedFuture(EntryResults.of(entries, KinesisDestination.RESULT_FIELDS));
        }
    }

    /** Adds {@code perShard} records to each of the four shards at once and steps the engine until all are stored. */
    private static List<Integer> requestsFor(Ordering ordering, int perShard) {
        FourShards destination = new FourShards();
        ManualTime time = new ManualTime();
        ProducerConfig config = ProducerConfig.builder().ordering(ordering).shardRateLimiting(false)
                .aggregationEnabled(false).recordMaxBufferedTime(Duration.ofMillis(100)).maxInFlightRequests(4).build();
        Engine engine = new Engine(destination, false, EngineConfig.of(config), Runnable::run,
                new EngineRuntime(time, new java.util.SplittableRandom(7), Runnable::run));
        engine.step(); // loads the shard map
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        for (int shard = 0; shard < 4; shard++) {
            for (int i = 0; i < perShard; i++) {
                String hashKey = QUARTER.multiply(BigInteger.valueOf(shard)).add(BigInteger.valueOf(i)).toString();
                futures.add(engine.add(STREAM, "k", hashKey, new byte[] {(byte) i})); // a key each: KEY_STRICT sends a key once per request
            }
        }
        time.stepUntilDone(engine, futures, 1_000);
        engine.stopStepped();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        return destination.entriesPerRequest;
    }

    @ParameterizedTest
    @EnumSource(Ordering.class)
    void whatIsDueGoesInOneRequestWhenItFits(Ordering ordering) {
        assertThat(requestsFor(ordering, 10)).containsExactly(40);
    }

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"SHARD", "KEY_STRICT"})
    void orderedShardsAreSpreadOverRequestsInFlightTogetherWhenWhatIsDueDoesNotFitInOne(Ordering ordering) {
        // 4 x 200 records do not fit in one request of 500 entries: a request per shard, all four at once
        assertThat(requestsFor(ordering, 200)).containsExactly(200, 200, 200, 200);
    }
}
