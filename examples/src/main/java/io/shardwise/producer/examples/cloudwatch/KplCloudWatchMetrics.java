package io.shardwise.producer.examples.cloudwatch;

import io.micrometer.cloudwatch2.CloudWatchConfig;
import io.micrometer.cloudwatch2.CloudWatchMeterRegistry;
import io.micrometer.cloudwatch2.CloudWatchNamingConvention;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.NamingConvention;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import io.shardwise.producer.KplProperties.MetricsGranularity;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.metrics.ProducerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClientBuilder;

/**
 * Publishes a producer's meters to CloudWatch the way the KPL did: under the KPL's namespace
 * ({@code MetricsNamespace}, default {@code KinesisProducerLibrary}), with the KPL's metric and
 * dimension names ({@link KplMeterFilter}), at the KPL's level, granularity and upload interval, so
 * dashboards and alarms built on the KPL's metrics keep working.
 *
 * <pre>{@code
 * KplProperties kpl = KplProperties.load(Path.of("kpl.properties"));
 * try (KinesisProducer producer = kpl.applyTo(KinesisProducer.builder()).build();
 *      CloudWatchAsyncClient cloudWatch = KplCloudWatchMetrics.clientBuilder(kpl).build();
 *      KplCloudWatchMetrics metrics = KplCloudWatchMetrics.publish(producer, kpl.metrics(), cloudWatch)) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Like the KPL, every metric is published at each granularity up to the configured one: with
 * {@code shard}, by StreamName and ShardId, again by StreamName, and again with no dimension. Each
 * granularity is one Micrometer {@link CloudWatchMeterRegistry} with its own {@link ProducerMetrics}
 * binding; the metrics each binding has no KPL level for (a request's time has no shard, records
 * pending are producer-wide) are published by the one granularity they have. AllErrors is counted
 * here, from the producer's request outcomes.
 *
 * <p>What differs from the KPL's own upload, because Micrometer's CloudWatch registry publishes plain
 * values rather than statistic sets:
 * <ul>
 *   <li>distributions (BufferingTime, RequestTime, RetriesPerRecord, the per-record and per-request
 *       counts) publish their mean as the KPL's name, so the Average statistic per upload interval is
 *       the KPL's; their maximum, sum and count go to {@code Name.max}, {@code Name.sum} and
 *       {@code Name.count};</li>
 *   <li>UserRecordsPut and KinesisRecordsPut count successes only (the KPL's Sum); the KPL's
 *       Average-as-success-rate is {@code UserRecordsPut / (UserRecordsPut + UserRecordsFailed)} in
 *       metric math;</li>
 *   <li>counters are published with the unit Count, the bytes ones too (the KPL: Bytes); queries and
 *       alarms that name no unit, as the console's, are unaffected.</li>
 * </ul>
 */
public final class KplCloudWatchMetrics implements AutoCloseable {
    private final List<CloudWatchMeterRegistry> registries = new ArrayList<>();
    private final List<ProducerMetrics> bindings = new ArrayList<>();
    private final AutoCloseable allErrors;

    private KplCloudWatchMetrics(KinesisProducer producer, KplProperties.Metrics settings, CloudWatchAsyncClient client,
                                 Clock clock, Tags dimensions) {
        Map<MetricsGranularity, CloudWatchMeterRegistry> byGranularity = new EnumMap<>(MetricsGranularity.class);
        if (settings.enabled()) {
            for (MetricsGranularity g : MetricsGranularity.values()) {
                if (g.compareTo(settings.granularity()) > 0) {
                    break;
                }
                CloudWatchMeterRegistry registry = new CloudWatchMeterRegistry(config(settings), clock, client);
                registry.config().namingConvention(new KplNamingConvention())
                        .meterFilter(KplMeterFilter.forDimensions(settings.level(), g));
                registries.add(registry);
                byGranularity.put(g, registry);
                bindings.add(ProducerMetrics.builder(producer)
                        .granularity(ProducerMetrics.Granularity.valueOf(g.name()))
                        .commonTags(dimensions)
                        .bindTo(registry));
            }
        }
        this.allErrors = byGranularity.isEmpty() ? () -> { } : producer.addObserver(new AllErrors(byGranularity, dimensions));
    }

    /**
     * @param producer the producer
     * @param settings the KPL's metrics settings ({@link KplProperties#metrics()})
     * @param client the CloudWatch client (not closed here)
     * @return the running publication; close it before the client
     */
    public static KplCloudWatchMetrics publish(KinesisProducer producer, KplProperties.Metrics settings,
                                               CloudWatchAsyncClient client) {
        return publish(producer, settings, client, Clock.SYSTEM, Tags.empty());
    }

