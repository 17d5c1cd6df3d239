package io.shardwise.producer.examples.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import io.shardwise.producer.KplProperties.MetricsGranularity;
import io.shardwise.producer.KplProperties.MetricsLevel;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.metrics.MeterNames;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The producer's meters as the KPL's CloudWatch metrics, checked on what would be sent to CloudWatch. */
class KplCloudWatchMetricsTest {

    /** A CloudWatch client that keeps the PutMetricData requests instead of sending them. */
    static final class CapturingCloudWatch implements CloudWatchAsyncClient {
        final List<PutMetricDataRequest> requests = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<PutMetricDataResponse> putMetricData(PutMetricDataRequest request) {
            requests.add(request);
            return CompletableFuture.completedFuture(PutMetricDataResponse.builder().build());
        }

        @Override
        public String serviceName() {
            return "monitoring";
        }

        @Override
        public void close() {
        }

        List<MetricDatum> data() {
            return requests.stream().flatMap(r -> r.metricData().stream()).toList();
        }
    }

    private static Set<String> dimensionNames(MetricDatum d) {
        return d.dimensions().stream().map(Dimension::name).collect(Collectors.toCollection(TreeSet::new));
    }

    private static double sum(List<MetricDatum> data, String name, Set<String> dimensions) {
        return data.stream().filter(d -> d.metricName().equals(name) && dimensionNames(d).equals(dimensions))
                .mapToDouble(MetricDatum::value).sum();
    }

    @Test
    void theFilterRenamesMetersTagsAndUnitsAsTheKpl() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(KplMeterFilter.of(MetricsLevel.DETAILED));
        Tags shard = Tags.of(MeterNames.TAG_STREAM, "orders", MeterNames.TAG_SHARD, "shardId-000000000001");
        Counter.builder(MeterNames.USER_RECORDS_PUT).baseUnit(MeterNames.UNIT_RECORDS).tags(shard)
                .tags(MeterNames.TAG_RESULT, "success", MeterNames.TAG_REASON, "none", MeterNames.TAG_ERROR_CODE, "none")
                .register(registry);
        Counter.builder(MeterNames.USER_RECORDS_PUT).baseUnit(MeterNames.UNIT_RECORDS).tags(shard)
                .tags(MeterNames.TAG_RESULT, "failure", MeterNames.TAG_REASON, "RecordExpiredException",
                        MeterNames.TAG_ERROR_CODE, "ProvisionedThroughputExceededException")
                .register(registry);
        Counter.builder(MeterNames.ERRORS).baseUnit(MeterNames.UNIT_RECORDS)
                .tags(MeterNames.TAG_STREAM, "orders", MeterNames.TAG_ERROR_CODE, "InternalFailure").register(registry);
        Timer.builder(MeterNames.REQUEST_TIME).tags(MeterNames.TAG_STREAM, "orders", MeterNames.TAG_RESULT, "success",
                MeterNames.TAG_ERROR_CODE, "none").register(registry).record(Duration.ofMillis(40));
        Timer.builder(MeterNames.REQUEST_TIME).tags(MeterNames.TAG_STREAM, "orders", MeterNames.TAG_RESULT, "failure",
                MeterNames.TAG_ERROR_CODE, "RequestTimeout").register(registry).record(Duration.ofMillis(60));
        DistributionSummary.builder(MeterNames.RETRIES_PER_RECORD).baseUnit(MeterNames.UNIT_RETRIES).tags(shard)
                .register(registry);
        Counter.builder(MeterNames.KINESIS_RECORDS_THROTTLED).tags(MeterNames.TAG_STREAM, "orders").register(registry);
        Counter.builder("http.server.requests").register(registry);

