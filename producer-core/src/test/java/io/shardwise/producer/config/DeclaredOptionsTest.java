package io.shardwise.producer.config;

import static io.shardwise.producer.config.OptionSamples.aboveMax;
import static io.shardwise.producer.config.OptionSamples.belowMin;
import static io.shardwise.producer.config.OptionSamples.nonDefault;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The single declaration of each option ({@link Options}) drives both configurations: defaults,
 * validation, the typed accessors and setters, {@code toString}, {@code equals} and {@code hashCode}.
 * Every test goes over every declared option, so an option added to a list is covered at once.
 */
class DeclaredOptionsTest {

    /** A configuration class under test: its declared options and how to build one. */
    record Subject(String name, List<Option<?>> options, AbstractConfig defaults, Supplier<Object> builder) {
        @Override
        public String toString() {
            return name;
        }

        /** A configuration with one option set through the generic setter. */
        AbstractConfig with(Option<?> option, Object value) {
            return with(Map.of(), option, value);
        }

        /** A configuration with {@code first} set, then the option. */
        AbstractConfig with(Map<Option<?>, Object> first, Option<?> option, Object value) {
            Object b = builder.get();
            first.forEach((o, v) -> invoke(b, "set", new Class<?>[] {Option.class, Object.class}, o, v));
            invoke(b, "set", new Class<?>[] {Option.class, Object.class}, option, value);
            return (AbstractConfig) invoke(b, "build", new Class<?>[0]);
        }
    }

