package io.shardwise.producer.metrics;

import static io.shardwise.producer.metrics.MeterReads.count;
import static io.shardwise.producer.metrics.MeterReads.producerMeters;
import static io.shardwise.producer.metrics.MeterReads.search;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Building and binding: validation, what is registered at bind time, histogram settings. No traffic, no server. */
class ProducerMetricsBindingTest {
    private static KinesisAsyncClient client;
    private static KinesisProducer producer;

    @BeforeAll
    static void producer() {
        // never called: these tests send nothing
        client = KinesisAsyncClient.builder().endpointOverride(URI.create("http://127.0.0.1:9")).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret"))).build();
        producer = KinesisProducer.builder().kinesisClient(client).streamName("unused").build();
    }

    @AfterAll
    static void close() {
        producer.close();
        client.close();
    }

    @Test
    void defaults() {
        ProducerMetrics m = ProducerMetrics.of(producer);
        assertThat(m.granularity()).isEqualTo(ProducerMetrics.Granularity.STREAM);
        assertThat(m.commonTags()).isEqualTo(Tags.empty());
        assertThat(m.publishPercentileHistogram()).isFalse();
        assertThat(m.isBound()).isFalse();
    }

    @Test
    void builderRejectsBadValuesAtOnce() {
        assertThatThrownBy(() -> ProducerMetrics.of((KinesisProducer) null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("producer");
        ProducerMetrics.Builder b = ProducerMetrics.builder(producer);
        assertThatThrownBy(() -> b.granularity(null)).isInstanceOf(NullPointerException.class).hasMessageContaining("granularity");
        assertThatThrownBy(() -> b.commonTags((Iterable<io.micrometer.core.instrument.Tag>) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.commonTags("stream", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'stream'");
        assertThatThrownBy(() -> b.commonTags(Tags.of("error.code", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.commonTags("odd")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.percentiles(0.5, 1.5)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
        assertThatThrownBy(() -> b.percentiles(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.bindTo(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void bindsOnceOnly() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProducerMetrics m = ProducerMetrics.builder(producer).bindTo(registry)) {
            assertThat(m.isBound()).isTrue();
            assertThatThrownBy(() -> m.bindTo(registry)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already bound");
            assertThatThrownBy(() -> m.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void streamGranularityRegistersOnlyProducerWideMetersUntilAStreamIsSeen() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProducerMetrics m = ProducerMetrics.builder(producer).commonTags("producer", "p1").bindTo(registry)) {
            Set<String> names = producerMeters(registry).stream().map(x -> x.getId().getName()).collect(Collectors.toSet());
            assertThat(names).containsExactlyInAnyOrder(MeterNames.USER_RECORDS_RECEIVED, MeterNames.USER_RECORDS_PENDING,
                    MeterNames.USER_RECORDS_PENDING_BYTES, MeterNames.OLDEST_RECORD_AGE, MeterNames.RETRIES,
                    MeterNames.SHARD_MAP_REFRESHES, MeterNames.SHARD_PREDICTION_MISSES, MeterNames.SHARD_PREDICTION_FALLBACKS);
            assertThat(producerMeters(registry)).allMatch(x -> "p1".equals(x.getId().getTag("producer")));
            assertThat(search(registry, MeterNames.USER_RECORDS_RECEIVED).functionCounter()).isNotNull();
            assertThat(search(registry, MeterNames.OLDEST_RECORD_AGE).timeGauge()).isNotNull();
            assertThat(count(registry, MeterNames.USER_RECORDS_RECEIVED)).isZero();
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void globalGranularityRegistersItsObserverMetersAtBindTime() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProducerMetrics m = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.GLOBAL).bindTo(registry)) {
            assertThat(search(registry, MeterNames.USER_RECORDS_PUT).tag(MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)
                    .counter()).isNotNull();
            assertThat(search(registry, MeterNames.REQUEST_TIME).timer()).isNotNull();
            assertThat(search(registry, MeterNames.BUFFERING_TIME).timer()).isNotNull();
            assertThat(search(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD).summary()).isNotNull();
            assertThat(producerMeters(registry)).noneMatch(x -> x.getId().getTag(MeterNames.TAG_STREAM) != null);
            assertThat(producerMeters(registry)).extracting(x -> x.getId().getType())
                    .contains(Meter.Type.COUNTER, Meter.Type.TIMER, Meter.Type.DISTRIBUTION_SUMMARY, Meter.Type.GAUGE);
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void percentileHistogramsAndPercentilesAreConfigurable() {
        Map<String, DistributionStatisticConfig> plainConfigs = new ConcurrentHashMap<>();
        Map<String, DistributionStatisticConfig> histogramConfigs = new ConcurrentHashMap<>();
        SimpleMeterRegistry plain = MeterReads.recording(plainConfigs);
        SimpleMeterRegistry withHistograms = MeterReads.recording(histogramConfigs);
        try (ProducerMetrics a = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.GLOBAL).bindTo(plain);
             ProducerMetrics b = ProducerMetrics.builder(producer).granularity(ProducerMetrics.Granularity.GLOBAL)
                     .publishPercentileHistogram(true).percentiles(0.5, 0.99).bindTo(withHistograms)) {
            List<String> distributions = List.of(MeterNames.BUFFERING_TIME, MeterNames.DELIVERY_TIME, MeterNames.REQUEST_TIME,
                    MeterNames.RETRIES_PER_RECORD, MeterNames.USER_RECORDS_PER_KINESIS_RECORD,
                    MeterNames.KINESIS_RECORDS_PER_REQUEST, MeterNames.USER_RECORDS_PER_REQUEST);
            for (String name : distributions) {
                assertThat(plainConfigs.get(name).isPercentileHistogram()).as(name).isFalse();
                assertThat(plainConfigs.get(name).getPercentiles()).as(name).isNull();
                assertThat(histogramConfigs.get(name).isPercentileHistogram()).as(name).isTrue();
                assertThat(histogramConfigs.get(name).getPercentiles()).as(name).containsExactly(0.5, 0.99);
            }
            // the expected ranges bound the histogram: PutRecords carries at most 500 entries
            assertThat(histogramConfigs.get(MeterNames.KINESIS_RECORDS_PER_REQUEST).getMaximumExpectedValueAsDouble()).isEqualTo(500);
            assertThat(histogramConfigs.get(MeterNames.REQUEST_TIME).getMaximumExpectedValueAsDouble())
                    .isEqualTo((double) producer.config().requestTimeout().toNanos());

            Timer t = search(plain, MeterNames.BUFFERING_TIME).timer();
            t.record(java.time.Duration.ofMillis(5));
            assertThat(t.takeSnapshot().percentileValues()).isEmpty();
            Timer h = search(withHistograms, MeterNames.BUFFERING_TIME).timer();
            h.record(java.time.Duration.ofMillis(5));
            HistogramSnapshot snapshot = h.takeSnapshot();
            assertThat(snapshot.percentileValues()).hasSize(2);
            assertThat(b.publishPercentileHistogram()).isTrue();
            assertThat(a.publishPercentileHistogram()).isFalse();
        }
    }

    @Test
    void closingAnUnboundBinderMakesItUnusable() {
        ProducerMetrics m = ProducerMetrics.of(producer);
        m.close();
        assertThatThrownBy(() -> m.bindTo(new SimpleMeterRegistry())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}
