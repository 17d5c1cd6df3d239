package io.shardwise.producer.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The meters one {@link ProducerMetrics} registered in one registry, so that {@link #close()} can
 * remove exactly those. A meter registered after close (an observer callback racing with close)
 * is removed at once: the caller gets a working meter that no registry exports.
 *
 * <p>Thread-safe. Registration takes a lock, but happens only when a stream, shard, failure reason
 * or error code is seen for the first time; callers cache what they get.
 */
final class MeterSet {
    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();
    private boolean closed;

    MeterSet(MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    /**
     * @param registration registers a meter in the given registry (a builder's {@code register})
     * @return the registered meter
     */
    synchronized <M extends Meter> M register(Function<MeterRegistry, M> registration) {
        M meter = registration.apply(registry);
        if (closed) {
            registry.remove(meter);
        } else {
            meters.add(meter);
        }
        return meter;
    }

    /** @return how many meters are registered now */
    synchronized int size() {
        return meters.size();
    }

    /** Removes every meter registered through this set; later registrations are removed at once. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
