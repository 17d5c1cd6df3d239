package io.shardwise.producer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** Reads meters out of a registry for the tests: sums over every meter matching a name and tags. */
final class MeterReads {
    private MeterReads() {
    }

    static Search search(MeterRegistry registry, String name, String... tags) {
        return registry.find(name).tags(tags);
    }

    /** @return the sum of every counter (plain or function) of that name and tags; 0 when there is none */
    static double count(MeterRegistry registry, String name, String... tags) {
        double sum = 0;
        for (Counter c : search(registry, name, tags).counters()) {
            sum += c.count();
        }
        for (FunctionCounter c : search(registry, name, tags).functionCounters()) {
            sum += c.count();
        }
        return sum;
    }

    static long timerCount(MeterRegistry registry, String name, String... tags) {
        return search(registry, name, tags).timers().stream().mapToLong(Timer::count).sum();
    }

    static double timerTotalSeconds(MeterRegistry registry, String name, String... tags) {
        return search(registry, name, tags).timers().stream().mapToDouble(t -> t.totalTime(TimeUnit.SECONDS)).sum();
    }

    static long summaryCount(MeterRegistry registry, String name, String... tags) {
        return search(registry, name, tags).summaries().stream().mapToLong(DistributionSummary::count).sum();
    }

    static double summaryTotal(MeterRegistry registry, String name, String... tags) {
        return search(registry, name, tags).summaries().stream().mapToDouble(DistributionSummary::totalAmount).sum();
    }

    static double summaryMax(MeterRegistry registry, String name, String... tags) {
        return search(registry, name, tags).summaries().stream().mapToDouble(DistributionSummary::max).max().orElse(0);
    }

    /** @return the value of the one gauge (or time gauge, in seconds) of that name and tags */
    static double gauge(MeterRegistry registry, String name, String... tags) {
        Meter m = search(registry, name, tags).meter();
        if (m == null) {
            throw new AssertionError("no gauge " + name + " " + List.of(tags));
        }
        if (m instanceof TimeGauge tg) {
            return tg.value(TimeUnit.SECONDS);
        }
        return ((Gauge) m).value();
    }

    /** @return every value the tag takes on meters of that name (and those tags) */
    static Set<String> tagValues(MeterRegistry registry, String name, String tagKey, String... tags) {
        return search(registry, name, tags).meters().stream()
                .map(m -> m.getId().getTag(tagKey))
                .filter(v -> v != null)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** @return every meter of this module in the registry */
    static List<Meter> producerMeters(MeterRegistry registry) {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith(MeterNames.PREFIX)).toList();
    }

    static boolean hasTagKey(Meter m, String key) {
        for (Tag t : m.getId().getTagsAsIterable()) {
            if (t.getKey().equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** @return a registry remembering, by meter name, the distribution configuration each meter was registered with */
    static SimpleMeterRegistry recording(Map<String, DistributionStatisticConfig> configs) {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                configs.put(id.getName(), config);
                return config;
            }
        });
        return registry;
    }

    /** Waits until the condition holds, failing after {@code timeout}. */
    static void await(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        org.awaitility.Awaitility.await(what).atMost(timeout).until(condition::getAsBoolean);
    }
}
