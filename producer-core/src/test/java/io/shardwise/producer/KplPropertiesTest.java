package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.KplProperties.Entry;
import io.shardwise.producer.KplProperties.MetricsGranularity;
import io.shardwise.producer.KplProperties.MetricsLevel;
import io.shardwise.producer.KplProperties.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;

class KplPropertiesTest {

    /** What becomes of each key of the KPL's default file. */
    private static final Map<String, Outcome> DEFAULT_FILE_OUTCOMES = outcomes(
            "AggregationEnabled MAPPED", "AggregationMaxCount MAPPED", "AggregationMaxSize MAPPED",
            "CollectionMaxCount MAPPED", "CollectionMaxSize MAPPED", "ConnectTimeout MAPPED",
            "KinesisEndpoint NOT_NEEDED", "KinesisPort NOT_NEEDED", "CloudwatchEndpoint NOT_NEEDED",
            "CloudwatchPort NOT_NEEDED", "StsEndpoint NOT_NEEDED", "StsPort NOT_NEEDED", "FailIfThrottled MAPPED",
            "LogLevel NOT_NEEDED", "MaxConnections MAPPED", "MinConnections NOT_NEEDED", "MaxUserRecordSize MAPPED",
            "MetricsGranularity MAPPED", "MetricsLevel MAPPED", "MetricsNamespace MAPPED", "MetricsUploadDelay MAPPED",
            "NativeExecutable NOT_NEEDED", "TempDirectory NOT_NEEDED", "RateLimit MAPPED", "RecordMaxBufferedTime MAPPED",
            "RecordTtl MAPPED", "Region NOT_NEEDED", "RequestTimeout MAPPED", "VerifyCertificate NOT_NEEDED",
            "ProxyHost NOT_NEEDED", "ProxyPort NOT_NEEDED", "ProxyUserName NOT_NEEDED", "ProxyPassword NOT_NEEDED",
            "ThreadingModel NOT_NEEDED", "ThreadPoolSize NOT_NEEDED", "DescribeStreamSummaryIntervalMs NOT_NEEDED",
            "RecordDistributionStrategyDefault NOT_NEEDED", "UserRecordTimeoutInMillis NOT_NEEDED",
            "EnableOldestFutureTracker NOT_NEEDED", "ReturnUserRecordOnFailure NOT_NEEDED",
            "EnableDaemonHealthCheck NOT_NEEDED", "DaemonHealthCheckTimeoutMs NOT_NEEDED", "CaCertPath NOT_NEEDED",
            "CaCertFile NOT_NEEDED", "CredentialsRefreshDelay NOT_NEEDED", "EnableCoreDumps NOT_NEEDED");

    private static Map<String, Outcome> outcomes(String... keyOutcome) {
        Map<String, Outcome> m = new LinkedHashMap<>();
        for (String s : keyOutcome) {
            String[] kv = s.split(" ");
            m.put(kv[0], Outcome.valueOf(kv[1]));
        }
        return m;
    }

