package io.shardwise.producer;

import io.shardwise.producer.config.Option;
import io.shardwise.producer.config.Options;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.ProxyConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClientBuilder;

/**
 * A KPL (Kinesis Producer Library 1.x) properties file, read as Shardwise configuration: the same
 * {@code default_config.properties} keys, spelled as the KPL spells them ({@code RecordTtl},
 * {@code AggregationMaxSize}, {@code RateLimit} ...), so an application moves over without
 * rewriting its configuration.
 *
 * <pre>{@code
 * KplProperties kpl = KplProperties.load(Path.of("kpl.properties"));
 * kpl.report().forEach(e -> log.info("{}", e));            // what became of every key, and why
 * try (KinesisProducer producer = kpl.applyTo(KinesisProducer.builder()).streamName("orders").build()) {
 *     ...
 * }
 * }</pre>
 *
 * <p>Every key the KPL's {@code KinesisProducerConfiguration} takes from a properties file is known,
 * and every key present ends in one of three {@link Outcome}s, listed by {@link #report()}:
 * <ul>
 *   <li>{@link Outcome#MAPPED}: honoured, by a {@link ProducerConfig} option ({@link #producerConfig()}),
 *       a {@link KinesisProducer.Builder} setting (region, endpoint: {@link #applyTo(KinesisProducer.Builder)}),
 *       an HTTP client setting ({@link #kinesisClientBuilder()}) or a metrics setting ({@link #metrics()});</li>
 *   <li>{@link Outcome#NOT_NEEDED}: nothing to do, with the reason (mostly options of the KPL's native
 *       daemon, which Shardwise does not have);</li>
 *   <li>{@link Outcome#REJECTED}: a value Shardwise cannot honour (say, {@code VerifyCertificate=false})
 *       or that is invalid, with what to do instead. {@link #parse(Properties)} then throws.</li>
 * </ul>
 * Nothing is ignored silently: an unknown key (a typo, or a KPL 0.x name) is rejected too, naming the
 * key and the closest known one. Keys that are absent keep Shardwise's defaults, which differ from
 * the KPL's in places (see {@code docs/migrating-from-kpl.md}). Values are trimmed; booleans must be
 * {@code true} or {@code false}.
 *
 * <p>Where both a KPL range and a Shardwise range apply, the value must lie in both: an invalid value
 * throws {@link IllegalArgumentException} naming the key, the value and the allowed range.
 *
 * <p>Immutable and thread-safe.
 *
 * <p>Long because (why this class is long): most of it is the table of the KPL's 50-odd keys (the static block of
 * {@code rule(...)} calls), one entry per key with its check and the reason shown in {@link #report()};
 * the reasons are the migration documentation users see, so they stay next to the key they explain.
 * Keys that set a Shardwise option name its declaration ({@link Options}), whose range applies on
 * top of the KPL's.
 */
public final class KplProperties {

    /** What became of a key. */
    public enum Outcome {
        /** Honoured by a Shardwise setting, named in {@link Entry#target()}. */
        MAPPED,
        /** Shardwise needs nothing for it; {@link Entry#reason()} says why. */
        NOT_NEEDED,
        /** Cannot be honoured or is invalid; {@link Entry#reason()} says why and what to do instead. */
        REJECTED
    }

    /**
     * What became of one key of the properties.
     *
     * @param key the key, as spelled in the properties
     * @param value its value, trimmed (secrets such as {@code ProxyPassword} shown as {@code ****})
     * @param outcome mapped, not needed or rejected
     * @param target the Shardwise setting it maps to and the value it gets; empty unless {@link Outcome#MAPPED}
     * @param reason why, in a sentence or two
     */
    public record Entry(String key, String value, Outcome outcome, String target, String reason) {
        /** @throws NullPointerException if any component is null */
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(outcome, "outcome");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public String toString() {
            return key + "=" + value + ": " + outcome + (target.isEmpty() ? "" : " -> " + target) + " (" + reason + ")";
        }
    }

    /** The KPL's {@code MetricsLevel}: how many metrics are published. */
    public enum MetricsLevel {
        /** No metrics. */
        NONE,
        /** UserRecordsPut, KinesisRecordsPut, ErrorsByCode, AllErrors, BufferingTime (and UserRecordExpired). */
        SUMMARY,
        /** Every metric (the KPL's default). */
        DETAILED
    }

    /** The KPL's {@code MetricsGranularity}; the names match {@code ProducerMetrics.Granularity}. */
    public enum MetricsGranularity {
        /** No stream or shard dimension. */
        GLOBAL,
        /** By stream. */
        STREAM,
        /** By stream and shard (the KPL's default). */
        SHARD
    }

