package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProducerConfigTest {

    private static void assertDefaults(ProducerConfig c) {
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.collectionMaxCount()).isEqualTo(500);
        assertThat(c.collectionMaxSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.maxRecordSize()).isEqualTo(10 * 1024 * 1024);
        assertThat(c.maxInFlightRequests()).isEqualTo(32);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(6));
        assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.maxAttempts()).isEmpty();
        assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.shardMapMinRefreshInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.ordering()).isEqualTo(Ordering.SHARD);
        assertThat(c.failIfThrottled()).isFalse();
        assertThat(c.shardRateLimiting()).isTrue();
        assertThat(c.shardRateLimitFactor()).isEqualTo(1.0);
        assertThat(c.maxOutstandingRecords()).isEqualTo(200_000);
        assertThat(c.maxOutstandingBytes()).isEqualTo(Math.max(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8));
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void defaults() {
        assertDefaults(ProducerConfig.defaults());
        assertDefaults(ProducerConfig.builder().build());
        assertDefaults(ProducerConfig.defaults().toBuilder().build());
        assertThat(ProducerConfig.DEFAULT_MAX_RECORD_SIZE).isEqualTo(1024 * 1024);
        assertThat(ProducerConfig.MAX_RECORDS_PER_REQUEST).isEqualTo(500);
        assertThat(ProducerConfig.DEFAULT_MAX_REQUEST_SIZE).isEqualTo(10L * 1024 * 1024);
        assertThat(ProducerConfig.MAX_RECORD_SIZE_LIMIT).isEqualTo(10 * 1024 * 1024);
    }

    private static ProducerConfig custom() {
        return ProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMillis(7))
                .collectionMaxCount(123)
                .collectionMaxSize(2048)
                .maxRecordSize(4096)
                .maxInFlightRequests(9)
                .requestTimeout(Duration.ofSeconds(11))
                .recordTtl(Duration.ofMinutes(3))
                .maxAttempts(17)
                .retryBackoffBase(Duration.ofMillis(3))
                .retryBackoffMax(Duration.ofSeconds(13))
                .shardMapMinRefreshInterval(Duration.ofMillis(250))
                .ordering(Ordering.KEY_STRICT)
                .failIfThrottled(true)
                .shardRateLimiting(false)
                .shardRateLimitFactor(2.5)
                .maxOutstandingRecords(777)
                .maxOutstandingBytes(3L * 1024 * 1024)
                .maxBlockTime(Duration.ofMillis(1500))
                .build();
    }

    private static void assertCustom(ProducerConfig c) {
        assertThat(c.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(7));
        assertThat(c.collectionMaxCount()).isEqualTo(123);
        assertThat(c.collectionMaxSize()).isEqualTo(2048);
        assertThat(c.maxRecordSize()).isEqualTo(4096);
        assertThat(c.maxInFlightRequests()).isEqualTo(9);
        assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(11));
        assertThat(c.recordTtl()).isEqualTo(Duration.ofMinutes(3));
        assertThat(c.maxAttempts()).hasValue(17);
        assertThat(c.retryBackoffBase()).isEqualTo(Duration.ofMillis(3));
        assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(13));
        assertThat(c.shardMapMinRefreshInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.ordering()).isEqualTo(Ordering.KEY_STRICT);
        assertThat(c.failIfThrottled()).isTrue();
        assertThat(c.shardRateLimiting()).isFalse();
        assertThat(c.shardRateLimitFactor()).isEqualTo(2.5);
        assertThat(c.maxOutstandingRecords()).isEqualTo(777);
        assertThat(c.maxOutstandingBytes()).isEqualTo(3L * 1024 * 1024);
        assertThat(c.maxBlockTime()).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void settersAreApplied() {
        assertCustom(custom());
    }

    @Test
    void toBuilderRoundTrip() {
        ProducerConfig c = custom();
        ProducerConfig copy = c.toBuilder().build();
        assertCustom(copy);
        assertThat(copy.toString()).isEqualTo(c.toString());
        assertThat(copy).isNotSameAs(c);
    }

    @Test
    void configsWithTheSameValuesAreEqual() {
        assertThat(custom()).isEqualTo(custom()).hasSameHashCodeAs(custom()).isEqualTo(custom().toBuilder().build())
                .isNotEqualTo(ProducerConfig.defaults()).isNotEqualTo(custom().toBuilder().maxAttempts(16).build());
        assertThat(ProducerConfig.builder().build()).isEqualTo(ProducerConfig.defaults());
        assertThat(custom().toBuilder().unlimitedAttempts().maxAttempts(17).build()).isEqualTo(custom());
    }

    @Test
    void toBuilderChangesOnlyWhatIsSet() {
        ProducerConfig c = custom();
        ProducerConfig changed = c.toBuilder().collectionMaxCount(5).build();
        assertThat(changed.collectionMaxCount()).isEqualTo(5);
        assertThat(c.collectionMaxCount()).as("original untouched").isEqualTo(123);
        assertThat(changed.toString()).isEqualTo(c.toString().replace("collectionMaxCount=123", "collectionMaxCount=5"));
    }

    @Test
    void unlimitedAttemptsClearsTheLimit() {
        ProducerConfig c = custom().toBuilder().unlimitedAttempts().build();
        assertThat(c.maxAttempts()).isEmpty();
        assertThat(c.toString()).contains("maxAttempts=unlimited");
        assertThat(custom().toString()).contains("maxAttempts=17");
    }

    @Test
    void boundariesAreAccepted() {
        ProducerConfig lo = ProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ZERO)
                .collectionMaxCount(1)
                .collectionMaxSize(1024)
                .maxRecordSize(1)
                .maxInFlightRequests(1)
                .requestTimeout(Duration.ofMillis(100))
                .recordTtl(Duration.ofMillis(100))
                .maxAttempts(1)
                .retryBackoffBase(Duration.ofMillis(1))
                .retryBackoffMax(Duration.ofMillis(1))
                .shardMapMinRefreshInterval(Duration.ofMillis(10))
                .build();
        assertThat(lo.recordMaxBufferedTime()).isZero();
        assertThat(lo.collectionMaxCount()).isEqualTo(1);
        assertThat(lo.collectionMaxSize()).isEqualTo(1024);
        assertThat(lo.maxRecordSize()).isEqualTo(1);
        assertThat(lo.maxAttempts()).hasValue(1);
        assertThat(lo.retryBackoffMax()).isEqualTo(lo.retryBackoffBase());

        ProducerConfig hi = ProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMinutes(1))
                .collectionMaxCount(500)
                .collectionMaxSize(10L * 1024 * 1024)
                .maxRecordSize(10 * 1024 * 1024)
                .maxInFlightRequests(10_000)
                .requestTimeout(Duration.ofMinutes(10))
                .recordTtl(Duration.ofDays(1))
                .maxAttempts(1000)
                .retryBackoffBase(Duration.ofMinutes(1))
                .retryBackoffMax(Duration.ofMinutes(10))
                .shardMapMinRefreshInterval(Duration.ofMinutes(10))
                .build();
        assertThat(hi.collectionMaxSize()).isEqualTo(10L * 1024 * 1024);
        assertThat(hi.maxInFlightRequests()).isEqualTo(10_000);
        assertThat(hi.maxAttempts()).hasValue(1000);
        assertThat(hi.recordTtl()).isEqualTo(Duration.ofDays(1));
    }

    static Stream<Arguments> outOfRange() {
        Duration ns = Duration.ofNanos(1);
        return Stream.of(
                Arguments.of("recordMaxBufferedTime", (Consumer<ProducerConfig.Builder>) b -> b.recordMaxBufferedTime(Duration.ofMillis(-1))),
                Arguments.of("recordMaxBufferedTime", (Consumer<ProducerConfig.Builder>) b -> b.recordMaxBufferedTime(Duration.ofMinutes(1).plus(ns))),
                Arguments.of("collectionMaxCount", (Consumer<ProducerConfig.Builder>) b -> b.collectionMaxCount(0)),
                Arguments.of("collectionMaxCount", (Consumer<ProducerConfig.Builder>) b -> b.collectionMaxCount(501)),
                Arguments.of("collectionMaxCount", (Consumer<ProducerConfig.Builder>) b -> b.collectionMaxCount(-5)),
                Arguments.of("collectionMaxSize", (Consumer<ProducerConfig.Builder>) b -> b.collectionMaxSize(1023)),
                Arguments.of("collectionMaxSize", (Consumer<ProducerConfig.Builder>) b -> b.collectionMaxSize(10L * 1024 * 1024 + 1)),
                Arguments.of("maxRecordSize", (Consumer<ProducerConfig.Builder>) b -> b.maxRecordSize(0)),
                Arguments.of("maxRecordSize", (Consumer<ProducerConfig.Builder>) b -> b.maxRecordSize(10 * 1024 * 1024 + 1)),
                Arguments.of("maxInFlightRequests", (Consumer<ProducerConfig.Builder>) b -> b.maxInFlightRequests(0)),
                Arguments.of("maxInFlightRequests", (Consumer<ProducerConfig.Builder>) b -> b.maxInFlightRequests(10_001)),
                Arguments.of("requestTimeout", (Consumer<ProducerConfig.Builder>) b -> b.requestTimeout(Duration.ofMillis(99))),
                Arguments.of("requestTimeout", (Consumer<ProducerConfig.Builder>) b -> b.requestTimeout(Duration.ofMinutes(10).plus(ns))),
                Arguments.of("recordTtl", (Consumer<ProducerConfig.Builder>) b -> b.recordTtl(Duration.ofMillis(99))),
                Arguments.of("recordTtl", (Consumer<ProducerConfig.Builder>) b -> b.recordTtl(Duration.ofDays(1).plus(ns))),
                Arguments.of("maxAttempts", (Consumer<ProducerConfig.Builder>) b -> b.maxAttempts(0)),
                Arguments.of("maxAttempts", (Consumer<ProducerConfig.Builder>) b -> b.maxAttempts(1001)),
                Arguments.of("retryBackoffBase", (Consumer<ProducerConfig.Builder>) b -> b.retryBackoffBase(Duration.ZERO)),
                Arguments.of("retryBackoffBase", (Consumer<ProducerConfig.Builder>) b -> b.retryBackoffBase(Duration.ofMinutes(1).plus(ns))),
                Arguments.of("retryBackoffMax", (Consumer<ProducerConfig.Builder>) b -> b.retryBackoffMax(Duration.ofMillis(1).minus(ns))),
                Arguments.of("retryBackoffMax", (Consumer<ProducerConfig.Builder>) b -> b.retryBackoffMax(Duration.ofMinutes(10).plus(ns))),
                Arguments.of("shardMapMinRefreshInterval", (Consumer<ProducerConfig.Builder>) b -> b.shardMapMinRefreshInterval(Duration.ofMillis(9))),
                Arguments.of("shardMapMinRefreshInterval", (Consumer<ProducerConfig.Builder>) b -> b.shardMapMinRefreshInterval(Duration.ofMinutes(10).plus(ns))),
                Arguments.of("shardRateLimitFactor", (Consumer<ProducerConfig.Builder>) b -> b.shardRateLimitFactor(0.099)),
                Arguments.of("shardRateLimitFactor", (Consumer<ProducerConfig.Builder>) b -> b.shardRateLimitFactor(10.001)),
                Arguments.of("shardRateLimitFactor", (Consumer<ProducerConfig.Builder>) b -> b.shardRateLimitFactor(Double.NaN)),
                Arguments.of("maxOutstandingRecords", (Consumer<ProducerConfig.Builder>) b -> b.maxOutstandingRecords(0)),
                Arguments.of("maxOutstandingRecords", (Consumer<ProducerConfig.Builder>) b -> b.maxOutstandingRecords(100_000_001L)),
                Arguments.of("maxOutstandingBytes", (Consumer<ProducerConfig.Builder>) b -> b.maxOutstandingBytes(1024L * 1024 - 1)),
                Arguments.of("maxOutstandingBytes", (Consumer<ProducerConfig.Builder>) b -> b.maxOutstandingBytes(1024L * 1024 * 1024 * 1024 + 1)),
                Arguments.of("maxBlockTime", (Consumer<ProducerConfig.Builder>) b -> b.maxBlockTime(Duration.ofMillis(-1))),
                Arguments.of("maxBlockTime", (Consumer<ProducerConfig.Builder>) b -> b.maxBlockTime(Duration.ofHours(1).plus(ns))));
    }

    @ParameterizedTest(name = "{0} #{index}")
    @MethodSource("outOfRange")
    void setterRejectsOutOfRangeNamingTheField(String field, Consumer<ProducerConfig.Builder> setter) {
        ProducerConfig.Builder b = ProducerConfig.builder();
        String before = b.build().toString();
        assertThatThrownBy(() -> setter.accept(b))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(field);
        // the rejected value was not kept
        assertThat(b.build().toString()).isEqualTo(before);
    }

    @Test
    void nullDurationsAreRejectedNamingTheField() {
        assertThatThrownBy(() -> ProducerConfig.builder().recordTtl(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("recordTtl");
        assertThatThrownBy(() -> ProducerConfig.builder().requestTimeout(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("requestTimeout");
    }

    @Test
    void backoffMaxBelowBaseIsRejectedAtBuild() {
        ProducerConfig.Builder b = ProducerConfig.builder()
                .retryBackoffBase(Duration.ofSeconds(2))
                .retryBackoffMax(Duration.ofSeconds(1)); // each in range on its own
        assertThatThrownBy(b::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryBackoffMax")
                .hasMessageContaining("retryBackoffBase");
        // and with defaults: base above the default max of 5 s
        assertThatThrownBy(() -> ProducerConfig.builder().retryBackoffBase(Duration.ofSeconds(6)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retryBackoffMax");
        // fixing it makes the builder usable again
        assertThat(b.retryBackoffMax(Duration.ofSeconds(2)).build().retryBackoffMax()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void configIsImmutableAgainstLaterBuilderChanges() {
        ProducerConfig.Builder b = ProducerConfig.builder().collectionMaxCount(10);
        ProducerConfig c = b.build();
        b.collectionMaxCount(20);
        assertThat(c.collectionMaxCount()).isEqualTo(10);
        assertThat(b.build().collectionMaxCount()).isEqualTo(20);
    }
    @Test
    void aggregationMaxUserRecordSizeDefaultsTo4KiBAndNamesItsRange() {
        assertThat(ProducerConfig.defaults().aggregationMaxUserRecordSize()).isEqualTo(4096);
        ProducerConfig c = ProducerConfig.builder().aggregationMaxUserRecordSize(50 * 1024).build();
        assertThat(c.aggregationMaxUserRecordSize()).isEqualTo(50 * 1024);
        assertThat(c.toBuilder().build().toString()).contains("aggregationMaxUserRecordSize=51200");
        assertThat(ProducerConfig.builder().aggregationMaxUserRecordSize(1).build().aggregationMaxUserRecordSize()).isEqualTo(1);
        assertThatThrownBy(() -> ProducerConfig.builder().aggregationMaxUserRecordSize(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregationMaxUserRecordSize").hasMessageContaining("was 0");
        assertThatThrownBy(() -> ProducerConfig.builder().aggregationMaxUserRecordSize(1024 * 1024 + 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aggregationMaxUserRecordSize");
    }

    @org.junit.jupiter.api.Test
    @SuppressWarnings("deprecation")
    void theDeprecatedPreserveShardOrderMapsToAnOrderingLevel() {
        assertThat(ProducerConfig.builder().preserveShardOrder(false).build().ordering()).isEqualTo(Ordering.NONE);
        assertThat(ProducerConfig.builder().preserveShardOrder(true).build().ordering()).isEqualTo(Ordering.SHARD);
        assertThat(ProducerConfig.builder().ordering(Ordering.KEY_STRICT).build().preserveShardOrder()).isTrue();
        assertThat(ProducerConfig.builder().ordering(Ordering.NONE).build().preserveShardOrder()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProducerConfig.builder().ordering(null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("ordering");
    }
}
