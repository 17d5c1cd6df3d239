package io.shardwise.producer.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.shardwise.producer.Attempt;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link ProducerObserver} behind {@link ProducerMetrics}: turns request and record completions
 * into counters, timers and distributions, and shard rate-limit changes into gauges.
 *
 * <p>Thread-safe; called on producer threads. Each callback finds its meters in a
 * {@link ConcurrentHashMap} keyed by stream (and shard), built on first sight of a stream, shard,
 * failure reason or error code; after that a callback does map look-ups and meter updates only,
 * never a registry look-up (and on the success path no allocation of its own). It never throws: a
 * failure is logged once at WARN and the event is dropped.
 *
 * <p>Long because it implements every observer callback against those meters, with the per-stream
 * and per-shard meter caches that keep the callbacks allocation-free.
 */
final class MetricsObserver implements ProducerObserver {
    private static final Logger log = LoggerFactory.getLogger(MetricsObserver.class);
    /** Key of the only entry when the granularity is GLOBAL. */
    private static final String ALL_STREAMS = "";

    private final MeterSet meters;
    private final ProducerMetrics.Granularity granularity;
    private final Tags commonTags;
    private final boolean histogram;
    private final double[] percentiles;
    private final Ranges ranges;
    private final String throttledErrorCode;
    private final ConcurrentHashMap<String, StreamMeters> streams = new ConcurrentHashMap<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    MetricsObserver(MeterSet meters, ProducerMetrics.Granularity granularity, Tags commonTags, boolean histogram,
                    double[] percentiles, Profile profile) {
        this.meters = meters;
        this.granularity = granularity;
        this.commonTags = commonTags;
        this.histogram = histogram;
        this.percentiles = percentiles.clone();
        this.ranges = new Ranges(profile);
        this.throttledErrorCode = profile.throttledErrorCode();
    }

    /** Registers the meters that need no stream (with GLOBAL granularity: all the observer's base meters). */
    void registerEagerMeters() {
        if (granularity == ProducerMetrics.Granularity.GLOBAL) {
            StreamMeters s = stream(ALL_STREAMS);
            s.records(MeterNames.NONE);
        }
    }

    // ------------------------------------------------------------------ callbacks