    /**
     * The KPL's metrics options, for publishing the producer's meters to CloudWatch the way the KPL
     * did (see {@code KplCloudWatchMetrics} in the examples): namespace, level, granularity, upload
     * interval and endpoint. Defaults are the KPL's.
     *
     * @param level how many metrics ({@code MetricsLevel}; default {@link MetricsLevel#DETAILED})
     * @param granularity which dimensions ({@code MetricsGranularity}; default {@link MetricsGranularity#SHARD})
     * @param namespace the CloudWatch namespace ({@code MetricsNamespace}; default {@value #DEFAULT_NAMESPACE})
     * @param uploadDelay how often metrics are uploaded ({@code MetricsUploadDelay}; default 60 s): the
     *     step of a Micrometer CloudWatch registry
     * @param cloudwatchEndpoint the CloudWatch endpoint ({@code CloudwatchEndpoint}, {@code CloudwatchPort}),
     *     or {@code null} for the region's
     */
    public record Metrics(MetricsLevel level, MetricsGranularity granularity, String namespace, Duration uploadDelay,
                          URI cloudwatchEndpoint) {
        /** The KPL's default namespace. */
        public static final String DEFAULT_NAMESPACE = "KinesisProducerLibrary";

        /** @throws NullPointerException if a component other than the endpoint is null */
        public Metrics {
            Objects.requireNonNull(level, "level");
            Objects.requireNonNull(granularity, "granularity");
            Objects.requireNonNull(namespace, "namespace");
            Objects.requireNonNull(uploadDelay, "uploadDelay");
        }

        /** @return the KPL's defaults: detailed, by shard, {@value #DEFAULT_NAMESPACE}, every 60 s */
        public static Metrics defaults() {
            return new Metrics(MetricsLevel.DETAILED, MetricsGranularity.SHARD, DEFAULT_NAMESPACE, Duration.ofMinutes(1), null);
        }

        /** @return whether any metric is published ({@code MetricsLevel} is not {@code none}) */
        public boolean enabled() {
            return level != MetricsLevel.NONE;
        }
    }

    private static final Pattern HOST = Pattern.compile("^([A-Za-z0-9-\\.]+)?$");
    private static final Pattern REGION = Pattern.compile("^([a-z]+-([a-z]+-)?[a-z]+-[0-9])?$");
    private static final Pattern NAMESPACE = Pattern.compile("(?!AWS/).{1,255}");
    private static final long ONE_DAY_MS = Duration.ofDays(1).toMillis();
    /** Shardwise's largest aggregationMaxCount; more records than this never fit in one aggregate anyway. */
    private static final int MAX_AGGREGATION_COUNT = 1_000_000;
    private static final String NO_DAEMON = "Shardwise runs in your JVM, with no native daemon: ";
    private static final String CODE_ONLY = "the KPL takes this only in code (its setter takes an object), so in a"
            + " properties file it never had an effect; remove it and ";

    /** Every key the KPL's properties file may hold, in the KPL's order, with what Shardwise does with it. */
    private static final Map<String, Rule> RULES = new LinkedHashMap<>();
    /** KPL 0.x names, with what to write instead. */
    private static final Map<String, String> LEGACY = Map.of(
            "AwsAccessKeyId", "a KPL 0.x key: keep credentials out of the file; Shardwise uses the SDK's default credentials"
                    + " chain, or KinesisProducer.builder().credentialsProvider(...)",
            "AwsSecretKey", "a KPL 0.x key: keep credentials out of the file; Shardwise uses the SDK's default credentials"
                    + " chain, or KinesisProducer.builder().credentialsProvider(...)",
            "CustomEndpoint", "the KPL 0.x name of KinesisEndpoint",
            "Port", "the KPL 0.x name of KinesisPort");

    private final ProducerConfig producerConfig;
    private final Region region;
    private final URI endpointOverride;
    private final Duration connectTimeout;
    private final ProxyConfiguration proxy;
    private final Metrics metrics;
    private final List<Entry> report;

    private KplProperties(Parse p) {
        this.producerConfig = p.config.build();
        this.region = p.region;
        this.endpointOverride = p.endpointOverride;
        this.connectTimeout = p.connectTimeout;
        this.proxy = p.proxy;
        this.metrics = new Metrics(p.level, p.granularity, p.namespace, p.uploadDelay, p.cloudwatchEndpoint);
        this.report = List.copyOf(p.entries);
    }

    /**
     * Reads KPL properties.
     *
     * @param properties KPL properties (keys as in the KPL's {@code default_config.properties})
     * @return the Shardwise settings they describe
     * @throws IllegalArgumentException if a key is unknown, a value is invalid or cannot be honoured:
     *     the message names every such key with its value and the allowed range or what to do instead
     */
    public static KplProperties parse(Properties properties) {
        Parse p = new Parse(properties);
        List<Entry> rejected = p.entries.stream().filter(e -> e.outcome() == Outcome.REJECTED).toList();
        if (!rejected.isEmpty()) {
            StringBuilder m = new StringBuilder("KPL properties: ").append(rejected.size())
                    .append(rejected.size() == 1 ? " key cannot be used" : " keys cannot be used");
            for (Entry e : rejected) {
                m.append("\n  ").append(e.key()).append('=').append(e.value()).append(": ").append(e.reason());
            }
            throw new IllegalArgumentException(m.toString());
        }
        return new KplProperties(p);
    }

