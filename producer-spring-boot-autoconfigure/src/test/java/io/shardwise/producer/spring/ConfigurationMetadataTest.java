package io.shardwise.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.config.Option;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata of the options comes from their declarations: the committed
 * {@code META-INF/additional-spring-configuration-metadata.json} is exactly what the declarations
 * give (run with {@code -Dshardwise.writeMetadata=true} to rewrite it after changing an option),
 * and the metadata the configuration processor builds from it and the properties classes lists
 * every property of the README's tables, with its type and description.
 */
class ConfigurationMetadataTest {
    private static final Path ADDITIONAL = Path.of("src/main/resources/META-INF/additional-spring-configuration-metadata.json");

    @Test
    void theAdditionalMetadataIsWhatTheDeclarationsGive() throws IOException {
        String expected = metadata();
        if (Boolean.getBoolean("shardwise.writeMetadata")) {
            Files.writeString(ADDITIONAL, expected);
        }
        assertThat(Files.readString(ADDITIONAL))
                .as("%s is out of date: rerun this test with -Dshardwise.writeMetadata=true", ADDITIONAL)
                .isEqualTo(expected);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theBuiltMetadataListsEveryPropertyWithItsTypeAndDescription() throws IOException {
        Map<String, Object> json;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("metadata built by spring-boot-configuration-processor").isNotNull();
            json = new ObjectMapper().readValue(in, Map.class);
        }
        List<Map<String, Object>> properties = (List<Map<String, Object>>) json.get("properties");
        assertThat(properties).allSatisfy(p -> {
            assertThat(p.get("type")).as(p.get("name") + " type").isNotNull();
            assertThat((String) p.get("description")).as(p.get("name") + " description").isNotBlank();
        });
        TreeSet<String> names = new TreeSet<>();
        properties.forEach(p -> names.add((String) p.get("name")));
        List<String> kinesis = List.of("enabled", "stream-name", "kpl-properties-file", "region", "endpoint",
                "record-max-buffered-time", "collection-max-count", "collection-max-size", "max-record-size",
                "max-in-flight-requests", "request-timeout", "record-ttl", "max-attempts", "retry-backoff-base",
                "retry-backoff-max", "shard-map-min-refresh-interval", "ordering", "fail-if-throttled",
                "shard-rate-limiting", "shard-rate-limit-factor", "max-outstanding-records", "max-outstanding-bytes",
                "max-block-time", "aggregation-enabled", "aggregation-max-size", "aggregation-max-count",
                "aggregation-max-user-record-size", "aggregation-preserves-partition-keys", "shutdown-timeout",
                "health-max-oldest-record-age");
        List<String> firehose = List.of("enabled", "delivery-stream-name", "region", "endpoint", "record-max-buffered-time",
                "collection-max-count", "collection-max-size", "max-in-flight-requests", "request-timeout", "record-ttl",
                "max-attempts", "retry-backoff-base", "retry-backoff-max", "max-outstanding-records",
                "max-outstanding-bytes", "max-block-time", "packing-enabled", "packing-max-size", "packing-delimiter",
                "shutdown-timeout", "health-max-oldest-record-age");
        TreeSet<String> expected = new TreeSet<>();
        kinesis.forEach(n -> expected.add("shardwise.producer." + n));
        firehose.forEach(n -> expected.add("shardwise.firehose." + n));
        assertThat(names).as("the README's property tables").isEqualTo(expected);
        Map<String, Object> size = properties.stream().filter(p -> p.get("name").equals("shardwise.firehose.collection-max-size"))
                .findFirst().orElseThrow();
        assertThat(size).containsEntry("type", "java.lang.Long").containsEntry("defaultValue", 4194304);
        assertThat((String) size.get("description")).endsWith("Between 1024 and 4194304.");
    }

    /** The metadata of every declared option under both prefixes, as JSON. */
    static String metadata() {
        List<String> entries = new ArrayList<>();
        addAll(entries, ShardwiseProducerProperties.PREFIX, ShardwiseProducerProperties.class, ProducerConfig.options());
        addAll(entries, ShardwiseFirehoseProperties.PREFIX, ShardwiseFirehoseProperties.class, FirehoseProducerConfig.options());
        return "{\n  \"properties\": [\n" + String.join(",\n", entries) + "\n  ]\n}\n";
    }

    private static void addAll(List<String> entries, String prefix, Class<?> source, List<Option<?>> options) {
        for (Option<?> o : options) {
            StringBuilder e = new StringBuilder("    {\n");
            e.append("      \"name\": ").append(quote(prefix + "." + o.propertyName())).append(",\n");
            e.append("      \"type\": ").append(quote(o.propertyType().getName())).append(",\n");
            e.append("      \"sourceType\": ").append(quote(source.getName())).append(",\n");
            String range = o.min().isEmpty() ? ""
                    : " Between " + (o.type() == byte[].class ? o.range() : text(o.min().get()) + " and " + text(o.max().get())) + ".";
            e.append("      \"description\": ").append(quote(o.description() + range));
            Object d = o.defaultValue();
            if (d != null && !o.name().equals("maxOutstandingBytes")) {   // that default depends on the heap
                e.append(",\n      \"defaultValue\": ").append(d instanceof Number || d instanceof Boolean ? d : quote(text(d)));
            }
            entries.add(e.append("\n    }").toString());
        }
    }

    /** A value as it is written in a property: 100ms, 30s, 1m, text for bytes. */
    private static String text(Object value) {
        if (value instanceof Duration d) {
            long ms = d.toMillis();
            return ms == 0 ? "0s" : ms % 3_600_000 == 0 ? ms / 3_600_000 + "h" : ms % 60_000 == 0 ? ms / 60_000 + "m"
                    : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
        return value instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : String.valueOf(value);
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r") + '"';
    }
}