    /**
     * @param producer the producer
     * @param settings the KPL's metrics settings ({@link KplProperties#metrics()})
     * @param client the CloudWatch client (not closed here)
     * @param clock the registries' clock
     * @param dimensions extra dimensions on every metric (the KPL's {@code addAdditionalMetricsDimension}),
     *     e.g. {@code Tags.of("Host", hostName)}
     * @return the running publication; close it before the client
     */
    public static KplCloudWatchMetrics publish(KinesisProducer producer, KplProperties.Metrics settings,
                                               CloudWatchAsyncClient client, Clock clock, Iterable<Tag> dimensions) {
        return new KplCloudWatchMetrics(Objects.requireNonNull(producer, "producer"), Objects.requireNonNull(settings,
                "settings"), Objects.requireNonNull(client, "client"), clock, Tags.of(dimensions));
    }

    /**
     * @param kpl the KPL properties
     * @return a CloudWatch client builder for its region and {@code CloudwatchEndpoint}
     */
    public static CloudWatchAsyncClientBuilder clientBuilder(KplProperties kpl) {
        CloudWatchAsyncClientBuilder b = CloudWatchAsyncClient.builder();
        kpl.region().ifPresent(b::region);
        if (kpl.metrics().cloudwatchEndpoint() != null) {
            b.endpointOverride(kpl.metrics().cloudwatchEndpoint());
        }
        return b;
    }

    /** @return one registry per published granularity, coarsest first (none with {@code MetricsLevel=none}) */
    public List<CloudWatchMeterRegistry> registries() {
        return List.copyOf(registries);
    }

    /** Publishes what the last interval holds, then stops publishing and removes the meters. */
    @Override
    public void close() {
        registries.forEach(CloudWatchMeterRegistry::close);
        bindings.forEach(ProducerMetrics::close);
        try {
            allErrors.close();
        } catch (Exception e) {
            throw new IllegalStateException("Could not unregister the AllErrors observer", e);
        }
    }

    private static CloudWatchConfig config(KplProperties.Metrics settings) {
        return new CloudWatchConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String namespace() {
                return settings.namespace();
            }

            @Override
            public Duration step() {
                return settings.uploadDelay();
            }
        };
    }

    /**
     * The CloudWatch registry names a counter's value {@code Name.count}, a gauge's {@code Name.value}
     * and a distribution's mean {@code Name.avg}: those go out as {@code Name}, the KPL's metric name.
     */
    static final class KplNamingConvention implements NamingConvention {
        private final NamingConvention cloudWatch = new CloudWatchNamingConvention();

        @Override
        public String name(String name, Meter.Type type, String baseUnit) {
            String suffix = switch (type) {
                case COUNTER -> ".count";
                case GAUGE -> ".value";
                case TIMER, DISTRIBUTION_SUMMARY -> ".avg";
                default -> null;
            };
            String n = suffix != null && name.endsWith(suffix) ? name.substring(0, name.length() - suffix.length()) : name;
            return cloudWatch.name(n, type, baseUnit);
        }

        @Override
        public String tagKey(String key) {
            return cloudWatch.tagKey(key);
        }

        @Override
        public String tagValue(String value) {
            return cloudWatch.tagValue(value);
        }
    }

    /** The KPL's AllErrors: Kinesis records whose attempt failed, whatever the code, globally and by stream. */
    private static final class AllErrors implements ProducerObserver {
        private final Map<MetricsGranularity, CloudWatchMeterRegistry> registries;
        private final Tags dimensions;
        private final Map<String, List<Counter>> byStream = new ConcurrentHashMap<>();

        AllErrors(Map<MetricsGranularity, CloudWatchMeterRegistry> registries, Tags dimensions) {
            this.registries = registries;
            this.dimensions = dimensions;
        }

        @Override
        public void requestCompleted(RequestOutcome o) {
            int failed = Math.min(o.failedEntries(), o.entries());
            if (failed > 0) {
                byStream.computeIfAbsent(o.stream(), this::counters).forEach(c -> c.increment(failed));
            }
        }

        /** The stream's counters: the global one (shared by all streams) and, with stream granularity, its own. */
        private List<Counter> counters(String stream) {
            List<Counter> counters = new ArrayList<>();
            CloudWatchMeterRegistry global = registries.get(MetricsGranularity.GLOBAL);
            counters.add(counter(global, dimensions));
            CloudWatchMeterRegistry byStream = registries.get(MetricsGranularity.STREAM);
            if (byStream != null) {
                counters.add(counter(byStream, dimensions.and(KplMeterFilter.STREAM_NAME, stream)));
            }
            return counters;
        }

        private static Counter counter(CloudWatchMeterRegistry registry, Tags tags) {
            return Counter.builder(KplMeterFilter.ALL_ERRORS).baseUnit("count").tags(tags)
                    .description("Kinesis records whose PutRecords attempt failed, all error codes").register(registry);
        }
    }
}
