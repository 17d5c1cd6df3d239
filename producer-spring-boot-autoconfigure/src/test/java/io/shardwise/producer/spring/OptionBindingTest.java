package io.shardwise.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.config.AbstractConfig;
import io.shardwise.producer.config.Option;
import io.shardwise.producer.config.Options;
import io.shardwise.producer.firehose.FirehoseProducer;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * Every declared option is bound from its property, under both prefixes: set all of them to values
 * other than their defaults and every one arrives in the producer's configuration. Going over the
 * declarations, an option added to them is covered here without a new line.
 */
class OptionBindingTest {
    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ShardwiseProducerAutoConfiguration.class,
                    ShardwiseFirehoseAutoConfiguration.class))
            .withPropertyValues("shardwise.producer.region=us-east-1", "shardwise.producer.endpoint=http://127.0.0.1:9",
                    "shardwise.firehose.enabled=true", "shardwise.firehose.region=us-east-1",
                    "shardwise.firehose.endpoint=http://127.0.0.1:9");

    /** Its minimum (a flipped flag, another constant, another delimiter): never the default, and the back-off rule holds. */
    private static Object sample(Option<?> o) {
        if (o.type() == Boolean.class) {
            return !(Boolean) o.defaultValue();
        }
        if (o.type().isEnum()) {
            Object[] all = o.type().getEnumConstants();
            return all[0].equals(o.defaultValue()) ? all[all.length - 1] : all[0];
        }
        return o.type() == byte[].class ? "||".getBytes(StandardCharsets.UTF_8) : o.min().orElseThrow();
    }

    /** The sample as a property value (durations in ISO-8601, bytes as their text). */
    private static String property(String prefix, Option<?> o) {
        Object v = sample(o);
        return prefix + "." + o.propertyName() + "=" + (v instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : v);
    }

    private static List<String> properties(String prefix, List<Option<?>> options) {
        List<String> all = new ArrayList<>();
        options.forEach(o -> all.add(property(prefix, o)));
        return all;
    }

    private static void assertEveryOptionBound(AbstractConfig config, List<Option<?>> options, AbstractConfig defaults) {
        for (Option<?> o : options) {
            assertThat(config.get(o)).as(o.name()).isEqualTo(sample(o)).isNotEqualTo(defaults.get(o));
        }
    }

    @Test
    void everyDeclaredOptionIsBoundFromItsPropertyForBothProducers() {
        List<String> values = new ArrayList<>(properties(ShardwiseProducerProperties.PREFIX, ProducerConfig.options()));
        values.addAll(properties(ShardwiseFirehoseProperties.PREFIX, FirehoseProducerConfig.options()));
        runner.withPropertyValues(values.toArray(String[]::new)).run(context -> {
            assertThat(context).hasNotFailed();
            assertEveryOptionBound(context.getBean(KinesisProducer.class).config(), ProducerConfig.options(),
                    ProducerConfig.defaults());
            assertEveryOptionBound(context.getBean(FirehoseProducer.class).config(), FirehoseProducerConfig.options(),
                    FirehoseProducerConfig.defaults());
        });
    }

    @Test
    void relaxedNamesBindAndUnsetOptionsAreLeftAlone() {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of(
                "shardwise.producer.recordTtl", "2m", "shardwise.producer.aggregation_enabled", "false")));
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        Map.of("SHARDWISE_PRODUCER_MAXATTEMPTS", "3")));
        Map<String, Object> bound = new HashMap<>();
        OptionBinding.bind(environment, ShardwiseProducerProperties.PREFIX, ProducerConfig.options(),
                new OptionBinding.Setter() {
                    @Override
                    public <T> void set(Option<T> option, T value) {
                        bound.put(option.name(), value);
                    }
                });
        assertThat(bound).containsOnlyKeys("recordTtl", "maxAttempts", "aggregationEnabled")
                .containsEntry("recordTtl", java.time.Duration.ofMinutes(2)).containsEntry("maxAttempts", 3)
                .containsEntry("aggregationEnabled", false);
    }

    @Test
    void anOutOfRangeValueFailsTheContextNamingTheOptionAndItsRange() {
        runner.withPropertyValues("shardwise.producer.record-ttl=50ms").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("recordTtl must be between " + Options.RECORD_TTL.range() + ", was PT0.05S"));
        runner.withPropertyValues("shardwise.firehose.collection-max-size=5000000").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause()
                        .hasMessage("collectionMaxSize must be between 1024 and 4194304, was 5000000"));
    }
}