        Map<String, String> seen = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            seen.put(m.getId().getName() + m.getId().getTags(), m.getId().getBaseUnit());
        }
        assertThat(seen).containsOnlyKeys(
                "UserRecordsPut[tag(ShardId=shardId-000000000001), tag(StreamName=orders)]",
                "UserRecordsFailed[tag(ErrorCode=ProvisionedThroughputExceededException), tag(Reason=RecordExpiredException),"
                        + " tag(ShardId=shardId-000000000001), tag(StreamName=orders)]",
                "ErrorsByCode[tag(ErrorCode=InternalFailure), tag(StreamName=orders)]",
                "RequestTime[tag(StreamName=orders)]",        // successful and failed requests, one metric
                "RetriesPerRecord[tag(ShardId=shardId-000000000001), tag(StreamName=orders)]");
        assertThat(seen.get("RetriesPerRecord[tag(ShardId=shardId-000000000001), tag(StreamName=orders)]")).isEqualTo("count");
        assertThat(registry.get("RequestTime").timer().count()).isEqualTo(2);
    }

    @Test
    void theSummaryLevelKeepsTheKplsSummaryMetricsAndNoneKeepsNothing() {
        SimpleMeterRegistry summary = new SimpleMeterRegistry();
        summary.config().meterFilter(KplMeterFilter.of(MetricsLevel.SUMMARY));
        SimpleMeterRegistry none = new SimpleMeterRegistry();
        none.config().meterFilter(KplMeterFilter.of(MetricsLevel.NONE));
        for (MeterRegistry r : List.of(summary, none)) {
            for (String name : List.of(MeterNames.USER_RECORDS_PUT, MeterNames.KINESIS_RECORDS_PUT, MeterNames.ERRORS,
                    MeterNames.USER_RECORDS_BYTES, MeterNames.USER_RECORDS_RECEIVED)) {
                Counter.builder(name).register(r);
            }
            Timer.builder(MeterNames.BUFFERING_TIME).register(r);
            Timer.builder(MeterNames.REQUEST_TIME).register(r);
        }
        assertThat(summary.getMeters()).extracting(m -> m.getId().getName())
                .containsExactlyInAnyOrder("UserRecordsPut", "KinesisRecordsPut", "ErrorsByCode", "BufferingTime");
        assertThat(none.getMeters()).isEmpty();
    }

    @Test
    void publishesToCloudWatchUnderTheKplsNamespaceNamesDimensionsAndUnitsAtEveryGranularity() throws Exception {
        CapturingCloudWatch cloudWatch = new CapturingCloudWatch();
        KplProperties.Metrics settings = KplProperties.Metrics.defaults();   // detailed, shard, KinesisProducerLibrary
        int records = 60;
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 2).seed(5).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("orders")
                     .config(ProducerConfig.builder().recordMaxBufferedTime(Duration.ofMillis(5))
                             .retryBackoffBase(Duration.ofMillis(1)).retryBackoffMax(Duration.ofMillis(20)).build())
                     .build()) {
            KplCloudWatchMetrics metrics = KplCloudWatchMetrics.publish(producer, settings, cloudWatch, new MockClock(),
                    Tags.of("Host", "test-host"));
            assertThat(metrics.registries()).hasSize(3);
            kinesis.faults().entryFailureRate(0.3);     // some entries fail once or more, then succeed
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            for (int i = 0; i < records; i++) {
                futures.add(producer.addUserRecord("customer-" + i, ("{\"n\":" + i + "}").getBytes()));
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
            metrics.close();   // publishes the interval so far
        }

        assertThat(cloudWatch.requests).isNotEmpty()
                .allSatisfy(r -> assertThat(r.namespace()).isEqualTo("KinesisProducerLibrary"));
        List<MetricDatum> data = cloudWatch.data();
        Set<String> names = data.stream().map(MetricDatum::metricName).collect(Collectors.toCollection(TreeSet::new));
        assertThat(names).contains("UserRecordsReceived", "UserRecordsPending", "UserRecordsPut", "UserRecordsDataPut",
                "KinesisRecordsPut", "KinesisRecordsDataPut", "ErrorsByCode", "AllErrors", "RetriesPerRecord",
                "BufferingTime", "BufferingTime.max", "RequestTime", "UserRecordsPerKinesisRecord",
                "KinesisRecordsPerPutRecordsRequest", "UserRecordsPerPutRecordsRequest");
        assertThat(names).allMatch(n -> !n.startsWith("shardwise") && !n.endsWith(".value") && !n.endsWith(".avg"));

        // Every metric carries the extra dimension; UserRecordsPut at the three granularities, like the KPL.
        assertThat(data).allSatisfy(d -> assertThat(dimensionNames(d)).contains("Host"));
        Set<Set<String>> putDimensions = data.stream().filter(d -> d.metricName().equals("UserRecordsPut"))
                .map(KplCloudWatchMetricsTest::dimensionNames).collect(Collectors.toSet());
        assertThat(putDimensions).containsExactlyInAnyOrder(Set.of("Host"), Set.of("Host", "StreamName"),
                Set.of("Host", "StreamName", "ShardId"));
        assertThat(sum(data, "UserRecordsPut", Set.of("Host"))).isEqualTo(records);
        assertThat(sum(data, "UserRecordsPut", Set.of("Host", "StreamName"))).isEqualTo(records);
        assertThat(sum(data, "UserRecordsPut", Set.of("Host", "ShardId", "StreamName"))).isEqualTo(records);
        assertThat(data.stream().filter(d -> d.metricName().equals("ErrorsByCode")).map(KplCloudWatchMetricsTest::dimensionNames))
                .contains(Set.of("ErrorCode", "Host"), Set.of("ErrorCode", "Host", "StreamName"));
        double allErrors = sum(data, "AllErrors", Set.of("Host"));
        assertThat(allErrors).isPositive().isEqualTo(sum(data, "ErrorsByCode", Set.of("ErrorCode", "Host")));
        assertThat(sum(data, "AllErrors", Set.of("Host", "StreamName"))).isEqualTo(allErrors);
        // Producer-wide and request-level metrics have no shard, as in the KPL.
        assertThat(data).filteredOn(d -> Set.of("UserRecordsReceived", "RequestTime", "KinesisRecordsPerPutRecordsRequest")
                .contains(d.metricName())).allSatisfy(d -> assertThat(dimensionNames(d)).doesNotContain("ShardId"));

        Map<String, StandardUnit> units = new TreeMap<>();
        data.forEach(d -> units.put(d.metricName(), d.unit()));
        assertThat(units).containsEntry("UserRecordsPut", StandardUnit.COUNT)
                .containsEntry("UserRecordsPending", StandardUnit.COUNT)
                .containsEntry("BufferingTime", StandardUnit.MILLISECONDS)
                .containsEntry("BufferingTime.max", StandardUnit.MILLISECONDS)
                .containsEntry("RequestTime", StandardUnit.MILLISECONDS)
                .containsEntry("RetriesPerRecord", StandardUnit.COUNT)
                .containsEntry("UserRecordsPerKinesisRecord", StandardUnit.COUNT)
                .containsEntry("KinesisRecordsDataPut", StandardUnit.COUNT);   // Micrometer publishes counters as Count
    }

    @Test
    void theKplsNamespaceLevelAndGranularityComeFromTheProperties() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("MetricsNamespace", "orders-writer");
        p.setProperty("MetricsLevel", "summary");
        p.setProperty("MetricsGranularity", "stream");
        p.setProperty("MetricsUploadDelay", "10000");
        KplProperties kpl = KplProperties.parse(p);
        CapturingCloudWatch cloudWatch = new CapturingCloudWatch();
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 1).build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName("orders").build()) {
            KplCloudWatchMetrics metrics = KplCloudWatchMetrics.publish(producer, kpl.metrics(), cloudWatch,
                    new MockClock(), Tags.empty());
            assertThat(metrics.registries()).hasSize(2);
            assertThat(metrics.registries().get(0).config().namingConvention())
                    .isInstanceOf(KplCloudWatchMetrics.KplNamingConvention.class);
            producer.addUserRecord("k", new byte[] {1}).get(1, TimeUnit.MINUTES);
            metrics.close();
        }
        assertThat(cloudWatch.requests).allSatisfy(r -> assertThat(r.namespace()).isEqualTo("orders-writer"));
        assertThat(cloudWatch.data()).extracting(MetricDatum::metricName).isNotEmpty()
                .allMatch(n -> Set.of("UserRecordsPut", "KinesisRecordsPut", "BufferingTime", "BufferingTime.max",
                        "BufferingTime.sum", "BufferingTime.count").contains(n));
        assertThat(cloudWatch.data()).noneMatch(d -> dimensionNames(d).contains("ShardId"));

        KplProperties off = KplProperties.parse(new java.util.Properties() {{ setProperty("MetricsLevel", "none"); }});
        try (FakeKinesis kinesis = FakeKinesis.builder().build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).build();
             KplCloudWatchMetrics metrics = KplCloudWatchMetrics.publish(producer, off.metrics(), new CapturingCloudWatch())) {
            assertThat(metrics.registries()).isEmpty();
        }
    }
}
