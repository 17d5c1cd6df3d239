package io.shardwise.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.firehose.FirehoseProducer;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import io.shardwise.producer.firehose.FirehosePutResult;
import io.shardwise.producer.metrics.MeterNames;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ByteArrayResource;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;

/**
 * The Firehose autoconfiguration: opt-in, from {@code shardwise.firehose.*}, next to (and
 * independent of) the Kinesis producer, with its metrics and health.
 */
class ShardwiseFirehoseAutoConfigurationTest {
    /** Kinesis off, so that each test starts (and closes) only the producer it is about. */
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ShardwiseProducerAutoConfiguration.class, ShardwiseFirehoseAutoConfiguration.class,
                    ShardwiseProducerMetricsAutoConfiguration.class, ShardwiseProducerHealthAutoConfiguration.class))
            // A producer-built client needs a region; nothing is sent to these endpoints.
            .withPropertyValues("shardwise.producer.enabled=false",
                    "shardwise.producer.region=us-east-1", "shardwise.producer.endpoint=http://127.0.0.1:9",
                    "shardwise.firehose.region=us-east-1", "shardwise.firehose.endpoint=http://127.0.0.1:9");
    private final ApplicationContextRunner enabled = runner.withPropertyValues("shardwise.firehose.enabled=true");
    private final ApplicationContextRunner both = enabled.withPropertyValues("shardwise.producer.enabled=true");

    @Test
    void notCreatedUnlessEnabled() {
        runner.withPropertyValues("shardwise.producer.enabled=true").run(context -> {
            assertThat(context).hasSingleBean(KinesisProducer.class).doesNotHaveBean(FirehoseProducer.class)
                    .doesNotHaveBean(FirehoseProducerConfig.class).hasSingleBean(HealthIndicator.class);
            assertThat(context).doesNotHaveBean("shardwiseFirehoseProducerShutdown");
        });
        runner.withPropertyValues("shardwise.firehose.enabled=false")
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FirehoseProducer.class));
    }

    @Test
    void enabledGivesAProducerWithTheDefaultConfigAHealthIndicatorAndAShutdownHook() {
        enabled.run(context -> {
            assertThat(context).hasSingleBean(FirehoseProducer.class).doesNotHaveBean(KinesisProducer.class)
                    .hasBean("shardwiseFirehoseProducerShutdown").hasBean("shardwiseFirehoseProducerHealthIndicator");
            assertThat(context.getBean(FirehoseProducerConfig.class)).usingRecursiveComparison()
                    .isEqualTo(FirehoseProducerConfig.defaults());
            assertThat(context.getBean(FirehoseProducer.class).config()).isSameAs(context.getBean(FirehoseProducerConfig.class));
        });
    }

    @Test
    void propertiesMapOntoTheConfig() {
        enabled.withPropertyValues(
                        "shardwise.firehose.record-max-buffered-time=20ms",
                        "shardwise.firehose.collection-max-count=250",
                        "shardwise.firehose.collection-max-size=2097152",
                        "shardwise.firehose.max-in-flight-requests=8",
                        "shardwise.firehose.request-timeout=3s",
                        "shardwise.firehose.record-ttl=2m",
                        "shardwise.firehose.max-attempts=5",
                        "shardwise.firehose.retry-backoff-base=50ms",
                        "shardwise.firehose.retry-backoff-max=2s",
                        "shardwise.firehose.max-outstanding-records=1000",
                        "shardwise.firehose.max-outstanding-bytes=33554432",
                        "shardwise.firehose.max-block-time=0s",
                        "shardwise.firehose.packing-enabled=true",
                        "shardwise.firehose.packing-max-size=65536")
                // as written in application.properties: the escapes make CR LF (a test property value would be trimmed)
                .withInitializer(propertiesFile("shardwise.firehose.packing-delimiter=\\r\\n"))
                .run(context -> {
                    FirehoseProducerConfig c = context.getBean(FirehoseProducer.class).config();
                    assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(20));
                    assertThat(c.collectionMaxCount()).isEqualTo(250);
                    assertThat(c.collectionMaxSize()).isEqualTo(2097152);
                    assertThat(c.maxInFlightRequests()).isEqualTo(8);
                    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
                    assertThat(c.recordTtl()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(c.maxAttempts()).hasValue(5);
                    assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofMillis(50));
                    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(2));
                    assertThat(c.maxOutstandingRecords()).isEqualTo(1000);
                    assertThat(c.maxOutstandingBytes()).isEqualTo(33554432);
                    assertThat(c.maxBlockTime()).isZero();
                    assertThat(c.packingEnabled()).isTrue();
                    assertThat(c.packingMaxSize()).isEqualTo(65536);
                    assertThat(c.packingDelimiter()).containsExactly('\r', '\n');
                });
    }

    @Test
    void anInvalidPropertyFailsTheContextNamingTheField() {
        enabled.withPropertyValues("shardwise.firehose.packing-max-size=10").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("packingMaxSize"));
        enabled.withPropertyValues("shardwise.firehose.packing-delimiter=").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("packingDelimiter"));
        enabled.withPropertyValues("shardwise.firehose.collection-max-size=5000000").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("collectionMaxSize"));
        enabled.withPropertyValues("shardwise.firehose.delivery-stream-name=").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("deliveryStreamName"));
    }

    @Test
    void aFirehoseClientBeanIsUsedForTheDeliveryStreamAndLeftOpen() {
        RecordingFirehoseClient client = new RecordingFirehoseClient();
        AtomicReference<FirehoseProducer> producer = new AtomicReference<>();
        // not closed by Spring either (an AutoCloseable bean would be), so that only the producer could close it
        enabled.withBean("myFirehoseClient", FirehoseAsyncClient.class, () -> client, definition -> definition.setDestroyMethodName(""))
                .withPropertyValues("shardwise.firehose.delivery-stream-name=clicks", "shardwise.firehose.packing-enabled=true",
                        "shardwise.firehose.record-max-buffered-time=1m")
                .run(context -> {
                    producer.set(context.getBean(FirehoseProducer.class));
                    CompletableFuture<FirehosePutResult> a = producer.get().addRecord(bytes("{\"a\":1}"));
                    CompletableFuture<FirehosePutResult> b = producer.get().addRecord(bytes("{\"b\":2}"));
                    producer.get().flush().get(10, TimeUnit.SECONDS);
                    assertThat(a.get().recordId()).isEqualTo(b.get().recordId()).isNotEmpty();
                    PutRecordBatchRequest sent = client.requests.get(0);
                    assertThat(sent.deliveryStreamName()).isEqualTo("clicks");
                    assertThat(sent.records().get(0).data().asUtf8String()).isEqualTo("{\"a\":1}\n{\"b\":2}\n");
                });
        assertThat(producer.get().isClosed()).isTrue();
        assertThat(client.closed).as("the producer leaves the application's client open").isFalse();
    }

    @Test
    void theContextCloseFlushesBufferedRecordsAndClosesTheProducer() throws Exception {
        RecordingFirehoseClient client = new RecordingFirehoseClient();
        AtomicReference<CompletableFuture<FirehosePutResult>> record = new AtomicReference<>();
        AtomicReference<FirehoseProducer> producer = new AtomicReference<>();
        enabled.withBean(FirehoseAsyncClient.class, () -> client)
                .withPropertyValues("shardwise.firehose.delivery-stream-name=clicks",
                        "shardwise.firehose.record-max-buffered-time=1m", "shardwise.firehose.shutdown-timeout=10s")
                .run(context -> {
                    producer.set(context.getBean(FirehoseProducer.class));
                    record.set(producer.get().addRecord(bytes("late")));
                    assertThat(client.requests).as("lingering").isEmpty();
                });
        assertThat(producer.get().isClosed()).isTrue();
        // flushed on close (had it been failed instead, this would throw ProducerClosedException)
        assertThat(record.get().get(10, TimeUnit.SECONDS).recordId()).isNotEmpty();
        assertThat(client.requests).hasSize(1);
    }

    @Test
    void theApplicationsOwnProducerWins() {
        enabled.withUserConfiguration(OwnProducer.class).run(context -> {
            assertThat(context).hasSingleBean(FirehoseProducer.class);
            assertThat(context.getBean(FirehoseProducer.class)).isSameAs(context.getBean("myFirehoseProducer"));
            assertThat(context.getBean(FirehoseProducer.class).config().collectionMaxCount()).isEqualTo(100);
        });
    }

    @Test
    void customizersAreAppliedAfterTheProperties() {
        AtomicReference<FirehoseProducer.Builder> seen = new AtomicReference<>();
        enabled.withPropertyValues("shardwise.firehose.collection-max-count=250")
                .withBean(FirehoseProducerCustomizer.class, () -> b -> {
                    seen.set(b);
                    b.config(FirehoseProducerConfig.builder().collectionMaxCount(7).build());
                })
                .run(context -> {
                    assertThat(seen.get()).isNotNull();
                    assertThat(context.getBean(FirehoseProducer.class).config().collectionMaxCount()).isEqualTo(7);
                });
    }

    @Test
    void coexistsWithTheKinesisProducerAndEachSwitchIsIndependent() {
        both.withPropertyValues("shardwise.producer.collection-max-count=300", "shardwise.firehose.collection-max-count=200")
                .run(context -> {
                    assertThat(context).hasSingleBean(KinesisProducer.class).hasSingleBean(FirehoseProducer.class)
                            .hasBean("shardwiseProducerShutdown").hasBean("shardwiseFirehoseProducerShutdown")
                            .hasBean("shardwiseProducerHealthIndicator").hasBean("shardwiseFirehoseProducerHealthIndicator");
                    assertThat(context.getBean(KinesisProducer.class).config().collectionMaxCount()).isEqualTo(300);
                    assertThat(context.getBean(FirehoseProducer.class).config().collectionMaxCount()).isEqualTo(200);
                    assertThat(context.getBean(ProducerConfig.class).collectionMaxCount()).isEqualTo(300);
                });
        both.withPropertyValues("shardwise.producer.enabled=false").run(context ->
                assertThat(context).hasSingleBean(FirehoseProducer.class).doesNotHaveBean(KinesisProducer.class));
    }

    @Test
    void withoutTheFirehoseSdkThereIsNoFirehoseProducer() {
        enabled.withPropertyValues("shardwise.producer.enabled=true")
                .withClassLoader(new FilteredClassLoader(FirehoseAsyncClient.class)).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KinesisProducer.class).doesNotHaveBean(FirehoseProducer.class);
                    assertThat(context).hasSingleBean(HealthIndicator.class);
                });
    }

    @Test
    void healthIsUpWhileRunningAndDownOnceClosed() {
        enabled.run(context -> {
            HealthIndicator health = context.getBean("shardwiseFirehoseProducerHealthIndicator", HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            context.getBean(FirehoseProducer.class).close(Duration.ZERO);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("reason", "closed");
        });
    }

    @Test
    void metricsAreBoundForTheFirehoseProducerAndRemovedOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        enabled.withBean(MeterRegistry.class, () -> registry).run(context -> {
            assertThat(context).hasBean("shardwiseFirehoseProducerMetrics").doesNotHaveBean("shardwiseProducerMetrics");
            assertThat(registry.find(MeterNames.USER_RECORDS_RECEIVED).functionCounters()).hasSize(1);
            assertThat(producerMeters(registry)).as("one producer: no producer tag")
                    .allMatch(m -> m.getId().getTag(ShardwiseProducerMetricsAutoConfiguration.PRODUCER_TAG) == null)
                    .noneMatch(m -> m.getId().getName().equals(MeterNames.SHARD_MAP_REFRESHES));
        });
        assertThat(producerMeters(registry)).isEmpty();
    }

    @Test
    void withBothProducersEachOnesMetersAreTaggedByKind() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        both.withBean(MeterRegistry.class, () -> registry).run(context -> {
            assertThat(context).hasBean("shardwiseProducerMetrics").hasBean("shardwiseFirehoseProducerMetrics");
            String tag = ShardwiseProducerMetricsAutoConfiguration.PRODUCER_TAG;
            assertThat(producerMeters(registry)).allMatch(m -> m.getId().getTag(tag) != null);
            assertThat(registry.find(MeterNames.USER_RECORDS_RECEIVED).tag(tag, ShardwiseProducerMetricsAutoConfiguration.KINESIS)
                    .functionCounters()).hasSize(1);
            assertThat(registry.find(MeterNames.USER_RECORDS_RECEIVED).tag(tag, ShardwiseProducerMetricsAutoConfiguration.FIREHOSE)
                    .functionCounters()).hasSize(1);
            assertThat(registry.find(MeterNames.SHARD_MAP_REFRESHES).tag(tag, ShardwiseProducerMetricsAutoConfiguration.FIREHOSE)
                    .meters()).isEmpty();
        });
        assertThat(producerMeters(registry)).isEmpty();
    }

    @Test
    void theApplicationsOwnFirehoseProducerGetsMetricsAndHealthWithoutTheSwitch() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withUserConfiguration(OwnProducer.class).withBean(MeterRegistry.class, () -> registry).run(context -> {
            assertThat(context).hasNotFailed().hasBean("shardwiseFirehoseProducerMetrics")
                    .hasBean("shardwiseFirehoseProducerHealthIndicator").doesNotHaveBean("shardwiseFirehoseProducerShutdown");
            assertThat(registry.find(MeterNames.USER_RECORDS_RECEIVED).functionCounters()).hasSize(1);
        });
    }

    private static List<Meter> producerMeters(MeterRegistry registry) {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith(MeterNames.PREFIX)).toList();
    }

    /** @return an initializer adding these lines as an {@code application.properties} file would, escapes included */
    private static ApplicationContextInitializer<ConfigurableApplicationContext> propertiesFile(String lines) {
        return context -> {
            try {
                new PropertiesPropertySourceLoader().load("test.properties", new ByteArrayResource(bytes(lines)))
                        .forEach(source -> context.getEnvironment().getPropertySources().addFirst(source));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnProducer {
        @Bean(destroyMethod = "close")
        FirehoseProducer myFirehoseProducer() {
            return FirehoseProducer.builder()
                    .region(Region.US_EAST_1)
                    .endpointOverride(URI.create("http://127.0.0.1:9"))
                    .config(FirehoseProducerConfig.builder().collectionMaxCount(100).build())
                    .build();
        }
    }

    /** A Firehose client answering every PutRecordBatch with success, remembering the requests and whether it was closed. */
    static final class RecordingFirehoseClient implements FirehoseAsyncClient {
        final List<PutRecordBatchRequest> requests = new CopyOnWriteArrayList<>();
        volatile boolean closed;

        @Override
        public CompletableFuture<PutRecordBatchResponse> putRecordBatch(PutRecordBatchRequest request) {
            requests.add(request);
            List<PutRecordBatchResponseEntry> entries = IntStream.range(0, request.records().size())
                    .mapToObj(i -> PutRecordBatchResponseEntry.builder().recordId("id-" + requests.size() + "-" + i).build())
                    .toList();
            return CompletableFuture.completedFuture(PutRecordBatchResponse.builder().failedPutCount(0).requestResponses(entries).build());
        }

        @Override
        public String serviceName() {
            return SERVICE_NAME;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