    /**
     * Reads a KPL properties file (ISO-8859-1, as {@link Properties#load(InputStream)} and the KPL read it).
     *
     * @param file the file
     * @return the Shardwise settings it describes
     * @throws UncheckedIOException if the file cannot be read
     * @throws IllegalArgumentException as {@link #parse(Properties)}
     */
    public static KplProperties load(Path file) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read KPL properties from " + file, e);
        }
        return parse(properties);
    }

    /**
     * What {@link #parse(Properties)} would make of every key, without throwing: for checking a file
     * (say, in a migration script or a test) and seeing every rejected key at once.
     *
     * @param properties KPL properties
     * @return one entry per key present, in the KPL's order of keys, unknown keys last
     */
    public static List<Entry> review(Properties properties) {
        return List.copyOf(new Parse(properties).entries);
    }

    /** @return every key the KPL 1.x takes from a properties file, in the order of its documentation */
    public static List<String> knownKeys() {
        return List.copyOf(RULES.keySet());
    }

    /**
     * @return the producer configuration: the mapped options, Shardwise's defaults for the rest
     */
    public ProducerConfig producerConfig() {
        return producerConfig;
    }

    /** @return the region ({@code Region}), if set */
    public Optional<Region> region() {
        return Optional.ofNullable(region);
    }

    /** @return the Kinesis endpoint ({@code https://KinesisEndpoint:KinesisPort}), if {@code KinesisEndpoint} is set */
    public Optional<URI> endpointOverride() {
        return Optional.ofNullable(endpointOverride);
    }

    /** @return the metrics settings ({@code Metrics*}, {@code Cloudwatch*}); the KPL's defaults where absent */
    public Metrics metrics() {
        return metrics;
    }

    /** @return what became of every key present, in the KPL's order of keys */
    public List<Entry> report() {
        return report;
    }

    /**
     * Whether the properties hold an HTTP client setting a producer-built client cannot take
     * ({@code ProxyHost}): then build the client with {@link #kinesisClientBuilder()} and pass it to
     * {@link KinesisProducer.Builder#kinesisClient(KinesisAsyncClient)}.
     *
     * @return whether the producer needs a client of your own
     */
    public boolean needsOwnClient() {
        return proxy != null;
    }

    /**
     * Applies the configuration, the region and the endpoint to a producer builder, for a client the
     * producer builds itself. A client built that way connects with the SDK's default connect
     * timeout; {@code ConnectTimeout} and the proxy settings need {@link #kinesisClientBuilder()}.
     *
     * @param builder the builder
     * @return the builder
     * @throws IllegalStateException if {@link #needsOwnClient()}: a proxy needs a client built with
     *     {@link #kinesisClientBuilder()}
     */
    public KinesisProducer.Builder applyTo(KinesisProducer.Builder builder) {
        Objects.requireNonNull(builder, "builder");
        if (needsOwnClient()) {
            throw new IllegalStateException("ProxyHost is set: a producer-built client cannot use a proxy."
                    + " Build the client with kinesisClientBuilder().build(), pass it with"
                    + " builder.config(producerConfig()).kinesisClient(client), and close it after the producer");
        }
        builder.config(producerConfig);
        if (region != null) {
            builder.region(region);
        }
        if (endpointOverride != null) {
            builder.endpointOverride(endpointOverride);
        }
        return builder;
    }

    /**
     * An HTTP client as the KPL's properties describe it: enough connections for
     * {@link ProducerConfig#maxInFlightRequests()} (from {@code MaxConnections}), the connect timeout
     * ({@code ConnectTimeout}) and the proxy ({@code Proxy*}).
     *
     * @return a new HTTP client builder
     */
    public NettyNioAsyncHttpClient.Builder httpClientBuilder() {
        NettyNioAsyncHttpClient.Builder b = NettyNioAsyncHttpClient.builder()
                .maxConcurrency(Math.max(50, producerConfig.maxInFlightRequests() + 8));
        if (connectTimeout != null) {
            b.connectionTimeout(connectTimeout);
        }
        if (proxy != null) {
            b.proxyConfiguration(proxy);
        }
        return b;
    }

    /**
     * A Kinesis client as the KPL's properties describe it: {@link #httpClientBuilder()}, the region,
     * the endpoint, and the SDK's own retries off (the producer retries each record itself). You own
     * the client: close it after the producer.
     *
     * @return a new client builder
     */
    public KinesisAsyncClientBuilder kinesisClientBuilder() {
        KinesisAsyncClientBuilder b = KinesisAsyncClient.builder()
                .httpClientBuilder(httpClientBuilder())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (region != null) {
            b.region(region);
        }
        if (endpointOverride != null) {
            b.endpointOverride(endpointOverride);
        }
        return b;
    }

    @Override
    public String toString() {
        return "KplProperties{" + producerConfig + ", region=" + region + ", endpointOverride=" + endpointOverride
                + ", metrics=" + metrics + ", keys=" + report.size() + '}';
    }

    // ------------------------------------------------------------------ the rules, one per KPL key

    /** What one key does: validates its value, applies it to the parse state and says what became of it. */
    @FunctionalInterface
    private interface Rule {
        Result apply(String value, Parse p);
    }

    /** An entry without its key and value. */
    private record Result(Outcome outcome, String target, String reason) {
        static Result mapped(String target, String reason) {
            return new Result(Outcome.MAPPED, target, reason);
        }

        static Result notNeeded(String reason) {
            return new Result(Outcome.NOT_NEEDED, "", reason);
        }

        static Result rejected(String reason) {
            return new Result(Outcome.REJECTED, "", reason);
        }
    }

    private static void rule(String key, Rule rule) {
        RULES.put(key, rule);
    }

    /**
     * A key that sets one declared option ({@link Options}) to its whole-number value, milliseconds
     * for a duration. The value must lie in the KPL's range and in the option's declared range.
     */
    private static void option(String key, long kplMin, long kplMax, String unit, Option<?> option, String reason) {
        long min = Math.max(kplMin, whole(option.min().orElseThrow()));
        long max = Math.min(kplMax, whole(option.max().orElseThrow()));
        rule(key, (v, p) -> {
            long n = number(v, min, max, unit);
            set(p.config, option, n);
            return Result.mapped("ProducerConfig." + option.name() + " = " + (unit.equals(" ms") ? ms(n) : String.valueOf(n)),
                    reason);
        });
    }

    /** A bound of a whole-number or duration option, durations in milliseconds. */
    private static long whole(Object bound) {
        return bound instanceof Duration d ? d.toMillis() : ((Number) bound).longValue();
    }

    private static <T> void set(ProducerConfig.Builder config, Option<T> option, long n) {
        Class<T> type = option.type();
        config.set(option, type.cast(type == Duration.class ? Duration.ofMillis(n) : type == Integer.class ? (Object) (int) n : n));
    }

    private static void daemonOnly(String key, Consumer<String> validate, String reason) {
        rule(key, (v, p) -> {
            validate.accept(v);
            return Result.notNeeded(NO_DAEMON + reason);
        });
    }

    static {
        rule("AggregationEnabled", (v, p) -> {
            boolean b = bool(v);
            p.config.aggregationEnabled(b);
            return Result.mapped("ProducerConfig.aggregationEnabled = " + b,
                    "same meaning and the same aggregated-record format, which the KCL and the deaggregators read");
        });
        rule("AggregationMaxCount", (v, p) -> {
            long n = number(v, 1, Long.MAX_VALUE, "");
            int count = (int) Math.min(n, MAX_AGGREGATION_COUNT);
            p.config.aggregationMaxCount(count);
            return Result.mapped("ProducerConfig.aggregationMaxCount = " + count, n > MAX_AGGREGATION_COUNT
                    ? "values above 1,000,000 (the KPL's default 4294967295 means no limit) are the same as Shardwise's"
                    + " maximum of 1,000,000: an aggregate of at most aggregationMaxSize (1 MiB at most) never holds"
                    + " that many records"
                    : "most user records per aggregate, as in the KPL");
        });
        option("AggregationMaxSize", 64, ProducerConfig.DEFAULT_MAX_RECORD_SIZE, " bytes", Options.AGGREGATION_MAX_SIZE,
                "largest aggregate, partition key included. Unlike the KPL, only user records up to"
                + " aggregationMaxUserRecordSize (default 4 KiB) join aggregates, larger ones travel as themselves"
                + " (faster from about 2.5 KB on); set it to aggregationMaxSize to aggregate whatever fits, as the KPL");
        rule("CloudwatchEndpoint", (v, p) -> {
            host(v);
            if (v.isEmpty()) {
                return Result.notNeeded("empty: CloudWatch's endpoint of the region");
            }
            p.cloudwatchEndpoint = https(v, p.port("CloudwatchPort"));
            return Result.mapped("metrics().cloudwatchEndpoint() = " + p.cloudwatchEndpoint,
                    "the endpoint of the CloudWatch client that publishes the producer's metrics");
        });
        rule("CloudwatchPort", (v, p) -> portWithHost(v, p, "CloudwatchEndpoint", "metrics().cloudwatchEndpoint()"));
        option("CollectionMaxCount", 1, ProducerConfig.MAX_RECORDS_PER_REQUEST, "", Options.COLLECTION_MAX_COUNT,
                "most entries per PutRecords request");
        option("CollectionMaxSize", 52_224, Long.MAX_VALUE, " bytes", Options.COLLECTION_MAX_SIZE,
                "most bytes (data plus partition keys) per PutRecords request; a larger record still travels alone");
        rule("ConnectTimeout", (v, p) -> {
            p.connectTimeout = Duration.ofMillis(number(v, 100, 300_000, " ms"));
            return Result.mapped("NettyNioAsyncHttpClient.connectionTimeout = " + ms(p.connectTimeout.toMillis())
                    + " (httpClientBuilder(), kinesisClientBuilder())",
                    "an HTTP client setting: applied to a client built with kinesisClientBuilder(); a client the"
                    + " producer builds itself connects with the SDK's default (2 s), and requestTimeout bounds every"
                    + " call, connecting included");
        });
        daemonOnly("CredentialsRefreshDelay", v -> number(v, 1, 300_000, " ms"),
                "the KPL pushed credentials to its daemon this often; the SDK's credentials providers refresh"
                + " credentials themselves before they expire");
        daemonOnly("EnableCoreDumps", v -> bool(v), "there is no native process to dump");
        rule("FailIfThrottled", (v, p) -> {
            boolean b = bool(v);
            p.config.failIfThrottled(b);
            return Result.mapped("ProducerConfig.failIfThrottled = " + b, b
                    ? "a throttled record fails at once with RecordThrottledException instead of being retried"
                    : "throttled records are retried within recordTtl while the shard's rate limiter slows down");
        });
        rule("KinesisEndpoint", (v, p) -> {
            host(v);
            if (v.isEmpty()) {
                return Result.notNeeded("empty: Kinesis's endpoint of the region");
            }
            p.endpointOverride = https(v, p.port("KinesisPort"));
            return Result.mapped("KinesisProducer.Builder.endpointOverride = " + p.endpointOverride,
                    "the KPL always connected with TLS, so the endpoint is https; for a plain-HTTP test server pass"
                    + " endpointOverride(URI.create(\"http://...\")) in code instead");
        });
        rule("KinesisPort", (v, p) -> portWithHost(v, p, "KinesisEndpoint", "KinesisProducer.Builder.endpointOverride"));
        rule("LogLevel", (v, p) -> {
            oneOf(v, "trace", "debug", "info", "warning", "error");
            return Result.notNeeded(NO_DAEMON + "this set the daemon's log level. Shardwise logs through SLF4J:"
                    + " set the level of the logger io.shardwise in your logging configuration");
        });
        option("MaxConnections", 1, 256, "", Options.MAX_IN_FLIGHT_REQUESTS,
                "the KPL sent at most one request per connection at a time, so this bounded its requests in"
                + " flight; Shardwise bounds those, and its HTTP client opens the connections they need."
                + " Shardwise's default is 32: remove the key to keep it");
        option("MaxUserRecordSize", 64, Long.MAX_VALUE, " bytes", Options.MAX_RECORD_SIZE,
                "largest user record (data plus partition key), refused at addUserRecord with"
                + " RecordTooLargeException; a stream's own smaller maximum still applies");
        rule("MetricsGranularity", (v, p) -> {
            p.granularity = MetricsGranularity.valueOf(oneOf(v, "global", "stream", "shard").toUpperCase(Locale.ROOT));
            return Result.mapped("metrics().granularity() = " + p.granularity + " (ProducerMetrics.Granularity)",
                    "the dimensions of the producer's metrics, as in the KPL");
        });
        rule("MetricsLevel", (v, p) -> {
            p.level = MetricsLevel.valueOf(oneOf(v, "none", "summary", "detailed").toUpperCase(Locale.ROOT));
            return Result.mapped("metrics().level() = " + p.level,
                    p.level == MetricsLevel.NONE ? "no metrics: do not bind ProducerMetrics"
                            : "which metrics are published to CloudWatch");
        });
        rule("MetricsNamespace", (v, p) -> {
            if (!NAMESPACE.matcher(v).matches()) {
                throw new IllegalArgumentException("must be 1 to 255 characters, not starting with AWS/");
            }
            p.namespace = v;
            return Result.mapped("metrics().namespace() = " + v, "the CloudWatch namespace of the producer's metrics");
        });
        rule("MetricsUploadDelay", (v, p) -> {
            p.uploadDelay = Duration.ofMillis(number(v, 1, 60_000, " ms"));
            return Result.mapped("metrics().uploadDelay() = " + ms(p.uploadDelay.toMillis()),
                    "how often the metrics are published: the step of the CloudWatch meter registry");
        });
        daemonOnly("MinConnections", v -> number(v, 1, 16, ""),
                "the HTTP client opens connections when requests need them and keeps them alive");
        daemonOnly("NativeExecutable", v -> { }, "there is no native binary to choose");
        rule("RateLimit", (v, p) -> {
            long n = number(v, 10, 1000, " percent");
            double factor = n / 100.0;
            p.config.shardRateLimitFactor(factor);
            return Result.mapped("ProducerConfig.shardRateLimitFactor = " + factor,
                    "RateLimit / 100: the per-shard ceilings of 1,000 records/s and 1 MiB/s are multiplied by it."
                    + " The KPL's 150 % let its coarse limiter fill a shard; Shardwise's limiter already uses about"
                    + " 98 % of a shard at 1.0 without throttling, so above 100 the service throttles the excess:"
                    + " remove the key (or set 100) unless that is what you want");
        });
        option("RecordMaxBufferedTime", 0, Long.MAX_VALUE, " ms", Options.RECORD_MAX_BUFFERED_TIME,
                "how long a record may wait for others to share its request");
        rule("RecordTtl", (v, p) -> {
            long n;
            try {
                n = number(v, 100, ONE_DAY_MS, " ms");
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + ", Shardwise's limit being 1 day: to retry for as"
                        + " long as it allows (the KPL's advice was INT_MAX), set 86400000");
            }
            return p.ttl(n, "RecordTtl", "UserRecordTimeoutInMillis");
        });
        rule("Region", (v, p) -> {
            if (!REGION.matcher(v).matches()) {
                throw new IllegalArgumentException("must be a region name such as eu-west-1 (pattern " + REGION + ")");
            }
            if (v.isEmpty()) {
                return Result.notNeeded("empty: the SDK's region provider chain (AWS_REGION, the profile, or the EC2"
                        + " instance's region, as the KPL)");
            }
            p.region = Region.of(v);
            return Result.mapped("KinesisProducer.Builder.region = " + v, "the region of the producer's client");
        });
        option("RequestTimeout", 100, Long.MAX_VALUE, " ms", Options.REQUEST_TIMEOUT,
                "time limit of one PutRecords call; a timed-out request is retried (it may have been written)");
        daemonOnly("TempDirectory", v -> { }, "there is no native binary to extract");
        rule("VerifyCertificate", (v, p) -> {
            if (bool(v)) {
                return Result.notNeeded("true: Shardwise always verifies the endpoint's certificate");
            }
            throw new IllegalArgumentException("Shardwise never turns certificate checks off. For a test server use"
                    + " plain HTTP (endpointOverride(URI.create(\"http://localhost:4567\")) in code), or build your own"
                    + " client that trusts the test certificate (NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(...))"
                    + " and pass it with KinesisProducer.builder().kinesisClient(...)");
        });
        rule("ProxyHost", (v, p) -> {
            if (v.isEmpty()) {
                return Result.notNeeded("empty: no proxy");
            }
            p.proxy = ProxyConfiguration.builder().scheme("http").host(v).port(p.port("ProxyPort"))
                    .username(emptyToNull(p.raw("ProxyUserName"))).password(emptyToNull(p.raw("ProxyPassword")))
                    .useSystemPropertyValues(false).useEnvironmentVariableValues(false).build();
            return Result.mapped("NettyNioAsyncHttpClient.proxyConfiguration (httpClientBuilder(), kinesisClientBuilder())",
                    "an HTTP client setting: build the client with kinesisClientBuilder() and pass it to the producer"
                    + " (applyTo refuses a proxy: a producer-built client has none)");
        });
        rule("ProxyPort", (v, p) -> {
            number(v, 1, 65_535, "");
            return proxyPart(p, "the proxy's port");
        });
        rule("ProxyUserName", (v, p) -> v.isEmpty() ? Result.notNeeded("empty: the proxy takes no user name")
                : proxyPart(p, "the proxy's user name"));
        rule("ProxyPassword", (v, p) -> v.isEmpty() ? Result.notNeeded("empty: the proxy takes no password")
                : proxyPart(p, "the proxy's password"));
        rule("StsEndpoint", (v, p) -> {
            host(v);
            if (v.isEmpty()) {
                return Result.notNeeded("empty: STS's endpoint of the region");
            }
            throw new IllegalArgumentException(stsAdvice());
        });
        rule("StsPort", (v, p) -> {
            number(v, 1, 65_535, "");
            if (p.raw("StsEndpoint") == null || p.raw("StsEndpoint").isEmpty()) {
                if (v.equals("443")) {
                    return Result.notNeeded("443 without StsEndpoint: STS's default port");
                }
                throw new IllegalArgumentException("a port other than 443 needs StsEndpoint, and " + stsAdvice());
            }
            throw new IllegalArgumentException("goes with StsEndpoint: " + stsAdvice());
        });
        rule("ThreadingModel", (v, p) -> {
            oneOf(v, "PER_REQUEST", "POOLED");
            return Result.notNeeded(NO_DAEMON + "this chose the daemon's threads. Shardwise has one sender thread, the"
                    + " HTTP client's event loop and the callback executor (KinesisProducer.Builder.callbackExecutor)");
        });
        daemonOnly("ThreadPoolSize", v -> number(v, 0, Integer.MAX_VALUE, ""),
                "this sized the daemon's thread pool (see ThreadingModel)");
        rule("DescribeStreamSummaryIntervalMs", (v, p) -> {
            number(v, 1, Long.MAX_VALUE, " ms");
            return Result.notNeeded("the KPL polled DescribeStreamSummary for streams whose service distributes records"
                    + " itself; Shardwise notices such a stream from where its records land and then stops predicting"
                    + " shards (and aggregating) for it (ProducerStats.predictionFallbacks)");
        });
        rule("RecordDistributionStrategyDefault", (v, p) -> {
            oneOf(v, "UNSET", "AUTO", "USER_PARTITION_KEY");
            return Result.notNeeded("what the KPL assumed before DescribeStreamSummary answered; Shardwise never"
                    + " aggregates records it cannot place on a shard, and notices a stream that distributes records"
                    + " itself from where they land");
        });
        rule("UserRecordTimeoutInMillis", (v, p) -> {
            long n = number(v, 0, Long.MAX_VALUE, " ms");
            if (n == 0) {
                return Result.notNeeded("0: off, as in the KPL; recordTtl bounds every record");
            }
            if (n < 100 || n > ONE_DAY_MS) {
                throw new IllegalArgumentException("must be 0 (off) or between 100 and " + ONE_DAY_MS
                        + " ms (recordTtl's range)");
            }
            return p.ttl(n, "UserRecordTimeoutInMillis", "RecordTtl");
        });
        rule("EnableOldestFutureTracker", (v, p) -> {
            bool(v);
            return Result.notNeeded("always on: stats().oldestRecordAge() and the meter"
                    + " shardwise.producer.user.records.oldest.age (the KPL's getOldestRecordTimeInMillis)");
        });
        rule("ReturnUserRecordOnFailure", (v, p) -> {
            bool(v);
            return Result.notNeeded("always available from the exception: RecordFailedException.userRecord() gives the"
                    + " failed record's stream, partition key, explicit hash key and data");
        });
        daemonOnly("EnableDaemonHealthCheck", v -> bool(v),
                "should the sender thread die, every outstanding record fails with ProducerFailedException, every later"
                + " add throws it, stats().senderFailure() says why and the Spring health indicator reports DOWN");
        daemonOnly("DaemonHealthCheckTimeoutMs", v -> number(v, 5_000, Long.MAX_VALUE, " ms"),
                "see EnableDaemonHealthCheck");
        rule("CaCertPath", (v, p) -> trustStore(v));
        rule("CaCertFile", (v, p) -> trustStore(v));
        rule("GlueSchemaRegistryPropertiesFilePath", (v, p) -> {
            if (v.isEmpty()) {
                return Result.notNeeded("empty: no Glue Schema Registry");
            }
            throw new IllegalArgumentException("Shardwise does not call the Glue Schema Registry: serialize records with"
                    + " the registry's serde library (GlueSchemaRegistrySerializer) before addUserRecord");
        });
        codeOnly("CredentialsProvider", "pass KinesisProducer.builder().credentialsProvider(...)");
        codeOnly("MetricsCredentialsProvider", "give the CloudWatch client that publishes the metrics its credentials");
        codeOnly("GlueSchemaRegistryConfiguration", "serialize with the Glue Schema Registry's serde library yourself");
        codeOnly("GlueSchemaRegistryCredentialsProvider", "serialize with the Glue Schema Registry's serde library yourself");
    }

    private static void codeOnly(String key, String instead) {
        rule(key, (v, p) -> {
            throw new IllegalArgumentException(CODE_ONLY + instead);
        });
    }

    private static Result portWithHost(String v, Parse p, String hostKey, String target) {
        number(v, 1, 65_535, "");
        String host = p.raw(hostKey);
        if (host != null && !host.isEmpty()) {
            return Result.mapped(target + " (port of " + hostKey + ")", "the port of the endpoint");
        }
        if (v.equals("443")) {
            return Result.notNeeded("443 without " + hostKey + ": the default HTTPS port");
        }
        throw new IllegalArgumentException("a port other than 443 needs " + hostKey + " as well");
    }

    private static Result proxyPart(Parse p, String what) {
        String host = p.raw("ProxyHost");
        if (host == null || host.isEmpty()) {
            return Result.notNeeded("no ProxyHost, so no proxy (as in the KPL)");
        }
        return Result.mapped("NettyNioAsyncHttpClient.proxyConfiguration (httpClientBuilder(), kinesisClientBuilder())", what);
    }

    private static Result trustStore(String v) {
        if (v.isEmpty()) {
            return Result.notNeeded("empty: the KPL's bundled certificates; Shardwise uses the JVM's trust store");
        }
        throw new IllegalArgumentException("Shardwise trusts the JVM's trust store rather than certificate files: add"
                + " the CA to it (keytool, or -Djavax.net.ssl.trustStore), or build your own client with"
                + " NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(...) and pass it to the producer");
    }

    private static String stsAdvice() {
        return "Shardwise makes no STS calls of its own: configure the endpoint on the credentials provider that"
                + " needs STS (StsAssumeRoleCredentialsProvider with an StsClient built with endpointOverride) and pass"
                + " it with KinesisProducer.builder().credentialsProvider(...)";
    }

    // ------------------------------------------------------------------ value parsing

    private static boolean bool(String v) {
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("must be true or false (the KPL read anything else as false)");
    }

    private static long number(String v, long min, long max, String unit) {
        long n;
        try {
            n = Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("must be a whole number between " + min + " and " + max + unit);
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + unit);
        }
        return n;
    }

    private static String oneOf(String v, String... allowed) {
        for (String a : allowed) {
            if (a.equals(v)) {
                return v;
            }
        }
        throw new IllegalArgumentException("must be one of " + String.join(", ", allowed));
    }

    private static void host(String v) {
        if (!HOST.matcher(v).matches()) {
            throw new IllegalArgumentException("must be a host name or IP address, without scheme, port or path");
        }
    }

    private static URI https(String host, int port) {
        return URI.create("https://" + host + (port == 443 ? "" : ":" + port));
    }

    private static String ms(long millis) {
        return millis % 1000 == 0 && millis > 0 ? millis / 1000 + " s" : millis + " ms";
    }

    private static String emptyToNull(String v) {
        return v == null || v.isEmpty() ? null : v;
    }

    /** The closest known key to an unknown one (same letters in another case, or a small typo), if any. */
    private static String closest(String key) {
        String best = null;
        int bestDistance = 3;
        for (String known : RULES.keySet()) {
            if (known.equalsIgnoreCase(key)) {
                return known;
            }
            int d = distance(key.toLowerCase(Locale.ROOT), known.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = known;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance. */
    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    // ------------------------------------------------------------------ the parse

    /** One pass over the properties: the settings so far and an entry per key. */
    private static final class Parse {
        private final Map<String, String> values = new LinkedHashMap<>();
        final ProducerConfig.Builder config = ProducerConfig.builder();
        final List<Entry> entries = new ArrayList<>();
        Region region;
        URI endpointOverride;
        Duration connectTimeout;
        ProxyConfiguration proxy;
        MetricsLevel level = MetricsLevel.DETAILED;
        MetricsGranularity granularity = MetricsGranularity.SHARD;
        String namespace = Metrics.DEFAULT_NAMESPACE;
        Duration uploadDelay = Duration.ofMinutes(1);
        URI cloudwatchEndpoint;
        private long ttlMillis;

        Parse(Properties properties) {
            Objects.requireNonNull(properties, "properties");
            List<String> odd = new ArrayList<>();
            for (Map.Entry<Object, Object> e : properties.entrySet()) {
                if (!(e.getKey() instanceof String) || !(e.getValue() instanceof String)) {
                    odd.add(String.valueOf(e.getKey()));
                }
            }
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                values.put(key, properties.getProperty(key).strip());
            }
            for (Map.Entry<String, Rule> r : RULES.entrySet()) {
                String v = values.get(r.getKey());
                if (v != null) {
                    entries.add(entry(r.getKey(), v, r.getValue()));
                }
            }
            for (Map.Entry<String, String> e : values.entrySet()) {
                if (!RULES.containsKey(e.getKey())) {
                    entries.add(new Entry(e.getKey(), shown(e.getKey(), e.getValue()), Outcome.REJECTED, "", unknown(e.getKey())));
                }
            }
            for (String key : odd) {
                entries.add(new Entry(key, "?", Outcome.REJECTED, "", "keys and values must be strings"));
            }
            if (ttlMillis > 0) {
                config.recordTtl(Duration.ofMillis(ttlMillis));
            }
        }

        private Entry entry(String key, String value, Rule rule) {
            String shown = shown(key, value);
            try {
                Result r = rule.apply(value, this);
                return new Entry(key, shown, r.outcome(), r.target(), r.reason());
            } catch (IllegalArgumentException e) {
                return new Entry(key, shown, Outcome.REJECTED, "", e.getMessage());
            }
        }

        /** Secrets (ProxyPassword, a KPL 0.x AwsSecretKey) never reach a report, a log or an exception. */
        private static String shown(String key, String value) {
            String k = key.toLowerCase(Locale.ROOT);
            return !value.isEmpty() && (k.contains("password") || k.contains("secret")) ? "****" : value;
        }

        private static String unknown(String key) {
            String legacy = LEGACY.get(key);
            if (legacy != null) {
                return "unknown key: " + legacy;
            }
            String near = closest(key);
            return "unknown key" + (near == null ? "" : " (did you mean " + near + "?)")
                    + ": not an option of the KPL 1.x, which ignored it with a warning; fix or remove it";
        }

        /** @return the trimmed value of {@code key}, or {@code null} if absent */
        String raw(String key) {
            return values.get(key);
        }

        /** @return the valid port of {@code key}, or 443 */
        int port(String key) {
            String v = raw(key);
            try {
                long n = v == null ? 443 : Long.parseLong(v);
                return n >= 1 && n <= 65_535 ? (int) n : 443;
            } catch (NumberFormatException e) {
                return 443;
            }
        }

        /**
         * One of the two KPL deadlines of a record ({@code RecordTtl}, {@code UserRecordTimeoutInMillis});
         * Shardwise has one, the earlier of them.
         */
        Result ttl(long millis, String key, String otherKey) {
            ttlMillis = ttlMillis == 0 ? millis : Math.min(ttlMillis, millis);
            long other = otherMillis(otherKey);
            if (other > 0 && other < millis) {
                return Result.mapped("ProducerConfig.recordTtl = " + ms(other) + " (from " + otherKey + ")",
                        otherKey + " is shorter: Shardwise has one deadline per record, from addUserRecord to"
                        + " acknowledgement (RecordExpiredException), and the earlier of the KPL's two applies");
            }
            return Result.mapped("ProducerConfig.recordTtl = " + ms(millis),
                    key.equals("RecordTtl")
                            ? "from addUserRecord to acknowledgement; then the future fails with RecordExpiredException"
                            : "the KPL failed the future after this long (FutureTimedOutException); Shardwise's one"
                            + " deadline per record is recordTtl (RecordExpiredException), the earlier of the two");
        }

        private long otherMillis(String key) {
            String v = raw(key);
            try {
                long n = v == null ? 0 : Long.parseLong(v);
                return n >= 100 && n <= ONE_DAY_MS ? n : 0;
            } catch (NumberFormatException e) {
                return 0;
            }
        }
    }
}