    private static Properties defaultFile() throws IOException {
        Properties p = new Properties();
        try (InputStream in = KplPropertiesTest.class.getResourceAsStream("/kpl/default_config.properties")) {
            p.load(in);
        }
        return p;
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static Entry entry(KplProperties kpl, String key) {
        return kpl.report().stream().filter(e -> e.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void theKplsDefaultFileIsCoveredKeyByKey() throws IOException {
        Properties file = defaultFile();
        List<Entry> review = KplProperties.review(file);

        assertThat(review).extracting(Entry::key).containsExactlyInAnyOrderElementsOf(file.stringPropertyNames());
        Map<String, Outcome> outcomes = review.stream().collect(Collectors.toMap(Entry::key, Entry::outcome));
        assertThat(outcomes).isEqualTo(DEFAULT_FILE_OUTCOMES);
        for (Entry e : review) {
            assertThat(e.reason()).as(e.key()).isNotBlank();
            assertThat(e.target().isEmpty()).as(e.key() + " target").isEqualTo(e.outcome() != Outcome.MAPPED);
        }
        // Every key the KPL takes from a file is in it, but those whose default the KPL itself refuses
        // (an empty Glue Schema Registry path) and those the KPL takes only in code.
        assertThat(KplProperties.knownKeys()).containsAll(file.stringPropertyNames());
        assertThat(KplProperties.knownKeys()).hasSize(file.size() + 5).contains("GlueSchemaRegistryPropertiesFilePath",
                "CredentialsProvider", "MetricsCredentialsProvider", "GlueSchemaRegistryConfiguration",
                "GlueSchemaRegistryCredentialsProvider");
    }

    @Test
    void theKplsDefaultFileGivesTheKplsBehaviour() throws IOException {
        KplProperties kpl = KplProperties.parse(defaultFile());
        ProducerConfig c = kpl.producerConfig();
        ProducerConfig d = ProducerConfig.defaults();

        assertThat(c.aggregationEnabled()).isTrue();
        assertThat(c.aggregationMaxCount()).isEqualTo(1_000_000);        // 4294967295: no limit
        assertThat(c.aggregationMaxSize()).isEqualTo(51_200);
        assertThat(c.collectionMaxCount()).isEqualTo(500);
        assertThat(c.collectionMaxSize()).isEqualTo(5_242_880);
        assertThat(c.maxInFlightRequests()).isEqualTo(24);                // MaxConnections
        assertThat(c.maxRecordSize()).isEqualTo(1_048_576);               // MaxUserRecordSize
        assertThat(c.shardRateLimitFactor()).isEqualTo(1.5);              // RateLimit 150
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.failIfThrottled()).isFalse();
        // What the KPL has no option for keeps Shardwise's defaults.
        assertThat(c.maxAttempts()).isEqualTo(d.maxAttempts());
        assertThat(c.retryBackoffBase()).isEqualTo(d.retryBackoffBase());
        assertThat(c.retryBackoffMax()).isEqualTo(d.retryBackoffMax());
        assertThat(c.shardMapMinRefreshInterval()).isEqualTo(d.shardMapMinRefreshInterval());
        assertThat(c.ordering()).isEqualTo(d.ordering());
        assertThat(c.shardRateLimiting()).isEqualTo(d.shardRateLimiting());
        assertThat(c.maxOutstandingRecords()).isEqualTo(d.maxOutstandingRecords());
        assertThat(c.maxOutstandingBytes()).isEqualTo(d.maxOutstandingBytes());
        assertThat(c.maxBlockTime()).isEqualTo(d.maxBlockTime());
        assertThat(c.aggregationMaxUserRecordSize()).isEqualTo(d.aggregationMaxUserRecordSize());
        assertThat(c.aggregationPreservesPartitionKeys()).isEqualTo(d.aggregationPreservesPartitionKeys());

        assertThat(kpl.region()).isEmpty();
        assertThat(kpl.endpointOverride()).isEmpty();
        assertThat(kpl.needsOwnClient()).isFalse();
        assertThat(kpl.metrics()).isEqualTo(KplProperties.Metrics.defaults());
        assertThat(kpl.report()).hasSize(DEFAULT_FILE_OUTCOMES.size());
    }

    @Test
    void absentKeysKeepShardwisesDefaults() {
        KplProperties kpl = KplProperties.parse(new Properties());
        assertThat(kpl.producerConfig().toString()).isEqualTo(ProducerConfig.defaults().toString());
        assertThat(kpl.report()).isEmpty();
        assertThat(kpl.metrics()).isEqualTo(KplProperties.Metrics.defaults());
    }

    static Stream<Arguments> mappedOptions() {
        return Stream.of(
                mapping("AggregationEnabled", "false", ProducerConfig::aggregationEnabled, false),
                mapping("AggregationMaxCount", "4096", ProducerConfig::aggregationMaxCount, 4096),
                mapping("AggregationMaxSize", "1048576", ProducerConfig::aggregationMaxSize, 1_048_576),
                mapping("CollectionMaxCount", "7", ProducerConfig::collectionMaxCount, 7),
                mapping("CollectionMaxSize", "52224", ProducerConfig::collectionMaxSize, 52_224L),
                mapping("MaxConnections", "256", ProducerConfig::maxInFlightRequests, 256),
                mapping("MaxUserRecordSize", "64", ProducerConfig::maxRecordSize, 64),
                mapping("RateLimit", "80", ProducerConfig::shardRateLimitFactor, 0.8),
                mapping("RateLimit", "10", ProducerConfig::shardRateLimitFactor, 0.1),
                mapping("RateLimit", "1000", ProducerConfig::shardRateLimitFactor, 10.0),
                mapping("RecordMaxBufferedTime", "0", ProducerConfig::recordMaxBufferedTime, Duration.ZERO),
                mapping("RecordMaxBufferedTime", "60000", ProducerConfig::recordMaxBufferedTime, Duration.ofMinutes(1)),
                mapping("RecordTtl", "100", ProducerConfig::recordTtl, Duration.ofMillis(100)),
                mapping("RecordTtl", "86400000", ProducerConfig::recordTtl, Duration.ofDays(1)),
                mapping("UserRecordTimeoutInMillis", "5000", ProducerConfig::recordTtl, Duration.ofSeconds(5)),
                mapping("RequestTimeout", "600000", ProducerConfig::requestTimeout, Duration.ofMinutes(10)),
                mapping("FailIfThrottled", "true", ProducerConfig::failIfThrottled, true),
                mapping("FailIfThrottled", " TRUE ", ProducerConfig::failIfThrottled, true));
    }

    private static <T> Arguments mapping(String key, String value, Function<ProducerConfig, T> read, T expected) {
        return Arguments.of(key, value, read, expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @MethodSource("mappedOptions")
    void mapsToProducerConfig(String key, String value, Function<ProducerConfig, Object> read, Object expected) {
        KplProperties kpl = KplProperties.parse(props(key, value));
        assertThat(read.apply(kpl.producerConfig())).isEqualTo(expected);
        Entry e = entry(kpl, key);
        assertThat(e.outcome()).isEqualTo(Outcome.MAPPED);
        assertThat(e.target()).startsWith("ProducerConfig.");
        assertThat(e.value()).isEqualTo(value.strip());
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "AggregationMaxCount|0|between 1 and 9223372036854775807",
        "AggregationMaxSize|63|between 64 and 1048576 bytes",
        "AggregationMaxSize|10485760|between 64 and 1048576 bytes",
        "CollectionMaxCount|501|between 1 and 500",
        "CollectionMaxSize|52223|between 52224 and 10485760 bytes",
        "CollectionMaxSize|10485761|between 52224 and 10485760 bytes",
        "ConnectTimeout|99|between 100 and 300000 ms",
        "MaxConnections|0|between 1 and 256",
        "MaxConnections|257|between 1 and 256",
        "MaxUserRecordSize|10485761|between 64 and 10485760 bytes",
        "RateLimit|9|between 10 and 1000 percent",
        "RateLimit|1001|between 10 and 1000 percent",
        "RecordMaxBufferedTime|60001|between 0 and 60000 ms",
        "RecordMaxBufferedTime|-1|between 0 and 60000 ms",
        "RecordTtl|99|between 100 and 86400000 ms",
        "RecordTtl|2147483647|set 86400000",
        "RequestTimeout|600001|between 100 and 600000 ms",
        "UserRecordTimeoutInMillis|50|0 (off) or between 100 and 86400000",
        "MetricsUploadDelay|60001|between 1 and 60000 ms",
        "KinesisPort|0|between 1 and 65535",
        "MinConnections|17|between 1 and 16",
        "DaemonHealthCheckTimeoutMs|4999|between 5000 and",
        "ThreadPoolSize|-1|between 0 and",
        "RecordTtl|30s|a whole number between 100 and 86400000",
        "AggregationEnabled|yes|true or false",
        "MetricsLevel|verbose|one of none, summary, detailed",
        "MetricsGranularity|Shard|one of global, stream, shard",
        "MetricsNamespace|AWS/Kinesis|not starting with AWS/",
        "LogLevel|fatal|one of trace, debug, info, warning, error",
        "ThreadingModel|pooled|one of PER_REQUEST, POOLED",
        "RecordDistributionStrategyDefault|SOMETIMES|one of UNSET, AUTO, USER_PARTITION_KEY",
        "Region|Europe|a region name",
        "KinesisEndpoint|https://kinesis.example.com|host name or IP address, without scheme"
    })
    void rejectsValuesOutsideTheAllowedRangeNamingKeyValueAndRange(String key, String value, String range) {
        assertRejected(key, value, range);
    }

    /** parse throws naming the key, the value and {@code expected}; review says the same without throwing. */
    private static void assertRejected(String key, String value, String expected) {
        assertThatThrownBy(() -> KplProperties.parse(props(key, value)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(key + "=" + value + ": ")
                .hasMessageContaining(expected);
        Entry e = KplProperties.review(props(key, value)).get(0);
        assertThat(e.outcome()).isEqualTo(Outcome.REJECTED);
        assertThat(e.reason()).contains(expected);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
        "VerifyCertificate|false|never turns certificate checks off",
        "StsEndpoint|sts.example.com|credentialsProvider",
        "StsPort|8443|needs StsEndpoint",
        "CaCertPath|/etc/ssl/certs|trust store",
        "CaCertFile|/etc/ssl/ca.pem|trust store",
        "GlueSchemaRegistryPropertiesFilePath|/etc/gsr.properties|GlueSchemaRegistrySerializer",
        "CredentialsProvider|DefaultCredentialsProvider|credentialsProvider(...)",
        "MetricsCredentialsProvider|x|CloudWatch client",
        "KinesisPort|4567|needs KinesisEndpoint",
        "CloudwatchPort|4567|needs CloudwatchEndpoint"
    })
    void rejectsWhatShardwiseCannotHonourSayingWhatToDoInstead(String key, String value, String advice) {
        assertRejected(key, value, advice);
    }

    @Test
    void rejectsUnknownKeysNamingThemAndTheClosestKnownOne() {
        assertThatThrownBy(() -> KplProperties.parse(props("RecordTTL", "1000")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("RecordTTL=1000: unknown key (did you mean RecordTtl?)");
        assertThatThrownBy(() -> KplProperties.parse(props("AgregationMaxSize", "1000")))
                .hasMessageContaining("did you mean AggregationMaxSize?");
        assertThatThrownBy(() -> KplProperties.parse(props("CustomEndpoint", "localhost")))
                .hasMessageContaining("CustomEndpoint=localhost: unknown key: the KPL 0.x name of KinesisEndpoint");
        assertThatThrownBy(() -> KplProperties.parse(props("shardwise.whatever", "1")))
                .hasMessageContaining("shardwise.whatever=1: unknown key: not an option of the KPL 1.x");
    }

    @Test
    void listsEveryRejectedKeyAtOnceAndKeepsSecretsOut() {
        Properties p = props("RecordTtl", "5", "Colour", "blue", "AwsSecretKey", "wJalrXUtnFEMI", "RateLimit", "100");
        assertThatThrownBy(() -> KplProperties.parse(p))
                .hasMessageStartingWith("KPL properties: 3 keys cannot be used")
                .hasMessageContaining("RecordTtl=5")
                .hasMessageContaining("Colour=blue")
                .hasMessageContaining("AwsSecretKey=****")
                .hasMessageNotContaining("wJalrXUtnFEMI");
        assertThat(KplProperties.review(p)).extracting(Entry::key, Entry::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("RateLimit", Outcome.MAPPED),
                org.assertj.core.groups.Tuple.tuple("RecordTtl", Outcome.REJECTED),
                org.assertj.core.groups.Tuple.tuple("AwsSecretKey", Outcome.REJECTED),
                org.assertj.core.groups.Tuple.tuple("Colour", Outcome.REJECTED));
    }

    @Test
    void oneDeadlinePerRecordTheEarlierOfRecordTtlAndUserRecordTimeout() {
        KplProperties kpl = KplProperties.parse(props("RecordTtl", "30000", "UserRecordTimeoutInMillis", "10000"));
        assertThat(kpl.producerConfig().recordTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(entry(kpl, "RecordTtl").target()).isEqualTo("ProducerConfig.recordTtl = 10 s (from UserRecordTimeoutInMillis)");
        assertThat(entry(kpl, "RecordTtl").reason()).contains("UserRecordTimeoutInMillis is shorter");
        assertThat(entry(kpl, "UserRecordTimeoutInMillis").target()).isEqualTo("ProducerConfig.recordTtl = 10 s");

        kpl = KplProperties.parse(props("RecordTtl", "20000", "UserRecordTimeoutInMillis", "60000"));
        assertThat(kpl.producerConfig().recordTtl()).isEqualTo(Duration.ofSeconds(20));
        assertThat(entry(kpl, "UserRecordTimeoutInMillis").target()).isEqualTo("ProducerConfig.recordTtl = 20 s (from RecordTtl)");

        kpl = KplProperties.parse(props("RecordTtl", "20000", "UserRecordTimeoutInMillis", "0"));
        assertThat(kpl.producerConfig().recordTtl()).isEqualTo(Duration.ofSeconds(20));
        assertThat(entry(kpl, "UserRecordTimeoutInMillis").outcome()).isEqualTo(Outcome.NOT_NEEDED);
    }

    @Test
    void endpointRegionAndBuilder() {
        KplProperties kpl = KplProperties.parse(props("KinesisEndpoint", "localhost", "KinesisPort", "4567",
                "Region", "eu-west-1", "RecordTtl", "12000"));
        assertThat(kpl.endpointOverride()).contains(URI.create("https://localhost:4567"));
        assertThat(kpl.region()).contains(Region.EU_WEST_1);
        assertThat(entry(kpl, "KinesisPort").outcome()).isEqualTo(Outcome.MAPPED);
        assertThat(KplProperties.parse(props("KinesisEndpoint", "kinesis.example.com")).endpointOverride())
                .contains(URI.create("https://kinesis.example.com"));

        try (KinesisProducer producer = kpl.applyTo(KinesisProducer.builder()).streamName("s").build()) {
            assertThat(producer.config().recordTtl()).isEqualTo(Duration.ofSeconds(12));
            assertThat(producer.config().toString()).isEqualTo(kpl.producerConfig().toString());
        }
    }

    @Test
    void metricsSettings() {
        KplProperties kpl = KplProperties.parse(props("MetricsLevel", "summary", "MetricsGranularity", "stream",
                "MetricsNamespace", "orders-writer", "MetricsUploadDelay", "10000",
                "CloudwatchEndpoint", "monitoring.example.com", "CloudwatchPort", "8443"));
        KplProperties.Metrics m = kpl.metrics();
        assertThat(m.level()).isEqualTo(MetricsLevel.SUMMARY);
        assertThat(m.granularity()).isEqualTo(MetricsGranularity.STREAM);
        assertThat(m.namespace()).isEqualTo("orders-writer");
        assertThat(m.uploadDelay()).isEqualTo(Duration.ofSeconds(10));
        assertThat(m.cloudwatchEndpoint()).isEqualTo(URI.create("https://monitoring.example.com:8443"));
        assertThat(m.enabled()).isTrue();
        assertThat(KplProperties.parse(props("MetricsLevel", "none")).metrics().enabled()).isFalse();
        assertThat(kpl.report()).allMatch(e -> e.outcome() == Outcome.MAPPED && e.target().startsWith("metrics()"));
    }

    @Test
    void aProxyNeedsAClientOfYourOwn() {
        KplProperties kpl = KplProperties.parse(props("ProxyHost", "proxy.internal", "ProxyPort", "3128",
                "ProxyUserName", "svc", "ProxyPassword", "s3cret", "ConnectTimeout", "2500", "MaxConnections", "64"));
        assertThat(kpl.needsOwnClient()).isTrue();
        assertThat(entry(kpl, "ProxyPassword").value()).isEqualTo("****");
        assertThat(kpl.report()).noneMatch(e -> e.toString().contains("s3cret"));
        assertThatThrownBy(() -> kpl.applyTo(KinesisProducer.builder()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("kinesisClientBuilder()");
        try (SdkAsyncHttpClient http = kpl.httpClientBuilder().build()) {
            assertThat(http.clientName()).isEqualTo("NettyNio");
        }
        assertThat(kpl.kinesisClientBuilder()).isNotNull();

        KplProperties noHost = KplProperties.parse(props("ProxyPort", "3128", "ProxyUserName", "svc"));
        assertThat(noHost.needsOwnClient()).isFalse();
        assertThat(noHost.report()).allMatch(e -> e.outcome() == Outcome.NOT_NEEDED && e.reason().contains("no ProxyHost"));
    }

    @Test
    void loadsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "# a comment\nRecordMaxBufferedTime = 250\nAggregationEnabled=false\n");
        KplProperties kpl = KplProperties.load(file);
        assertThat(kpl.producerConfig().recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(kpl.producerConfig().aggregationEnabled()).isFalse();
        assertThatThrownBy(() -> KplProperties.load(dir.resolve("missing.properties")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("missing.properties");
    }

    @Test
    void everyKeyMappedToAnOptionNamesADeclaredOptionAndTheOptionsRangeApplies() throws IOException {
        List<String> declared = ProducerConfig.options().stream().map(io.shardwise.producer.config.Option::name).toList();
        List<String> named = KplProperties.review(defaultFile()).stream()
                .filter(e -> e.target().startsWith("ProducerConfig."))
                .map(e -> e.target().substring("ProducerConfig.".length(), e.target().indexOf(' ')))
                .toList();
        assertThat(named).isNotEmpty().allSatisfy(name -> assertThat(declared).contains(name));
        // MaxUserRecordSize: the KPL has no upper bound of its own here, the declaration's 10 MiB applies
        assertThat(KplProperties.review(props("MaxUserRecordSize", "10485761")).get(0).reason())
                .contains("between 64 and " + io.shardwise.producer.config.Options.MAX_RECORD_SIZE.max().orElseThrow());
    }
}
