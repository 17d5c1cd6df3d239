package io.shardwise.producer.metrics;

import static io.shardwise.producer.metrics.MeterReads.await;
import static io.shardwise.producer.metrics.MeterReads.count;
import static io.shardwise.producer.metrics.MeterReads.gauge;
import static io.shardwise.producer.metrics.MeterReads.summaryCount;
import static io.shardwise.producer.metrics.MeterReads.summaryTotal;
import static io.shardwise.producer.metrics.MeterReads.tagValues;
import static io.shardwise.producer.metrics.MeterReads.timerCount;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.testkit.FakeKinesis;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * {@link ProducerMetrics} against {@link FakeKinesis} with injected faults: throttled entries,
 * errors, retries and expired records counted by the meters match what the endpoint reports.
 * Aggregation is off so that one Kinesis record is one user record and the endpoint's entry counts
 * compare directly.
 */
class ProducerMetricsFaultInjectionTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String THROTTLED = "ProvisionedThroughputExceededException";

    private static ProducerConfig.Builder config() {
        return ProducerConfig.builder()
                .aggregationEnabled(false)
                .recordMaxBufferedTime(Duration.ofMillis(10))
                .retryBackoffBase(Duration.ofMillis(5))
                .retryBackoffMax(Duration.ofMillis(50))
                .unlimitedAttempts();
    }

    private static List<CompletableFuture<PutResult>> send(KinesisProducer producer, int n) {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            futures.add(producer.addUserRecord("key-" + i, ("payload-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return futures;
    }

    private static void awaitEveryRequestObserved(SimpleMeterRegistry registry, FakeKinesis kinesis) throws InterruptedException {
        await(WAIT, "request timer count == PutRecords requests the endpoint received",
                () -> timerCount(registry, MeterNames.REQUEST_TIME) == kinesis.counters().requests("PutRecords"));
    }

    @Test
    void throttledEntriesErrorsAndRetriesMatchTheEndpoint() throws Exception {
        int n = 3000;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 2).seed(7).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("orders")
                     // limiter off: this test counts faults, the hot-shard test below watches the limiter
                     .config(config().shardRateLimiting(false).build()).build()) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            try (ProducerMetrics metrics = ProducerMetrics.builder(producer).bindTo(registry)) {
                // a fifth of the entries throttled, then a tenth failing with InternalFailure
                kinesis.faults().entryFailureRate(0.2, THROTTLED, "Rate exceeded for shard");
                List<CompletableFuture<PutResult>> first = send(producer, n);
                producer.flush().get(1, TimeUnit.MINUTES);
                awaitEveryRequestObserved(registry, kinesis);
                FakeKinesis.Counters afterThrottling = kinesis.counters();

                kinesis.faults().entryFailureRate(0.1);
                List<CompletableFuture<PutResult>> second = send(producer, n);
                producer.flush().get(1, TimeUnit.MINUTES);
                awaitEveryRequestObserved(registry, kinesis);
                for (CompletableFuture<PutResult> f : first) {
                    f.get();
                }
                for (CompletableFuture<PutResult> f : second) {
                    f.get();
                }
                FakeKinesis.Counters c = kinesis.counters();
                String[] s = {MeterNames.TAG_STREAM, "orders"};

                long injectedThrottles = afterThrottling.entriesFailedByInjection();
                long injectedInternal = c.entriesFailedByInjection() - injectedThrottles;
                assertThat(injectedThrottles).isPositive();
                assertThat(injectedInternal).isPositive();
                assertThat(c.entriesThrottled()).isZero(); // limits off: every failure is an injected one

                // throttling and errors by code
                assertThat(count(registry, MeterNames.KINESIS_RECORDS_THROTTLED, s)).isEqualTo(injectedThrottles)
                        .isEqualTo(producer.stats().throttledEntries());
                assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, THROTTLED)).isEqualTo(injectedThrottles);
                assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, MeterNames.OTHER_ENTRY_ERROR))
                        .isEqualTo(injectedInternal);
                assertThat(count(registry, MeterNames.ERRORS)).isEqualTo(c.entriesFailedByInjection());

                // retries: every failed entry was one user record sent again
                long resent = c.entriesReceived() - c.entriesStored();
                assertThat(resent).isEqualTo(c.entriesFailedByInjection());
                assertThat(summaryTotal(registry, MeterNames.RETRIES_PER_RECORD, s)).isEqualTo(resent);
                assertThat(summaryCount(registry, MeterNames.RETRIES_PER_RECORD, s)).isEqualTo(2L * n);
                assertThat(count(registry, MeterNames.RETRIES)).isEqualTo(resent);

                // what was stored, and the requests
                assertThat(c.entriesStored()).isEqualTo(2L * n);
                assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT, s)).isEqualTo(c.entriesStored());
                assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS))
                        .isEqualTo(2.0 * n);
                assertThat(count(registry, MeterNames.USER_RECORDS_BYTES, s))
                        .as("partly failed requests are counted pro rata: close to, not exactly, the bytes stored")
                        .isCloseTo((double) c.bytesStored(), org.assertj.core.data.Percentage.withPercentage(5));
                assertThat(timerCount(registry, MeterNames.REQUEST_TIME)).isEqualTo(c.requests("PutRecords"));
                assertThat(summaryTotal(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isEqualTo(c.entriesReceived());
                assertThat(summaryCount(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(c.entriesReceived());
                assertThat(summaryTotal(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(c.entriesReceived());
                assertThat(metrics.isBound()).isTrue();
            }
        }
    }

    @Test
    void failedRequestsAreTimedByErrorCode() throws Exception {
        int n = 2000;
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 2).seed(11).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("orders")
                     .config(config().collectionMaxCount(50).build()).build();
             ProducerMetrics metrics = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.GLOBAL)
                     .bindTo(registry)) {
            kinesis.faults().serverErrorRate(0.3);
            List<CompletableFuture<PutResult>> futures = send(producer, n);
            producer.flush().get(1, TimeUnit.MINUTES);
            for (CompletableFuture<PutResult> f : futures) {
                f.get();
            }
            awaitEveryRequestObserved(registry, kinesis);
            FakeKinesis.Counters c = kinesis.counters();
            assertThat(c.requestsFailedByInjection()).isPositive();
            assertThat(timerCount(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE))
                    .isEqualTo(c.requestsFailedByInjection());
            assertThat(timerCount(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS))
                    .isEqualTo(c.requests("PutRecords") - c.requestsFailedByInjection());
            assertThat(tagValues(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_ERROR_CODE, MeterNames.TAG_RESULT,
                    MeterNames.RESULT_FAILURE)).hasSize(1).doesNotContain(MeterNames.NONE);
            String code = tagValues(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_ERROR_CODE, MeterNames.TAG_RESULT,
                    MeterNames.RESULT_FAILURE).iterator().next();
            // every entry of a failed request counts as an error with the request's code, and is retried
            assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, code)).isPositive()
                    .isEqualTo(count(registry, MeterNames.ERRORS));
            assertThat(summaryTotal(registry, MeterNames.RETRIES_PER_RECORD)).isEqualTo(count(registry, MeterNames.ERRORS));
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT)).isEqualTo(c.entriesStored()).isEqualTo(n);
        }
    }

    /** The first call of a new client (class loading, connection) can take longer than the short TTL below. */
    private static KinesisAsyncClient warm(KinesisAsyncClient client) throws Exception {
        client.listShards(b -> b.streamName("hot")).get(1, TimeUnit.MINUTES);
        return client;
    }

    @Test
    void expiredRecordsOnAHotShardAndItsRateLimitAtShardGranularity() throws Exception {
        int n = 200;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("hot", 1).seed(3).build().start();
             KinesisAsyncClient client = warm(kinesis.newClient());
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("hot")
                     .config(config().recordTtl(Duration.ofMillis(2000)).build()).build()) {
            // Warm up the producer too (its first ListShards), and wait until that request's outcome
            // has been delivered, so that it stays out of the meters.
            java.util.concurrent.CountDownLatch warmedUp = new java.util.concurrent.CountDownLatch(1);
            AutoCloseable witness = producer.addObserver(new io.shardwise.producer.ProducerObserver() {
                @Override
                public void requestCompleted(RequestOutcome outcome) {
                    warmedUp.countDown();
                }
            });
            producer.addUserRecord("warm-up", new byte[1]).get(1, TimeUnit.MINUTES);
            assertThat(warmedUp.await(30, TimeUnit.SECONDS)).isTrue();
            witness.close();
            kinesis.resetCounters();

            String shard = kinesis.shards("hot").get(0).shardId();
            kinesis.hotShard("hot", shard);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            // Every limit the shard's limiter announces: the lowest shows the cut whenever the gauge is read (the limiter
            // climbs back as time passes, so the gauge's value at the end depends on how long the test took).
            java.util.concurrent.atomic.DoubleAccumulator lowestLimit = new java.util.concurrent.atomic.DoubleAccumulator(Math::min,
                    Double.MAX_VALUE);
            java.util.Set<Double> announced = java.util.concurrent.ConcurrentHashMap.newKeySet();
            try (ProducerMetrics metrics = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.SHARD)
                    .bindTo(registry);
                 AutoCloseable limits = producer.addObserver(new io.shardwise.producer.ProducerObserver() {
                     @Override
                     public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
                         lowestLimit.accumulate(recordsPerSecond);
                         announced.add(recordsPerSecond);
                     }
                 })) {
                List<CompletableFuture<PutResult>> futures = send(producer, n);
                producer.flush().get(1, TimeUnit.MINUTES);
                long attempts = 0;
                long retries = 0;
                for (CompletableFuture<PutResult> f : futures) {
                    try {
                        f.get();
                        throw new AssertionError("a record on a hot shard was acknowledged");
                    } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(RecordExpiredException.class);
                        int a = ((RecordExpiredException) e.getCause()).attempts().size();
                        attempts += a;
                        retries += Math.max(0, a - 1);
                    }
                }
                awaitEveryRequestObserved(registry, kinesis);
                FakeKinesis.Counters c = kinesis.counters();
                String[] s = {MeterNames.TAG_STREAM, "hot"};

                assertThat(count(registry, MeterNames.USER_RECORDS_EXPIRED, s)).isEqualTo(n);
                assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).as("stats-backed: since the producer started")
                        .isEqualTo(n + 1);
                assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE,
                        MeterNames.TAG_REASON, "RecordExpiredException", MeterNames.TAG_SHARD, MeterNames.NONE)).isEqualTo(n);
                assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)).isZero();
                assertThat(c.entriesThrottled()).isPositive();
                assertThat(count(registry, MeterNames.KINESIS_RECORDS_THROTTLED, s)).isEqualTo(c.entriesThrottled());
                assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, THROTTLED)).isEqualTo(c.entriesThrottled());
                assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT, s)).isZero();
                assertThat(c.entriesStored()).isZero();
                // retries per record: every attempt but the first of each record (records that expired
                // unsent, waiting for the cut limiter, count zero); the attempts are what the endpoint received
                assertThat(attempts).isEqualTo(c.entriesReceived());
                assertThat(summaryTotal(registry, MeterNames.RETRIES_PER_RECORD, s)).isEqualTo(retries).isPositive();
                assertThat(summaryCount(registry, MeterNames.RETRIES_PER_RECORD, s)).isEqualTo(n);

                // the shard's limiter was cut below the 1,000 records/s ceiling, never below 5 % of it; its gauge shows
                // the limit it announced
                assertThat(lowestLimit.get()).as("lowest records/s limit announced for the hot shard").isLessThan(1000.0)
                        .isGreaterThanOrEqualTo(50.0);
                double records = gauge(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS, MeterNames.TAG_STREAM, "hot",
                        MeterNames.TAG_SHARD, shard);
                assertThat(records).as("the hot shard's records/s limit gauge: a limit the limiter announced").isIn(announced);
                double bytes = gauge(registry, MeterNames.SHARD_RATE_LIMIT_BYTES, MeterNames.TAG_STREAM, "hot",
                        MeterNames.TAG_SHARD, shard);
                assertThat(bytes / (1024.0 * 1024.0)).isCloseTo(records / 1000.0, org.assertj.core.data.Offset.offset(1e-9));
                assertThat(metrics.granularity()).isEqualTo(ProducerMetrics.Granularity.SHARD);
            }
        }
    }
}