    @Override
    public void requestCompleted(RequestOutcome o) {
        try {
            StreamMeters s = stream(o.stream());
            int entries = o.entries();
            int failed = Math.min(o.failedEntries(), entries);
            int acknowledged = entries - failed;
            if (acknowledged > 0) {
                s.kinesisRecordsPut.increment(acknowledged);
                s.kinesisBytes.increment(share(o.bytes(), acknowledged, entries));
                s.userBytes.increment(share(o.userBytes(), acknowledged, entries));
            }
            if (o.throttledEntries() > 0) {
                s.throttled.increment(o.throttledEntries());
            }
            if (failed > 0) {
                if (o.requestErrorCode() != null) {
                    s.errors(o.requestErrorCode()).increment(failed);
                } else {
                    int throttled = Math.min(o.throttledEntries(), failed);
                    if (throttled > 0) {
                        s.errors(throttledErrorCode).increment(throttled);
                    }
                    if (failed > throttled) {
                        s.errors(MeterNames.OTHER_ENTRY_ERROR).increment(failed - throttled);
                    }
                }
            }
            s.requestTimer(o.requestErrorCode()).record(o.durationNanos(), TimeUnit.NANOSECONDS);
            s.kinesisRecordsPerRequest.record(entries);
            s.userRecordsPerRequest.record(o.userRecords());
            if (entries > 0) {
                // One sample per Kinesis record; the request says how many user records its entries
                // carried in all, so spread them as evenly as they can be (exact count and total).
                int base = o.userRecords() / entries;
                int larger = o.userRecords() % entries;
                DistributionSummary d = s.userRecordsPerKinesisRecord;
                for (int i = 0; i < entries; i++) {
                    d.record(i < larger ? base + 1 : base);
                }
            }
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                RecordFailedException failure) {
        try {
            StreamMeters s = stream(stream);
            RecordMeters r = s.records(shardId == null ? MeterNames.NONE : shardId);
            r.bufferingTime.record(Math.max(0, bufferedNanos), TimeUnit.NANOSECONDS);
            r.retriesPerRecord.record(Math.max(0, attempts - 1));
            if (failure == null) {
                r.succeeded.increment();
                r.deliveryTime.record(Math.max(0, totalNanos), TimeUnit.NANOSECONDS);
            } else {
                s.failed(r, failure).increment();
                if (failure instanceof RecordExpiredException) {
                    s.expired.increment();
                }
            }
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    @Override
    public void shardRateLimitChanged(String stream, String shardId, double recordsPerSecond, double bytesPerSecond) {
        if (granularity != ProducerMetrics.Granularity.SHARD || shardId == null) {
            return;
        }
        try {
            RateLimit limit = stream(stream).records(shardId).rateLimit;
            if (limit != null) {
                limit.recordsPerSecond = recordsPerSecond;
                limit.bytesPerSecond = bytesPerSecond;
            }
        } catch (RuntimeException e) {
            warnOnce(e);
        }
    }

    private static double share(long amount, int acknowledged, int entries) {
        // Exact when no entry failed; otherwise the acknowledged entries' share, pro rata (the
        // request outcome does not say how many bytes the failed entries had).
        return acknowledged == entries ? amount : (double) amount * acknowledged / entries;
    }

    private void warnOnce(RuntimeException e) {
        if (warned.compareAndSet(false, true)) {
            log.warn("Recording producer metrics failed; the event is dropped (logged once)", e);
        }
    }

    // ------------------------------------------------------------------ meter caches

    private StreamMeters stream(String stream) {
        String key = granularity == ProducerMetrics.Granularity.GLOBAL ? ALL_STREAMS : stream;
        StreamMeters s = streams.get(key);
        if (s == null) {
            s = streams.computeIfAbsent(key, StreamMeters::new);
        }
        return s;
    }

    /** The meters of one stream (or of all streams, with GLOBAL granularity). */
    private final class StreamMeters {
        private final Tags tags;
        final Counter kinesisRecordsPut;
        final Counter kinesisBytes;
        final Counter userBytes;
        final Counter throttled;
        final Counter expired;
        final DistributionSummary kinesisRecordsPerRequest;
        final DistributionSummary userRecordsPerRequest;
        final DistributionSummary userRecordsPerKinesisRecord;
        private final Timer requestSucceeded;
        private final ConcurrentHashMap<String, Timer> requestFailed = new ConcurrentHashMap<>();
        private final ConcurrentHashMap<String, Counter> errors = new ConcurrentHashMap<>();
        /** Failure counters, keyed by shard, reason and error code. */
        private final ConcurrentHashMap<List<String>, Counter> failures = new ConcurrentHashMap<>();
        /** With SHARD granularity one entry per shard (and {@code none} for failed records); else one entry. */
        private final ConcurrentHashMap<String, RecordMeters> records = new ConcurrentHashMap<>();

        StreamMeters(String stream) {
            this.tags = stream.equals(ALL_STREAMS) ? commonTags : commonTags.and(MeterNames.TAG_STREAM, stream);
            kinesisRecordsPut = counter(MeterNames.KINESIS_RECORDS_PUT, MeterNames.UNIT_RECORDS,
                    "Kinesis records (PutRecords entries) acknowledged", tags);
            kinesisBytes = counter(MeterNames.KINESIS_RECORDS_BYTES, MeterNames.UNIT_BYTES,
                    "Data plus partition keys of the acknowledged Kinesis records (pro rata when some entries of a request failed)",
                    tags);
            userBytes = counter(MeterNames.USER_RECORDS_BYTES, MeterNames.UNIT_BYTES,
                    "Data plus partition keys of the user records in acknowledged Kinesis records"
                            + " (pro rata when some entries of a request failed)", tags);
            throttled = counter(MeterNames.KINESIS_RECORDS_THROTTLED, MeterNames.UNIT_RECORDS,
                    "Kinesis records answered with a throttling error (ProvisionedThroughputExceededException)", tags);
            expired = counter(MeterNames.USER_RECORDS_EXPIRED, MeterNames.UNIT_RECORDS,
                    "User records failed because their recordTtl passed (RecordExpiredException)", tags);
            kinesisRecordsPerRequest = summary(MeterNames.KINESIS_RECORDS_PER_REQUEST, MeterNames.UNIT_RECORDS,
                    "Kinesis records per PutRecords request (every attempt)", tags, 1, ranges.kinesisRecordsPerRequest);
            userRecordsPerRequest = summary(MeterNames.USER_RECORDS_PER_REQUEST, MeterNames.UNIT_RECORDS,
                    "User records per PutRecords request (every attempt)", tags, 1, ranges.userRecordsPerRequest);
            userRecordsPerKinesisRecord = summary(MeterNames.USER_RECORDS_PER_KINESIS_RECORD, MeterNames.UNIT_RECORDS,
                    "User records per Kinesis record sent (more than one with aggregation)", tags, 1,
                    ranges.userRecordsPerKinesisRecord);
            requestSucceeded = requestTimerFor(MeterNames.RESULT_SUCCESS, MeterNames.NONE);
        }

        Timer requestTimer(String errorCode) {
            if (errorCode == null) {
                return requestSucceeded;
            }
            Timer t = requestFailed.get(errorCode);
            return t != null ? t : requestFailed.computeIfAbsent(errorCode, c -> requestTimerFor(MeterNames.RESULT_FAILURE, c));
        }

        private Timer requestTimerFor(String result, String errorCode) {
            return timer(MeterNames.REQUEST_TIME, "PutRecords requests, from sending to the response or failure",
                    tags.and(MeterNames.TAG_RESULT, result).and(MeterNames.TAG_ERROR_CODE, errorCode), ranges.requestTime);
        }

        Counter errors(String errorCode) {
            Counter c = errors.get(errorCode);
            return c != null ? c : errors.computeIfAbsent(errorCode, code -> counter(MeterNames.ERRORS, MeterNames.UNIT_RECORDS,
                    "Kinesis records whose PutRecords attempt failed, by error code; a failed request counts each of its"
                            + " records; 'other' is a failed entry that was not throttled",
                    tags.and(MeterNames.TAG_ERROR_CODE, code)));
        }

        Counter failed(RecordMeters r, RecordFailedException failure) {
            String reason = failure.getClass().getSimpleName();
            String code = errorCode(failure);
            List<String> key = List.of(r.shard, reason, code);
            Counter c = failures.get(key);
            return c != null ? c : failures.computeIfAbsent(key, k -> counter(MeterNames.USER_RECORDS_PUT, MeterNames.UNIT_RECORDS,
                    USER_RECORDS_PUT_DESCRIPTION, r.tags.and(MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE)
                            .and(MeterNames.TAG_REASON, reason).and(MeterNames.TAG_ERROR_CODE, code)));
        }

        RecordMeters records(String shard) {
            String key = granularity == ProducerMetrics.Granularity.SHARD ? shard : MeterNames.NONE;
            RecordMeters r = records.get(key);
            return r != null ? r : records.computeIfAbsent(key, k -> new RecordMeters(this, k));
        }
    }

    private static final String USER_RECORDS_PUT_DESCRIPTION =
            "User records completed: acknowledged (result=success) or failed (result=failure, with the reason and the last error code)";

    /** The per-record meters of one stream, or of one shard of it with SHARD granularity. */
    private final class RecordMeters {
        final String shard;
        final Tags tags;
        final Counter succeeded;
        final Timer bufferingTime;
        final Timer deliveryTime;
        final DistributionSummary retriesPerRecord;
        /** The shard's rate limit, with SHARD granularity and rate limiting on; else {@code null}. */
        final RateLimit rateLimit;

        RecordMeters(StreamMeters stream, String shard) {
            this.shard = shard;
            this.tags = granularity == ProducerMetrics.Granularity.SHARD ? stream.tags.and(MeterNames.TAG_SHARD, shard) : stream.tags;
            succeeded = counter(MeterNames.USER_RECORDS_PUT, MeterNames.UNIT_RECORDS, USER_RECORDS_PUT_DESCRIPTION,
                    tags.and(MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS).and(MeterNames.TAG_REASON, MeterNames.NONE)
                            .and(MeterNames.TAG_ERROR_CODE, MeterNames.NONE));
            bufferingTime = timer(MeterNames.BUFFERING_TIME,
                    "Time from addUserRecord to a user record's first send (to its completion if it was never sent)",
                    tags, ranges.bufferingTime);
            deliveryTime = timer(MeterNames.DELIVERY_TIME,
                    "Time from addUserRecord to a user record's acknowledgement, retries included", tags, ranges.deliveryTime);
            retriesPerRecord = summary(MeterNames.RETRIES_PER_RECORD, MeterNames.UNIT_RETRIES,
                    "Retries a user record took (attempts minus one), recorded when it completes", tags, 1, ranges.retriesPerRecord);
            if (granularity == ProducerMetrics.Granularity.SHARD && !shard.equals(MeterNames.NONE)
                    && ranges.shardRecordsPerSecond > 0) {
                RateLimit limit = new RateLimit(ranges.shardRecordsPerSecond, ranges.shardBytesPerSecond);
                meters.register(reg -> Gauge.builder(MeterNames.SHARD_RATE_LIMIT_RECORDS, limit, l -> l.recordsPerSecond)
                        .description("The shard's current adaptive records/s limit in this producer (halved on throttling,"
                                + " recovering toward the ceiling)")
                        .baseUnit(MeterNames.UNIT_RECORDS_PER_SECOND).tags(tags).strongReference(true).register(reg));
                meters.register(reg -> Gauge.builder(MeterNames.SHARD_RATE_LIMIT_BYTES, limit, l -> l.bytesPerSecond)
                        .description("The shard's current adaptive bytes/s limit in this producer (halved on throttling,"
                                + " recovering toward the ceiling)")
                        .baseUnit(MeterNames.UNIT_BYTES_PER_SECOND).tags(tags).strongReference(true).register(reg));
                this.rateLimit = limit;
            } else {
                this.rateLimit = null;
            }
        }
    }

    /** A shard's current rate limit, written by the sender thread's callback and read by the registry. */
    private static final class RateLimit {
        volatile double recordsPerSecond;
        volatile double bytesPerSecond;

        RateLimit(double recordsPerSecond, double bytesPerSecond) {
            this.recordsPerSecond = recordsPerSecond;
            this.bytesPerSecond = bytesPerSecond;
        }
    }

    /**
     * What the meters need to know of the observed producer: the bounds of its distributions, its
     * per-shard rate ceiling and the error code its service uses for a throttled entry.
     *
     * @param recordsPerRequest most records (PutRecords or PutRecordBatch entries) per request
     * @param userRecordsPerRecord most user records one record carries (KPL aggregation, Firehose packing)
     * @param maxAttempts most attempts per record, empty for unlimited
     * @param requestTimeout time limit of one request
     * @param recordTtl a record's time to live
     * @param shardRateLimitFactor factor on the per-shard ceilings, 0 when no per-shard limiter runs
     * @param throttledErrorCode the error code a throttled entry is counted under in {@link MeterNames#ERRORS}
     */
    record Profile(int recordsPerRequest, double userRecordsPerRecord, OptionalInt maxAttempts, Duration requestTimeout,
                   Duration recordTtl, double shardRateLimitFactor, String throttledErrorCode) {

        /** @return the profile of a {@code KinesisProducer} with this configuration */
        static Profile of(ProducerConfig c) {
            return new Profile(c.collectionMaxCount(), c.aggregationEnabled() ? c.aggregationMaxCount() : 1, c.maxAttempts(),
                    c.requestTimeout(), c.recordTtl(), c.shardRateLimiting() ? c.shardRateLimitFactor() : 0,
                    MeterNames.THROTTLED_ENTRY_ERROR);
        }

        /** @return the profile of a {@code FirehoseProducer} with this configuration (no shards, no rate limiter) */
        static Profile of(FirehoseProducerConfig c) {
            // A packed record holds at most as many user records as delimiters fit in it (empty records are allowed).
            double perRecord = c.packingEnabled() ? (double) c.packingMaxSize() / c.packingDelimiter().length : 1;
            return new Profile(c.collectionMaxCount(), perRecord, c.maxAttempts(), c.requestTimeout(), c.recordTtl(), 0,
                    MeterNames.FIREHOSE_THROTTLED_ENTRY_ERROR);
        }
    }

    /** Expected value ranges for percentile histograms, and the shard rate-limit ceilings, from the producer's profile. */
    private static final class Ranges {
        final double kinesisRecordsPerRequest;
        final double userRecordsPerRequest;
        final double userRecordsPerKinesisRecord;
        final double retriesPerRecord;
        final Duration requestTime;
        final Duration bufferingTime;
        final Duration deliveryTime;
        final double shardRecordsPerSecond;
        final double shardBytesPerSecond;

        Ranges(Profile p) {
            double perKinesisRecord = Math.max(1, p.userRecordsPerRecord());
            kinesisRecordsPerRequest = Math.max(1, p.recordsPerRequest());
            userRecordsPerKinesisRecord = perKinesisRecord;
            userRecordsPerRequest = kinesisRecordsPerRequest * perKinesisRecord;
            retriesPerRecord = p.maxAttempts().isPresent() ? Math.max(1, p.maxAttempts().getAsInt() - 1) : 100;
            requestTime = positive(p.requestTimeout());
            bufferingTime = positive(p.recordTtl());
            deliveryTime = positive(p.recordTtl().plus(p.requestTimeout()));
            // The limiter's ceiling: the service's per-shard limits times shardRateLimitFactor (see README).
            shardRecordsPerSecond = 1000.0 * p.shardRateLimitFactor();
            shardBytesPerSecond = 1024.0 * 1024.0 * p.shardRateLimitFactor();
        }

        private static Duration positive(Duration d) {
            return d.compareTo(Duration.ofMillis(2)) < 0 ? Duration.ofMillis(2) : d;
        }
    }

    // ------------------------------------------------------------------ meter builders

    private Counter counter(String name, String unit, String description, Tags tags) {
        return meters.register(reg -> Counter.builder(name).description(description).baseUnit(unit).tags(tags).register(reg));
    }

    private Timer timer(String name, String description, Tags tags, Duration max) {
        return meters.register(reg -> {
            Timer.Builder b = Timer.builder(name).description(description).tags(tags)
                    .publishPercentileHistogram(histogram)
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(max);
            if (percentiles.length > 0) {
                b.publishPercentiles(percentiles);
            }
            return b.register(reg);
        });
    }

    private DistributionSummary summary(String name, String unit, String description, Tags tags, double min, double max) {
        return meters.register(reg -> {
            DistributionSummary.Builder b = DistributionSummary.builder(name).description(description).baseUnit(unit).tags(tags)
                    .publishPercentileHistogram(histogram)
                    .minimumExpectedValue(min)
                    .maximumExpectedValue(Math.max(min, max));
            if (percentiles.length > 0) {
                b.publishPercentiles(percentiles);
            }
            return b.register(reg);
        });
    }

    /** @return the service error code behind a failure: the rejection's code, else the last attempt's, else {@code none} */
    static String errorCode(RecordFailedException failure) {
        if (failure instanceof RecordRejectedException rejected && rejected.errorCode() != null) {
            return rejected.errorCode();
        }
        List<Attempt> attempts = failure.attempts();
        for (int i = attempts.size() - 1; i >= 0; i--) {
            String code = attempts.get(i).errorCode().orElse(null);
            if (code != null) {
                return code;
            }
        }
        return MeterNames.NONE;
    }
}
