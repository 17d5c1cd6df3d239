package io.shardwise.producer.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ShardwiseProducer;
import io.shardwise.producer.firehose.FirehoseProducer;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Micrometer meters for a {@link KinesisProducer} or a {@link FirehoseProducer}: the KPL's metric
 * set (user records received, put and failed, Kinesis records and bytes put, errors by code,
 * retries per record, buffering and request time, records pending, ...) with Micrometer naming.
 * The names are in {@link MeterNames}; {@code docs/metrics.md} has the table.
 *
 * <pre>{@code
 * try (ProducerMetrics metrics = ProducerMetrics.builder(producer)
 *         .granularity(ProducerMetrics.Granularity.STREAM)    // the default
 *         .commonTags(Tags.of("producer", "orders-writer"))
 *         .bindTo(registry)) {
 *     ...
 * }   // removes the meters and stops observing the producer
 * }</pre>
 *
 * <p><b>Cost.</b> Nothing runs on the record path until {@link #bindTo(MeterRegistry)} is called:
 * the producer calls no observer while none is registered. Once bound, producer-wide counters and
 * gauges ({@link MeterNames#USER_RECORDS_RECEIVED}, pending records, oldest record age, retries,
 * shard-map refreshes, prediction misses and fallbacks) are {@link FunctionCounter}s and
 * {@link Gauge}s reading the producer's {@code stats()} when the registry polls them: no cost per
 * record. Meters tagged by stream or shard, the timers and the distributions are fed by a
 * {@link io.shardwise.producer.ProducerObserver} on the producer's threads: per completed record a
 * few counter and timer updates on cached meters, per PutRecords request a few more (and one
 * {@link MeterNames#USER_RECORDS_PER_KINESIS_RECORD} sample per Kinesis record).
 *
 * <p><b>Granularity</b> (like the KPL's {@code MetricsGranularity}) decides the tags of the
 * observer's meters: {@link Granularity#GLOBAL} none, {@link Granularity#STREAM} {@code stream},
 * {@link Granularity#SHARD} {@code stream} everywhere plus {@code shard} on the per-record meters
 * (records put, buffering and delivery time, retries per record) and the per-shard rate-limit
 * gauges. Producer-wide meters never carry a stream tag: the producer counts them producer-wide.
 * Common tags go on every meter; give each producer bound to one registry a distinguishing common
 * tag (e.g. {@code producer=name}), or their meters collide.
 *
 * <p>Observer-fed meters count from the moment of binding; {@code stats()}-backed counters count
 * from the producer's start.
 *
 * <p><b>Firehose.</b> A {@link FirehoseProducer} gets the same meters under the same names: the
 * {@code stream} tag holds the delivery stream name, "Kinesis records" are Firehose records
 * (PutRecordBatch entries), a throttled entry's error code is {@code ServiceUnavailableException}.
 * It has no shards: the shard-map and prediction meters are not registered, and
 * {@link Granularity#SHARD} is refused. To bind it next to a {@code KinesisProducer} in one registry,
 * give both a common tag with the same key and different values.
 *
 * <p>Thread-safe. Binds to one registry once (bind to a {@code CompositeMeterRegistry} to export
 * to several). {@link #close()} unregisters the observer and removes every meter this binder
 * registered; it does not close the producer.
 *
 * <p>Long because it binds the whole KPL metric set in one place: every producer-wide counter and
 * gauge read from {@code stats()}, the granularity and tag options, and the removal of each meter on close.
 */
public final class ProducerMetrics implements MeterBinder, AutoCloseable {

    /** Which tags the observer-fed meters carry, like the KPL's metrics granularity. */
    public enum Granularity {
        /** No stream or shard tags: one meter per name (and result, reason, error code). */
        GLOBAL,
        /** A {@code stream} tag on every observer-fed meter (the default). */
        STREAM,
        /**
         * As {@link #STREAM}, plus a {@code shard} tag on per-record meters and the per-shard
         * rate-limit gauges. One set of meters per shard written: mind the cardinality on streams
         * with many shards.
         */
        SHARD
    }

    private final Source source;
    private final Granularity granularity;
    private final Tags commonTags;
    private final boolean publishPercentileHistogram;
    private final double[] percentiles;

    private MeterSet meters;
    private AutoCloseable registration;
    private boolean closed;

    private ProducerMetrics(Builder b) {
        this.source = b.source;
        this.granularity = b.granularity;
        this.commonTags = b.commonTags;
        this.publishPercentileHistogram = b.publishPercentileHistogram;
        this.percentiles = b.percentiles.clone();
    }

    /**
     * @param producer the producer to observe
     * @return an unbound binder with the defaults: {@link Granularity#STREAM}, no common tags, no
     *     percentile histograms
     * @throws NullPointerException if {@code producer} is null
     */
    public static ProducerMetrics of(KinesisProducer producer) {
        return builder(producer).build();
    }

    /**
     * @param producer the producer to observe
     * @return a builder for a binder
     * @throws NullPointerException if {@code producer} is null
     */
    public static Builder builder(KinesisProducer producer) {
        return new Builder(Source.of(producer));
    }

    /**
     * @param producer the Firehose producer to observe
     * @return an unbound binder with the defaults: {@link Granularity#STREAM}, no common tags, no
     *     percentile histograms
     * @throws NullPointerException if {@code producer} is null
     */
    public static ProducerMetrics of(FirehoseProducer producer) {
        return builder(producer).build();
    }

    /**
     * @param producer the Firehose producer to observe
     * @return a builder for a binder ({@link Granularity#SHARD} is refused: Firehose has no shards)
     * @throws NullPointerException if {@code producer} is null
     */
    public static Builder builder(FirehoseProducer producer) {
        return new Builder(Source.of(producer));
    }

    /**
     * Registers the meters in {@code registry} and starts observing the producer.
     *
     * @param registry the registry
     * @throws NullPointerException if {@code registry} is null
     * @throws IllegalStateException if this binder is already bound or closed
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (closed) {
            throw new IllegalStateException("ProducerMetrics is closed");
        }
        if (meters != null) {
            throw new IllegalStateException("ProducerMetrics is already bound to " + meters.registry()
                    + "; bind it to a CompositeMeterRegistry to export to several registries");
        }
        MeterSet set = new MeterSet(registry);
        registerStatsMeters(set, source);
        MetricsObserver observer = new MetricsObserver(set, granularity, commonTags, publishPercentileHistogram,
                percentiles, source.profile());
        try {
            observer.registerEagerMeters();
            this.registration = source.producer().addObserver(observer);
        } catch (RuntimeException e) {
            set.close();
            throw e;
        }
        this.meters = set;
    }

    /**
     * Registers the meters that read the producer's {@code stats()} when polled. The producer itself
     * is their state object, held weakly as Micrometer does, so meters left bound do not keep a
     * dropped producer alive; the functions are handed it and hold no producer themselves.
     */
    private void registerStatsMeters(MeterSet set, Source source) {
        ShardwiseProducer p = source.producer();
        Tags t = commonTags;
        set.register(reg -> FunctionCounter.builder(MeterNames.USER_RECORDS_RECEIVED, p, x -> x.stats().userRecordsAdded())
                .description("User records accepted by addUserRecord").baseUnit(MeterNames.UNIT_RECORDS).tags(t).register(reg));
        set.register(reg -> Gauge.builder(MeterNames.USER_RECORDS_PENDING, p, x -> x.stats().outstandingRecords())
                .description("User records added and not yet completed (buffered, in flight or waiting to retry)")
                .baseUnit(MeterNames.UNIT_RECORDS).tags(t).register(reg));
        set.register(reg -> Gauge.builder(MeterNames.USER_RECORDS_PENDING_BYTES, p, x -> x.stats().outstandingBytes())
                .description("Data plus partition keys of the pending user records")
                .baseUnit(MeterNames.UNIT_BYTES).tags(t).register(reg));
        set.register(reg -> TimeGauge.builder(MeterNames.OLDEST_RECORD_AGE, p, TimeUnit.NANOSECONDS,
                        x -> x.stats().oldestRecordAge().toNanos())
                .description("Age of the oldest pending user record as of the producer's last sweep (at most a second old);"
                        + " zero when none is pending")
                .tags(t).register(reg));
        set.register(reg -> FunctionCounter.builder(MeterNames.RETRIES, p, x -> x.stats().retriedEntries())
                .description("User-record attempts that failed and were scheduled for another attempt")
                .baseUnit(MeterNames.UNIT_RETRIES).tags(t).register(reg));
        if (!source.shards()) {
            return;
        }
        set.register(reg -> FunctionCounter.builder(MeterNames.SHARD_MAP_REFRESHES, p, x -> x.stats().shardMapRefreshes())
                .description("Shard-map loads and refreshes (ListShards), the first load of each stream included")
                .baseUnit(MeterNames.UNIT_REFRESHES).tags(t).register(reg));
        set.register(reg -> FunctionCounter.builder(MeterNames.SHARD_PREDICTION_MISSES, p,
                        x -> x.stats().shardPredictionMisses())
                .description("Acknowledged user records that landed on a shard other than predicted (a reshard)")
                .baseUnit(MeterNames.UNIT_RECORDS).tags(t).register(reg));
        set.register(reg -> FunctionCounter.builder(MeterNames.SHARD_PREDICTION_FALLBACKS, p,
                        x -> x.stats().predictionFallbacks())
                .description("Times a stream fell back to batching without shard prediction because records kept"
                        + " landing on other shards right after fresh maps")
                .baseUnit(MeterNames.UNIT_FALLBACKS).tags(t).register(reg));
    }

    /**
     * Unregisters the observer and removes every meter this binder registered. The producer keeps
     * running. Idempotent; a binder never bound just becomes unusable.
     */
    @Override
    public void close() {
        AutoCloseable r;
        MeterSet m;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            r = registration;
            m = meters;
            registration = null;
        }
        try {
            if (r != null) {
                r.close();
            }
        } catch (Exception e) {
            throw new IllegalStateException("Could not unregister the metrics observer", e);
        } finally {
            if (m != null) {
                m.close();
            }
        }
    }

    /** @return the granularity of the observer-fed meters */
    public Granularity granularity() {
        return granularity;
    }

    /** @return the tags on every meter */
    public Tags commonTags() {
        return commonTags;
    }

    /** @return whether timers and distribution summaries publish a percentile histogram */
    public boolean publishPercentileHistogram() {
        return publishPercentileHistogram;
    }

    /** @return whether {@link #bindTo(MeterRegistry)} was called and {@link #close()} was not */
    public synchronized boolean isBound() {
        return meters != null && !closed;
    }

    @Override
    public String toString() {
        return "ProducerMetrics{granularity=" + granularity + ", commonTags=" + commonTags
                + ", publishPercentileHistogram=" + publishPercentileHistogram
                + ", percentiles=" + Arrays.toString(percentiles) + '}';
    }

    /**
     * Builds a {@link ProducerMetrics}. Not thread-safe. Every setter rejects a bad value at once.
     */
    public static final class Builder {
        private final Source source;
        private Granularity granularity = Granularity.STREAM;
        private Tags commonTags = Tags.empty();
        private boolean publishPercentileHistogram;
        private double[] percentiles = new double[0];

        private Builder(Source source) {
            this.source = source;
        }

        /**
         * @param granularity which tags the observer-fed meters carry; default {@link Granularity#STREAM}
         * @return this builder
         * @throws NullPointerException if {@code granularity} is null
         * @throws IllegalArgumentException if it is {@link Granularity#SHARD} for a producer without shards (Firehose)
         */
        public Builder granularity(Granularity granularity) {
            Objects.requireNonNull(granularity, "granularity");
            if (granularity == Granularity.SHARD && !source.shards()) {
                throw new IllegalArgumentException("granularity SHARD: a FirehoseProducer writes to no shards;"
                        + " use STREAM (tagged by delivery stream) or GLOBAL");
            }
            this.granularity = granularity;
            return this;
        }

        /**
         * @param tags tags put on every meter, e.g. {@code Tags.of("producer", "orders-writer")}; default none
         * @return this builder
         * @throws NullPointerException if {@code tags} is null
         * @throws IllegalArgumentException if a tag uses a key this binder sets itself
         *     ({@code stream}, {@code shard}, {@code result}, {@code reason}, {@code error.code})
         */
        public Builder commonTags(Iterable<Tag> tags) {
            Tags t = Tags.of(Objects.requireNonNull(tags, "tags"));
            for (Tag tag : t) {
                switch (tag.getKey()) {
                    case MeterNames.TAG_STREAM, MeterNames.TAG_SHARD, MeterNames.TAG_RESULT, MeterNames.TAG_REASON,
                            MeterNames.TAG_ERROR_CODE -> throw new IllegalArgumentException("commonTags: the tag key '"
                            + tag.getKey() + "' is set by ProducerMetrics itself; choose another key");
                    default -> {
                    }
                }
            }
            this.commonTags = t;
            return this;
        }

        /**
         * @param keyValues tags as key, value, key, value, ...
         * @return this builder
         * @throws IllegalArgumentException if the count is odd or a key is reserved (see {@link #commonTags(Iterable)})
         */
        public Builder commonTags(String... keyValues) {
            return commonTags(Tags.of(Objects.requireNonNull(keyValues, "keyValues")));
        }

        /**
         * Makes the timers and distribution summaries publish a percentile histogram (for
         * Prometheus {@code histogram_quantile}, aggregable across instances). Off by default;
         * a registry's {@code MeterFilter} can also switch it per meter.
         *
         * @param publish whether to publish
         * @return this builder
         */
        public Builder publishPercentileHistogram(boolean publish) {
            this.publishPercentileHistogram = publish;
            return this;
        }

        /**
         * Makes the timers and distribution summaries publish these client-side percentiles (not
         * aggregable across instances). None by default.
         *
         * @param percentiles each in 0..1, e.g. {@code 0.5, 0.99}
         * @return this builder
         * @throws IllegalArgumentException if a percentile is outside 0..1
         */
        public Builder percentiles(double... percentiles) {
            Objects.requireNonNull(percentiles, "percentiles");
            for (double p : percentiles) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException("percentiles must be within 0..1: " + p);
                }
            }
            this.percentiles = percentiles.clone();
            return this;
        }

        /** @return an unbound binder */
        public ProducerMetrics build() {
            return new ProducerMetrics(this);
        }

        /**
         * Builds the binder and binds it.
         *
         * @param registry the registry
         * @return the bound binder; close it to remove its meters
         * @throws NullPointerException if {@code registry} is null
         */
        public ProducerMetrics bindTo(MeterRegistry registry) {
            ProducerMetrics m = build();
            m.bindTo(registry);
            return m;
        }
    }

    /**
     * What a binder reads from a producer, whichever kind it is: the producer (the state object of
     * the stats-backed meters, and where the observer registers), whether it writes to shards, and
     * the profile of its configuration the observer's meters are sized by.
     */
    private record Source(ShardwiseProducer producer, boolean shards, MetricsObserver.Profile profile) {

        static Source of(KinesisProducer p) {
            Objects.requireNonNull(p, "producer");
            return new Source(p, true, MetricsObserver.Profile.of(p.config()));
        }

        static Source of(FirehoseProducer p) {
            Objects.requireNonNull(p, "producer");
            return new Source(p, false, MetricsObserver.Profile.of(p.config()));
        }
    }
}
