package io.shardwise.producer.metrics;

import static io.shardwise.producer.metrics.MeterReads.await;
import static io.shardwise.producer.metrics.MeterReads.count;
import static io.shardwise.producer.metrics.MeterReads.gauge;
import static io.shardwise.producer.metrics.MeterReads.producerMeters;
import static io.shardwise.producer.metrics.MeterReads.search;
import static io.shardwise.producer.metrics.MeterReads.tagValues;
import static io.shardwise.producer.metrics.MeterReads.timerCount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.firehose.FirehoseProducer;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import io.shardwise.producer.firehose.FirehosePutResult;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@link ProducerMetrics} bound to a {@link FirehoseProducer} whose endpoint accepts connections and
 * never answers: every call times out, so the records are retried until their TTL and fail. That
 * drives the producer-wide meters and the observer's request, error and record paths without a
 * Firehose server.
 */
class FirehoseProducerMetricsTest {
    private static final String DELIVERY_STREAM = "clicks";

    /** Accepts TCP connections in its backlog and never reads or answers. */
    private ServerSocket silent;
    private final List<FirehoseProducer> producers = new ArrayList<>();

    @BeforeEach
    void silentEndpoint() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void close() throws IOException {
        producers.forEach(p -> p.close(Duration.ZERO));
        silent.close();
    }

    private FirehoseProducer producer(FirehoseProducerConfig config) {
        FirehoseProducer p = FirehoseProducer.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret")))
                .deliveryStreamName(DELIVERY_STREAM)
                .config(config)
                .build();
        producers.add(p);
        return p;
    }

    private FirehoseProducer producer() {
        return producer(FirehoseProducerConfig.defaults());
    }

    @Test
    void builderRefusesShardGranularityAndNull() {
        FirehoseProducer producer = producer();
        ProducerMetrics.Builder b = ProducerMetrics.builder(producer);
        assertThatThrownBy(() -> b.granularity(ProducerMetrics.Granularity.SHARD)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SHARD").hasMessageContaining("FirehoseProducer");
        assertThat(b.granularity(ProducerMetrics.Granularity.GLOBAL).build().granularity())
                .isEqualTo(ProducerMetrics.Granularity.GLOBAL);
        assertThatThrownBy(() -> ProducerMetrics.of((FirehoseProducer) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("producer");
        assertThat(ProducerMetrics.of(producer).granularity()).isEqualTo(ProducerMetrics.Granularity.STREAM);
    }

    @Test
    void bindingRegistersTheProducerWideMetersWithoutTheShardOnes() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProducerMetrics m = ProducerMetrics.builder(producer()).commonTags("producer", "firehose").bindTo(registry)) {
            Set<String> names = producerMeters(registry).stream().map(x -> x.getId().getName()).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrder(MeterNames.USER_RECORDS_RECEIVED, MeterNames.USER_RECORDS_PENDING,
                    MeterNames.USER_RECORDS_PENDING_BYTES, MeterNames.OLDEST_RECORD_AGE, MeterNames.RETRIES);
            assertThat(producerMeters(registry)).allMatch(x -> "firehose".equals(x.getId().getTag("producer")));
            assertThat(m.isBound()).isTrue();
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void histogramRangesFollowTheFirehoseConfig() {
        Map<String, DistributionStatisticConfig> configs = new ConcurrentHashMap<>();
        SimpleMeterRegistry registry = MeterReads.recording(configs);
        FirehoseProducerConfig config = FirehoseProducerConfig.builder().collectionMaxCount(200).packingEnabled(true)
                .packingMaxSize(64 * 1024).packingDelimiter("\r\n").requestTimeout(Duration.ofSeconds(2)).build();
        try (ProducerMetrics m = ProducerMetrics.builder(producer(config)).granularity(ProducerMetrics.Granularity.GLOBAL)
                .publishPercentileHistogram(true).bindTo(registry)) {
            assertThat(configs.get(MeterNames.KINESIS_RECORDS_PER_REQUEST).getMaximumExpectedValueAsDouble()).isEqualTo(200);
            // a packed record holds at most one user record per delimiter that fits in it
            assertThat(configs.get(MeterNames.USER_RECORDS_PER_KINESIS_RECORD).getMaximumExpectedValueAsDouble())
                    .isEqualTo(64 * 1024 / 2.0);
            assertThat(configs.get(MeterNames.REQUEST_TIME).getMaximumExpectedValueAsDouble())
                    .isEqualTo((double) Duration.ofSeconds(2).toNanos());
            assertThat(search(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS).gauges()).isEmpty();
        }
    }

    @Test
    void recordsThatTimeOutAreCountedUnderTheDeliveryStreamWithoutShardTags() throws Exception {
        FirehoseProducer producer = producer(FirehoseProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMillis(10))
                .requestTimeout(Duration.ofMillis(200))
                .retryBackoffBase(Duration.ofMillis(10))
                .retryBackoffMax(Duration.ofMillis(50))
                .recordTtl(Duration.ofSeconds(1))
                .build());
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProducerMetrics m = ProducerMetrics.of(producer)) {
            m.bindTo(registry);
            List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                futures.add(producer.addRecord(("{\"n\":" + i + "}\n").getBytes(StandardCharsets.UTF_8)));
            }
            assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).isEqualTo(5);
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isEqualTo(5);

            await(Duration.ofSeconds(20), "the records to expire", () -> futures.stream().allMatch(CompletableFuture::isDone));
            assertThat(futures).allSatisfy(f -> assertThatThrownBy(f::join).hasCauseInstanceOf(RecordExpiredException.class));

            String[] s = {MeterNames.TAG_STREAM, DELIVERY_STREAM};
            assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE,
                    MeterNames.TAG_REASON, "RecordExpiredException", MeterNames.TAG_STREAM, DELIVERY_STREAM)).isEqualTo(5);
            assertThat(count(registry, MeterNames.USER_RECORDS_EXPIRED, s)).isEqualTo(5);
            assertThat(timerCount(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE,
                    MeterNames.TAG_ERROR_CODE, "RequestTimeout", MeterNames.TAG_STREAM, DELIVERY_STREAM)).isPositive();
            assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, "RequestTimeout")).isGreaterThanOrEqualTo(1);
            assertThat(count(registry, MeterNames.RETRIES)).isPositive();
            assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT)).isZero();
            assertThat(gauge(registry, MeterNames.USER_RECORDS_PENDING)).isZero();

            assertThat(producerMeters(registry)).allMatch(x -> x.getId().getTag(MeterNames.TAG_SHARD) == null);
            assertThat(tagValues(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM)).containsExactly(DELIVERY_STREAM);
            assertThat(producerMeters(registry)).noneMatch(x -> x.getId().getName().startsWith(MeterNames.PREFIX + "shard."));
        }
        assertThat(registry.getMeters()).isEmpty();
    }
}