    static Stream<Subject> subjects() {
        return Stream.of(
                new Subject("ProducerConfig", ProducerConfig.options(), ProducerConfig.defaults(), ProducerConfig::builder),
                new Subject("FirehoseProducerConfig", FirehoseProducerConfig.options(), FirehoseProducerConfig.defaults(),
                        FirehoseProducerConfig::builder));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void defaultsAreTheDeclaredDefaults(Subject s) {
        for (Option<?> o : s.options()) {
            assertThat(s.defaults().get(o)).as(o.name()).isEqualTo(o.defaultValue());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void everyRangeIsCheckedNamingTheOptionAndTheRange(Subject s) {
        for (Option<?> o : s.options()) {
            assertThatThrownBy(() -> s.with(o, null)).as(o.name())
                    .isInstanceOf(NullPointerException.class).hasMessageContaining(o.name());
            if (o.min().isEmpty()) {
                continue; // a flag or a choice: no range
            }
            for (Object bad : List.of(belowMin(o), aboveMax(o))) {
                assertThatThrownBy(() -> s.with(o, bad)).as(o.name() + " = " + o.show(bad))
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith(o.name() + " must be between " + o.range());
            }
            // the minimum is accepted (with the back-off base at its minimum too, as the one rule between options asks)
            Map<Option<?>, Object> base = Map.of(Options.RETRY_BACKOFF_BASE, Duration.ofMillis(1));
            assertThat(s.with(base, o, o.min().orElseThrow()).get(o)).as(o.name()).isEqualTo(o.min().orElseThrow());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void theTypedSetterAndAccessorOfEachOptionUseItsDeclaration(Subject s) {
        for (Option<?> o : s.options()) {
            Object value = nonDefault(o);
            Object b = s.builder().get();
            invoke(b, o.name(), new Class<?>[] {primitive(o.type())}, value);
            AbstractConfig c = (AbstractConfig) invoke(b, "build", new Class<?>[0]);
            assertThat(c.get(o)).as(o.name()).isEqualTo(value);
            Object typed = invoke(c, o.name(), new Class<?>[0]);
            assertThat(typed instanceof OptionalInt n ? n.getAsInt() : typed).as(o.name()).isEqualTo(value);
            // and the typed setter validates through the declaration too
            if (o.min().isPresent()) {
                assertThatThrownBy(() -> invoke(s.builder().get(), o.name(), new Class<?>[] {primitive(o.type())}, aboveMax(o)))
                        .as(o.name()).hasMessageStartingWith(o.name() + " must be between " + o.range());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void toStringShowsEveryOptionWithItsValue(Subject s) {
        String defaults = s.defaults().toString();
        assertThat(defaults).startsWith(s.name() + "{");
        for (Option<?> o : s.options()) {
            assertThat(defaults).contains(o.name() + "=" + o.show(o.defaultValue()));
            Object value = nonDefault(o);
            assertThat(s.with(o, value).toString()).as(o.name()).contains(o.name() + "=" + o.show(value));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void equalsAndHashCodeSeeEveryOption(Subject s) {
        for (Option<?> o : s.options()) {
            Object value = nonDefault(o);
            AbstractConfig changed = s.with(o, value);
            assertThat(changed).as(o.name()).isNotEqualTo(s.defaults());
            AbstractConfig same = s.with(o, o.type() == byte[].class ? ((byte[]) value).clone() : value);
            assertThat(same).as(o.name()).isEqualTo(changed).hasSameHashCodeAs(changed);
            if (o.defaultValue() != null) {
                assertThat(s.with(o, o.defaultValue())).as(o.name() + " set to its default").isEqualTo(s.defaults());
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("subjects")
    void optionsOfTheOtherConfigurationAreRefused(Subject s) {
        for (Option<?> o : Stream.concat(Options.KINESIS.stream(), Options.FIREHOSE.stream()).toList()) {
            if (!s.options().contains(o)) {
                assertThatThrownBy(() -> s.defaults().get(o)).hasMessageContaining(o.name() + " is not an option here");
                assertThatThrownBy(() -> s.with(o, nonDefault(o))).hasMessageContaining(o.name() + " is not an option here");
            }
        }
    }

    @org.junit.jupiter.api.Test
    void sharedOptionsAreTheSameDeclarationsAndFirehoseHasNoShardOptions() {
        List<String> shared = Options.FIREHOSE.stream().filter(Options.KINESIS::contains).map(Option::name).toList();
        assertThat(shared).containsExactly("recordMaxBufferedTime", "collectionMaxCount", "collectionMaxSize",
                "maxInFlightRequests", "requestTimeout", "recordTtl", "maxAttempts", "retryBackoffBase", "retryBackoffMax",
                "maxOutstandingRecords", "maxOutstandingBytes", "maxBlockTime");
        for (Option<?> o : Options.FIREHOSE) {
            if (o == Options.FIREHOSE_COLLECTION_MAX_SIZE) {
                assertThat(Options.FIREHOSE_COLLECTION_MAX_SIZE.max()).hasValue(FirehoseProducerConfig.MAX_REQUEST_SIZE);
                assertThat(o.description()).isEqualTo(Options.COLLECTION_MAX_SIZE.description());
            } else if (Options.KINESIS.contains(o)) {
                assertThat(Options.KINESIS).as(o.name()).anySatisfy(k -> assertThat(k).isSameAs(o));
            }
        }
        assertThat(Options.FIREHOSE).doesNotContain(Options.AGGREGATION_ENABLED, Options.SHARD_RATE_LIMITING,
                Options.ORDERING, Options.MAX_RECORD_SIZE, Options.SHARD_MAP_MIN_REFRESH_INTERVAL);
        assertThat(Stream.of(FirehoseProducerConfig.class.getMethods()).map(Method::getName))
                .doesNotContain("aggregationEnabled", "shardRateLimiting", "preserveShardOrder", "ordering", "maxRecordSize");
    }

    @org.junit.jupiter.api.Test
    void theDeclaredLimitsAreTheServiceLimitsThePublicConstantsName() {
        assertThat(Options.COLLECTION_MAX_COUNT.max()).hasValue(ProducerConfig.MAX_RECORDS_PER_REQUEST)
                .hasValue(FirehoseProducerConfig.MAX_RECORDS_PER_REQUEST);
        assertThat(Options.COLLECTION_MAX_SIZE.max()).hasValue(ProducerConfig.DEFAULT_MAX_REQUEST_SIZE);
        assertThat(Options.MAX_RECORD_SIZE.max()).hasValue(ProducerConfig.MAX_RECORD_SIZE_LIMIT);
        assertThat(Options.AGGREGATION_MAX_SIZE.max()).hasValue(ProducerConfig.DEFAULT_MAX_RECORD_SIZE);
        assertThat(Options.PACKING_MAX_SIZE.max()).hasValue(FirehoseProducerConfig.MAX_RECORD_SIZE);
        assertThat(Options.MAX_OUTSTANDING_BYTES.defaultValue())
                .isEqualTo(Math.max(16L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8));
        assertThat(Options.RECORD_TTL.range()).isEqualTo(Duration.ofMillis(100) + " and " + Duration.ofDays(1));
        assertThat(Options.PACKING_DELIMITER.range()).isEqualTo("1 and 16 bytes long");
        assertThat(Map.of("recordMaxBufferedTime", "record-max-buffered-time", "recordTtl", "record-ttl",
                "aggregationPreservesPartitionKeys", "aggregation-preserves-partition-keys"))
                .allSatisfy((name, property) -> assertThat(Options.KINESIS.stream().filter(o -> o.name().equals(name))
                        .findFirst().orElseThrow().propertyName()).isEqualTo(property));
    }

    private static Class<?> primitive(Class<?> type) {
        return type == Integer.class ? int.class : type == Long.class ? long.class : type == Double.class ? double.class
                : type == Boolean.class ? boolean.class : type;
    }

    private static Object invoke(Object target, String method, Class<?>[] types, Object... args) {
        try {
            return target.getClass().getMethod(method, types).invoke(target, args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(Objects.toString(method) + " not found on " + target.getClass(), e);
        }
    }
}
