package io.shardwise.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.metrics.ProducerMetrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The autoconfiguration in application contexts, with and without Micrometer and Actuator. */
class ShardwiseProducerAutoConfigurationTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ShardwiseProducerAutoConfiguration.class,
                    ShardwiseProducerMetricsAutoConfiguration.class, ShardwiseProducerHealthAutoConfiguration.class))
            // A producer-built client needs a region; nothing is sent in these tests.
            .withPropertyValues("shardwise.producer.region=us-east-1", "shardwise.producer.endpoint=http://127.0.0.1:9");

    @Test
    void defaultsGiveAProducerWithTheDefaultConfigAndAHealthIndicator() {
        runner.run(context -> {
            assertThat(context).hasSingleBean(KinesisProducer.class).hasSingleBean(HealthIndicator.class);
            assertThat(context.getBean(ProducerConfig.class)).usingRecursiveComparison().isEqualTo(ProducerConfig.defaults());
            assertThat(context).doesNotHaveBean(ShardwiseProducerMetricsAutoConfiguration.ShardwiseMetricsBinding.class);
        });
    }

    @Test
    void propertiesMapOntoTheConfig() {
        runner.withPropertyValues(
                        "shardwise.producer.stream-name=orders",
                        "shardwise.producer.record-max-buffered-time=20ms",
                        "shardwise.producer.collection-max-count=250",
                        "shardwise.producer.max-attempts=5",
                        "shardwise.producer.record-ttl=2m",
                        "shardwise.producer.aggregation-enabled=false",
                        "shardwise.producer.aggregation-max-size=10000",
                        "shardwise.producer.aggregation-max-user-record-size=2048",
                        "shardwise.producer.shard-rate-limit-factor=1.5",
                        "shardwise.producer.max-outstanding-records=1000",
                        "shardwise.producer.max-block-time=0s",
                        "shardwise.producer.ordering=key-strict",
                        "shardwise.producer.fail-if-throttled=true")
                .run(context -> {
                    ProducerConfig c = context.getBean(KinesisProducer.class).config();
                    assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(20));
                    assertThat(c.collectionMaxCount()).isEqualTo(250);
                    assertThat(c.maxAttempts()).hasValue(5);
                    assertThat(c.recordTtl()).isEqualTo(Duration.ofMinutes(2));
                    assertThat(c.aggregationEnabled()).isFalse();
                    assertThat(c.aggregationMaxSize()).isEqualTo(10000);
                    assertThat(c.aggregationMaxUserRecordSize()).isEqualTo(2048);
                    assertThat(c.shardRateLimitFactor()).isEqualTo(1.5);
                    assertThat(c.maxOutstandingRecords()).isEqualTo(1000);
                    assertThat(c.maxBlockTime()).isZero();
                    assertThat(c.ordering()).isEqualTo(io.shardwise.producer.Ordering.KEY_STRICT);
                    assertThat(c.failIfThrottled()).isTrue();
                });
    }

    @Test
    void aKplPropertiesFileIsAppliedFirstAndExplicitPropertiesOverrideIt() {
        runner.withPropertyValues(
                        "shardwise.producer.kpl-properties-file=classpath:kpl-test.properties",
                        "shardwise.producer.collection-max-count=250",
                        "shardwise.producer.fail-if-throttled=false")
                .run(context -> {
                    assertThat(context).hasSingleBean(KplProperties.class);
                    ProducerConfig c = context.getBean(KinesisProducer.class).config();
                    assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));   // file
                    assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(15));              // file
                    assertThat(c.aggregationEnabled()).isFalse();                              // file
                    assertThat(c.shardRateLimitFactor()).isEqualTo(0.9);                       // file: RateLimit=90
                    assertThat(c.collectionMaxCount()).isEqualTo(250);                         // property over file's 100
                    assertThat(c.failIfThrottled()).isFalse();                                 // property over file's true
                    assertThat(c.maxAttempts()).isEmpty();                                     // neither: the default
                    assertThat(context.getBean(KplProperties.class).report()).extracting(KplProperties.Entry::key)
                            .contains("RecordMaxBufferedTime", "CollectionMaxCount", "FailIfThrottled", "ThreadingModel");
                });
    }

    @Test
    void withoutExplicitPropertiesTheKplFileDecides(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "CollectionMaxCount = 100\nFailIfThrottled = true\nMaxConnections = 12\n");
        runner.withPropertyValues("shardwise.producer.kpl-properties-file=" + file.toUri()).run(context -> {
            ProducerConfig c = context.getBean(KinesisProducer.class).config();
            assertThat(c.collectionMaxCount()).isEqualTo(100);
            assertThat(c.failIfThrottled()).isTrue();
            assertThat(c.maxInFlightRequests()).isEqualTo(12);
            assertThat(c.recordTtl()).isEqualTo(ProducerConfig.defaults().recordTtl());
        });
    }

    @Test
    void aKplFileWithAnUnknownKeyOrAnUnusableValueFailsTheContextNamingIt(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "RecordTTL = 1000\nVerifyCertificate = false\n");
        runner.withPropertyValues("shardwise.producer.kpl-properties-file=" + file.toUri()).run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                    .hasMessageContaining("RecordTTL=1000: unknown key (did you mean RecordTtl?)")
                    .hasMessageContaining("VerifyCertificate=false: Shardwise never turns certificate checks off");
        });
        runner.withPropertyValues("shardwise.producer.kpl-properties-file=" + dir.resolve("missing.properties").toUri())
                .run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("missing.properties"));
    }

    @Test
    void aProxyInTheKplFileNeedsAClientBean(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "ProxyHost = proxy.internal\nProxyPort = 3128\n");
        runner.withPropertyValues("shardwise.producer.kpl-properties-file=" + file.toUri()).run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("ProxyHost").hasMessageContaining("kpl.kinesisClientBuilder().build()"));
        runner.withPropertyValues("shardwise.producer.kpl-properties-file=" + file.toUri())
                .withUserConfiguration(ProxyClient.class)
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(KinesisProducer.class));
    }

    @Configuration(proxyBeanMethods = false)
    static class ProxyClient {
        @Bean(destroyMethod = "close")
        KinesisAsyncClient kinesisClient(KplProperties kpl) {
            return kpl.kinesisClientBuilder().region(Region.US_EAST_1).build();
        }
    }

    @Test
    void anInvalidPropertyFailsTheContextNamingTheField() {
        runner.withPropertyValues("shardwise.producer.collection-max-count=501").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("collectionMaxCount"));
    }

    @Test
    void theReplacedPreserveShardOrderPropertyFailsTheContextNamingItsReplacement() {
        runner.withPropertyValues("shardwise.producer.preserve-shard-order=false").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("shardwise.producer.preserve-shard-order was replaced by shardwise.producer.ordering"));
    }

    @Test
    void disabledByProperty() {
        runner.withPropertyValues("shardwise.producer.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(KinesisProducer.class).doesNotHaveBean(HealthIndicator.class));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        runner.withUserConfiguration(OwnBeans.class).run(context -> {
            assertThat(context).hasSingleBean(KinesisProducer.class);
            assertThat(context.getBean(KinesisProducer.class)).isSameAs(context.getBean("myProducer"));
            assertThat(context.getBean(KinesisProducer.class).config().collectionMaxCount()).isEqualTo(100);
        });
    }

    @Test
    void theApplicationsOwnProducerGetsAHealthIndicatorEvenWithTheAutoconfiguredOneDisabled() {
        runner.withPropertyValues("shardwise.producer.enabled=false", "shardwise.producer.health-max-oldest-record-age=5m")
                .withUserConfiguration(OwnBeans.class).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(KinesisProducer.class).hasSingleBean(HealthIndicator.class);
                    assertThat(context.getBean(ShardwiseProducerProperties.class).getHealthMaxOldestRecordAge())
                            .isEqualTo(Duration.ofMinutes(5));
                });
    }

    @Test
    void customizersAreApplied() {
        AtomicReference<KinesisProducer.Builder> seen = new AtomicReference<>();
        runner.withBean(ProducerCustomizer.class, () -> b -> {
            seen.set(b);
            b.config(ProducerConfig.builder().collectionMaxCount(7).build());
        }).run(context -> {
            assertThat(seen.get()).isNotNull();
            assertThat(context.getBean(KinesisProducer.class).config().collectionMaxCount()).isEqualTo(7);
        });
    }

    @Test
    void metricsAreBoundWhenARegistryExistsAndRemovedOnClose() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        runner.withBean(MeterRegistry.class, () -> registry).run(context -> {
            assertThat(context).hasSingleBean(ShardwiseProducerMetricsAutoConfiguration.ShardwiseMetricsBinding.class);
            assertThat(registry.getMeters()).anyMatch(m -> m.getId().getName().startsWith("shardwise.producer."));
        });
        assertThat(registry.getMeters()).noneMatch(m -> m.getId().getName().startsWith("shardwise.producer."));
    }

    @Test
    void withoutMicrometerOnTheClasspathTheProducerStillStarts() {
        runner.withClassLoader(new FilteredClassLoader(MeterRegistry.class, ProducerMetrics.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KinesisProducer.class);
            assertThat(context).doesNotHaveBean(ShardwiseProducerMetricsAutoConfiguration.ShardwiseMetricsBinding.class);
        });
    }

    @Test
    void withoutActuatorOnTheClasspathThereIsNoHealthIndicator() {
        runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class)).run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(KinesisProducer.class);
            assertThat(context).doesNotHaveBean(HealthIndicator.class);
        });
    }

    @Test
    void healthIsUpWhileRunningAndDownOnceClosedAndTheContextCloseClosesTheProducer() {
        AtomicReference<KinesisProducer> producer = new AtomicReference<>();
        runner.run(context -> {
            producer.set(context.getBean(KinesisProducer.class));
            HealthIndicator health = context.getBean(HealthIndicator.class);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(producer.get().isClosed()).isFalse();
        });
        assertThat(producer.get().isClosed()).as("closed with the context").isTrue();
        runner.run(context -> {
            context.getBean(KinesisProducer.class).close(Duration.ZERO);
            assertThat(context.getBean(HealthIndicator.class).health().getStatus()).isEqualTo(Status.DOWN);
        });
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnBeans {
        @Bean(destroyMethod = "close")
        KinesisProducer myProducer() {
            return KinesisProducer.builder()
                    .region(software.amazon.awssdk.regions.Region.US_EAST_1)
                    .endpointOverride(java.net.URI.create("http://127.0.0.1:9"))
                    .config(ProducerConfig.builder().collectionMaxCount(100).build())
                    .build();
        }
    }
}
