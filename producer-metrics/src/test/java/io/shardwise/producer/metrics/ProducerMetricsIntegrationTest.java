package io.shardwise.producer.metrics;

import static io.shardwise.producer.metrics.MeterReads.await;
import static io.shardwise.producer.metrics.MeterReads.count;
import static io.shardwise.producer.metrics.MeterReads.gauge;
import static io.shardwise.producer.metrics.MeterReads.hasTagKey;
import static io.shardwise.producer.metrics.MeterReads.producerMeters;
import static io.shardwise.producer.metrics.MeterReads.search;
import static io.shardwise.producer.metrics.MeterReads.summaryCount;
import static io.shardwise.producer.metrics.MeterReads.summaryMax;
import static io.shardwise.producer.metrics.MeterReads.summaryTotal;
import static io.shardwise.producer.metrics.MeterReads.tagValues;
import static io.shardwise.producer.metrics.MeterReads.timerCount;
import static io.shardwise.producer.metrics.MeterReads.timerTotalSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.StreamNotFoundException;
import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@link ProducerMetrics} bound to a producer writing to a real Kinesis-compatible server
 * (kinesis-local): what the meters say is checked against what was sent, what the producer's own
 * stats say and what an independent observer saw.
 */
class ProducerMetricsIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final AtomicInteger STREAMS = new AtomicInteger();
    private static KinesisLocal local;
    private static KinesisAsyncClient client;

    @BeforeAll
    static void startServer() {
        local = KinesisLocal.shared();
        client = local.newClient();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    private static String newStream(int shards) {
        String name = "metrics-" + ProcessHandle.current().pid() + "-" + STREAMS.incrementAndGet();
        local.createStream(name, shards);
        return name;
    }

    private static KinesisProducer producer(String stream) {
        return KinesisProducer.builder().kinesisClient(client).streamName(stream)
                .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(20)).build()).build();
    }

    /** Sends {@code n} records to {@code stream}; returns their futures. */
    private static List<CompletableFuture<PutResult>> send(KinesisProducer producer, String stream, int n, long[] bytes) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String key = "key-" + i;
            byte[] data = ("record " + i + " of " + stream).getBytes(StandardCharsets.UTF_8);
            if (bytes != null) {
                bytes[0] += data.length + key.getBytes(StandardCharsets.UTF_8).length;
            }
            futures.add(producer.addUserRecord(stream, key, data));
        }
        return futures;
    }

    private static void flush(KinesisProducer producer) throws Exception {
        producer.flush().get(1, TimeUnit.MINUTES);
    }

    /** Request outcomes arrive just after the request's records complete: wait until every request sent is observed. */
    private static void awaitRequestsObserved(SimpleMeterRegistry registry, KinesisProducer producer) throws InterruptedException {
        await(WAIT, "request timer count == PutRecords requests sent",
                () -> timerCount(registry, MeterNames.REQUEST_TIME) == producer.stats().putRecordsRequests());
    }

    @Test
    void metersMatchWhatWasSentTheProducersStatsAndAnIndependentObserver() throws Exception {
        String stream = newStream(2);
        int n = 3000;
        long[] userBytes = {0};
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<ProducerObserver.RequestOutcome> seen = new CopyOnWriteArrayList<>();
        try (KinesisProducer producer = producer(stream);
             ProducerMetrics metrics = ProducerMetrics.builder(producer).commonTags("producer", "it").bindTo(registry)) {
            AutoCloseable witness = producer.addObserver(new ProducerObserver() {
                @Override
                public void requestCompleted(RequestOutcome outcome) {
                    seen.add(outcome);
                }
            });
            List<CompletableFuture<PutResult>> futures = send(producer, stream, n, userBytes);
            flush(producer);
            for (CompletableFuture<PutResult> f : futures) {
                assertThat(f).isCompleted();
                f.get();
            }
            awaitRequestsObserved(registry, producer);
            await(WAIT, "witness saw every request", () -> seen.size() == producer.stats().putRecordsRequests());
            witness.close();
            ProducerStats stats = producer.stats();

            long entries = seen.stream().mapToLong(o -> o.entries() - o.failedEntries()).sum();
            long kinesisBytes = seen.stream().mapToLong(ProducerObserver.RequestOutcome::bytes).sum();
            assertThat(seen).allMatch(o -> o.failedEntries() == 0 && o.requestErrorCode() == null);
            String[] s = {MeterNames.TAG_STREAM, stream};

            // user records: received, put, bytes
            assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).isEqualTo(n);
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, stream,
                    MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)).isEqualTo(n);
            assertThat(search(registry, MeterNames.USER_RECORDS_PUT).tag(MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE)
                    .counters()).isEmpty();
            assertThat(count(registry, MeterNames.USER_RECORDS_BYTES, s)).isEqualTo(userBytes[0]);
            assertThat(count(registry, MeterNames.USER_RECORDS_EXPIRED, s)).isZero();

            // Kinesis records (aggregated: fewer than user records) and bytes, as the witness saw them
            assertThat(entries).isPositive().isLessThan(n);
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT, s)).isEqualTo(entries);
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_BYTES, s)).isEqualTo(kinesisBytes);
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_THROTTLED, s)).isZero();
            assertThat(search(registry, MeterNames.ERRORS).counters()).isEmpty();

            // requests: timer count == PutRecords requests sent; distributions per request and per Kinesis record
            assertThat(timerCount(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_STREAM, stream,
                    MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS, MeterNames.TAG_ERROR_CODE, MeterNames.NONE))
                    .isEqualTo(stats.putRecordsRequests()).isEqualTo(seen.size());
            assertThat(timerTotalSeconds(registry, MeterNames.REQUEST_TIME)).isPositive();
            assertThat(summaryCount(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isEqualTo(seen.size());
            assertThat(summaryTotal(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isEqualTo(entries);
            assertThat(summaryMax(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isLessThanOrEqualTo(500);
            assertThat(summaryTotal(registry, MeterNames.USER_RECORDS_PER_REQUEST, s)).isEqualTo(n);
            assertThat(summaryCount(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(entries);
            assertThat(summaryTotal(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(n);
            assertThat(summaryMax(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isGreaterThan(1);

            // per record: timers and retries
            assertThat(timerCount(registry, MeterNames.BUFFERING_TIME, s)).isEqualTo(n);
            assertThat(timerCount(registry, MeterNames.DELIVERY_TIME, s)).isEqualTo(n);
            assertThat(timerTotalSeconds(registry, MeterNames.DELIVERY_TIME, s))
                    .isGreaterThanOrEqualTo(timerTotalSeconds(registry, MeterNames.BUFFERING_TIME, s)).isPositive();
            assertThat(summaryCount(registry, MeterNames.RETRIES_PER_RECORD, s)).isEqualTo(n);
            assertThat(summaryTotal(registry, MeterNames.RETRIES_PER_RECORD, s)).isZero();
            assertThat(count(registry, MeterNames.RETRIES)).isZero();

            // producer-wide state from stats(): nothing pending any more
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isZero();
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING_BYTES)).isZero();
            assertThat(gauge(registry, MeterNames.OLDEST_RECORD_AGE)).isZero();
            assertThat(count(registry, MeterNames.SHARD_MAP_REFRESHES)).isEqualTo(stats.shardMapRefreshes()).isPositive();
            assertThat(count(registry, MeterNames.SHARD_PREDICTION_MISSES)).isEqualTo(stats.shardPredictionMisses()).isZero();
            assertThat(count(registry, MeterNames.SHARD_PREDICTION_FALLBACKS)).isZero();

            // every meter: common tag, description; counters, gauges and summaries: a base unit
            assertThat(producerMeters(registry)).isNotEmpty().allSatisfy(m -> {
                assertThat(m.getId().getTag("producer")).as(m.getId().toString()).isEqualTo("it");
                assertThat(m.getId().getDescription()).as(m.getId().toString()).isNotBlank();
                if (m.getId().getType() != Meter.Type.TIMER) {
                    assertThat(m.getId().getBaseUnit()).as(m.getId().toString()).isNotBlank();
                }
                assertThat(m.getId().getName()).matches("shardwise\\.producer\\.[a-z.]+");
            });
            assertThat(metrics.isBound()).isTrue();
        }
    }

    @Test
    void pendingGaugesFollowTheBufferWhileRecordsWait() throws Exception {
        String stream = newStream(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream)
                .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofSeconds(30)).build()).build();
             ProducerMetrics metrics = ProducerMetrics.of(producer)) {
            metrics.bindTo(registry);
            long[] bytes = {0};
            send(producer, stream, 50, bytes);
            // lingering for 30 s: the records stay pending until the flush
            await(WAIT, "oldest record age reported", () -> gauge(registry, MeterNames.OLDEST_RECORD_AGE) > 0);
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isEqualTo(50);
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING_BYTES)).isEqualTo(bytes[0]);
            assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).isEqualTo(50);
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT)).isZero();
            flush(producer);
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isZero();
            assertThat(gauge(registry, MeterNames.OLDEST_RECORD_AGE)).isZero();
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS))
                    .isEqualTo(50);
        }
    }

    @Test
    void failuresAreCountedByReasonForANonexistentStream() throws Exception {
        String missing = "metrics-missing-" + ProcessHandle.current().pid() + "-" + STREAMS.incrementAndGet();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KinesisProducer producer = producer(missing);
             ProducerMetrics metrics = ProducerMetrics.builder(producer).bindTo(registry)) {
            List<CompletableFuture<PutResult>> futures = send(producer, missing, 25, null);
            flush(producer);
            for (CompletableFuture<PutResult> f : futures) {
                assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class).cause().isInstanceOf(StreamNotFoundException.class);
            }
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, missing,
                    MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE, MeterNames.TAG_REASON, "StreamNotFoundException"))
                    .isEqualTo(25);
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE))
                    .isEqualTo(25)
                    .isEqualTo(producer.stats().failedByReason().get("StreamNotFoundException").doubleValue());
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)).isZero();
            assertThat(tagValues(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_REASON,
                    MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE)).containsExactly("StreamNotFoundException");
            assertThat(count(registry, MeterNames.USER_RECORDS_EXPIRED)).isZero();
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT)).isZero();
            assertThat(timerCount(registry, MeterNames.BUFFERING_TIME, MeterNames.TAG_STREAM, missing)).isEqualTo(25);
            assertThat(timerCount(registry, MeterNames.DELIVERY_TIME)).isZero();
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isZero();
            assertThat(metrics.granularity()).isEqualTo(ProducerMetrics.Granularity.STREAM);
        }
    }

    @Test
    void granularityDecidesTheStreamAndShardTags() throws Exception {
        String a = newStream(2);
        String b = newStream(1);
        int n = 400;
        SimpleMeterRegistry global = new SimpleMeterRegistry();
        SimpleMeterRegistry perStream = new SimpleMeterRegistry();
        SimpleMeterRegistry perShard = new SimpleMeterRegistry();
        try (KinesisProducer producer = producer(a);
             ProducerMetrics g = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.GLOBAL).bindTo(global);
             ProducerMetrics st = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.STREAM).bindTo(perStream);
             ProducerMetrics sh = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.SHARD).bindTo(perShard)) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>(send(producer, a, n, null));
            futures.addAll(send(producer, b, n, null));
            flush(producer);
            Map<String, Integer> byShardOfA = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                byShardOfA.merge(futures.get(i).get().shardId(), 1, Integer::sum);
            }
            String onlyShardOfB = futures.get(n).get().shardId();
            for (SimpleMeterRegistry r : List.of(global, perStream, perShard)) {
                awaitRequestsObserved(r, producer);
            }

            // GLOBAL: no stream or shard tag anywhere, one success counter for both streams
            assertThat(producerMeters(global)).isNotEmpty()
                    .noneMatch(m -> hasTagKey(m, MeterNames.TAG_STREAM) || hasTagKey(m, MeterNames.TAG_SHARD));
            assertThat(search(global, MeterNames.USER_RECORDS_PUT).tag(MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)
                    .counters()).hasSize(1);
            assertThat(count(global, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)).isEqualTo(2 * n);
            assertThat(timerCount(global, MeterNames.BUFFERING_TIME)).isEqualTo(2 * n);
            assertThat(search(global, MeterNames.SHARD_RATE_LIMIT_RECORDS).gauges()).isEmpty();

            // STREAM: observer-fed meters tagged by stream, none by shard; producer-wide meters untagged
            assertThat(producerMeters(perStream)).noneMatch(m -> hasTagKey(m, MeterNames.TAG_SHARD));
            assertThat(tagValues(perStream, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM)).containsExactlyInAnyOrder(a, b);
            assertThat(count(perStream, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, a)).isEqualTo(n);
            assertThat(count(perStream, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, b)).isEqualTo(n);
            assertThat(tagValues(perStream, MeterNames.REQUEST_TIME, MeterNames.TAG_STREAM)).containsExactlyInAnyOrder(a, b);
            assertThat(search(perStream, MeterNames.USER_RECORDS_RECEIVED).functionCounter().getId().getTag(MeterNames.TAG_STREAM))
                    .isNull();
            assertThat(search(perStream, MeterNames.SHARD_RATE_LIMIT_RECORDS).gauges()).isEmpty();

            // SHARD: per-record meters tagged by shard, matching where the records landed; request meters by stream only
            for (Map.Entry<String, Integer> e : byShardOfA.entrySet()) {
                assertThat(count(perShard, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, a, MeterNames.TAG_SHARD, e.getKey()))
                        .as("records put on %s", e.getKey()).isEqualTo(e.getValue().doubleValue());
                assertThat(timerCount(perShard, MeterNames.BUFFERING_TIME, MeterNames.TAG_STREAM, a, MeterNames.TAG_SHARD, e.getKey()))
                        .isEqualTo(e.getValue().longValue());
                assertThat(summaryCount(perShard, MeterNames.RETRIES_PER_RECORD, MeterNames.TAG_STREAM, a,
                        MeterNames.TAG_SHARD, e.getKey())).isEqualTo(e.getValue().longValue());
                // the limiter's ceiling: 1,000 records/s and 1 MiB/s times the default factor 1.0
                assertThat(gauge(perShard, MeterNames.SHARD_RATE_LIMIT_RECORDS, MeterNames.TAG_STREAM, a,
                        MeterNames.TAG_SHARD, e.getKey())).isEqualTo(1000.0);
                assertThat(gauge(perShard, MeterNames.SHARD_RATE_LIMIT_BYTES, MeterNames.TAG_STREAM, a,
                        MeterNames.TAG_SHARD, e.getKey())).isEqualTo(1024.0 * 1024.0);
            }
            List<String> shardsOfA = local.listShards(a).stream().map(Shard::shardId).toList();
            assertThat(tagValues(perShard, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_SHARD, MeterNames.TAG_STREAM, a))
                    .containsExactlyInAnyOrderElementsOf(byShardOfA.keySet())
                    .isSubsetOf(shardsOfA);
            assertThat(tagValues(perShard, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_SHARD, MeterNames.TAG_STREAM, b))
                    .containsExactly(onlyShardOfB);
            assertThat(count(perShard, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM, b, MeterNames.TAG_SHARD, onlyShardOfB))
                    .isEqualTo(n);
            assertThat(search(perShard, MeterNames.REQUEST_TIME).timers()).isNotEmpty()
                    .allMatch(t -> t.getId().getTag(MeterNames.TAG_STREAM) != null && t.getId().getTag(MeterNames.TAG_SHARD) == null);
            assertThat(search(perShard, MeterNames.KINESIS_RECORDS_PUT).counters())
                    .allMatch(c -> c.getId().getTag(MeterNames.TAG_SHARD) == null);

            // every granularity saw the same traffic
            for (SimpleMeterRegistry r : List.of(global, perStream, perShard)) {
                assertThat(count(r, MeterNames.KINESIS_RECORDS_PUT)).isEqualTo(count(global, MeterNames.KINESIS_RECORDS_PUT)).isPositive();
                assertThat(timerCount(r, MeterNames.REQUEST_TIME)).isEqualTo(producer.stats().putRecordsRequests());
            }
        }
    }

    @Test
    void closeRemovesEveryMeterAndStopsObserving() throws Exception {
        String stream = newStream(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (KinesisProducer producer = producer(stream)) {
            ProducerMetrics metrics = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.SHARD)
                    .commonTags(Tags.of("producer", "closing")).build();
            assertThat(metrics.isBound()).isFalse();
            metrics.bindTo(registry);
            send(producer, stream, 100, null);
            flush(producer);
            awaitRequestsObserved(registry, producer);
            Counter succeeded = search(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS).counter();
            assertThat(succeeded.count()).isEqualTo(100);
            int before = producerMeters(registry).size();
            assertThat(before).isGreaterThan(20);

            metrics.close();
            assertThat(metrics.isBound()).isFalse();
            assertThat(registry.getMeters()).isEmpty();

            // An observer added after close is called after the metrics' own, were it still registered: once it has seen
            // every request of the next batch, so would the metrics have.
            AtomicLong requestsSeen = new AtomicLong();
            long requestsBefore = producer.stats().putRecordsRequests();
            try (AutoCloseable witness = producer.addObserver(new ProducerObserver() {
                @Override
                public void requestCompleted(RequestOutcome outcome) {
                    requestsSeen.incrementAndGet();
                }
            })) {
                send(producer, stream, 100, null);
                flush(producer);
                await(WAIT, "an observer added after close saw every request since",
                        () -> requestsSeen.get() == producer.stats().putRecordsRequests() - requestsBefore);
            }
            assertThat(requestsSeen.get()).as("requests since close").isPositive();
            assertThat(registry.getMeters()).isEmpty();
            assertThat(succeeded.count()).as("a removed meter is no longer updated").isEqualTo(100);
            assertThat(producer.stats().userRecordsSucceeded()).isEqualTo(200);

            metrics.close(); // idempotent
            assertThatThrownBy(() -> metrics.bindTo(registry)).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void aProducerNobodyBoundGetsNoMeters() throws Exception {
        String boundStream = newStream(1);
        String unboundStream = newStream(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SimpleMeterRegistry neverBound = new SimpleMeterRegistry();
        try (KinesisProducer bound = producer(boundStream);
             KinesisProducer unbound = producer(unboundStream);
             ProducerMetrics metrics = ProducerMetrics.builder(bound).granularity(ProducerMetrics.Granularity.SHARD).bindTo(registry);
             ProducerMetrics unusedBinder = ProducerMetrics.of(unbound)) {
            send(bound, boundStream, 50, null);
            send(unbound, unboundStream, 50, null);
            flush(bound);
            flush(unbound);
            awaitRequestsObserved(registry, bound);
            assertThat(tagValues(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM)).containsExactly(boundStream);
            assertThat(producerMeters(registry)).noneMatch(m -> unboundStream.equals(m.getId().getTag(MeterNames.TAG_STREAM)));
            assertThat(tagValues(registry, MeterNames.BUFFERING_TIME, MeterNames.TAG_STREAM)).containsExactly(boundStream);
            assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).isEqualTo(50);
            assertThat(neverBound.getMeters()).isEmpty();
            assertThat(unusedBinder.isBound()).isFalse();
            assertThat(unbound.stats().userRecordsSucceeded()).isEqualTo(50);
        }
    }
}
