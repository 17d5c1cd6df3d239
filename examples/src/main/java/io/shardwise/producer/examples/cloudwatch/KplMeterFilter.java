package io.shardwise.producer.examples.cloudwatch;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.shardwise.producer.KplProperties.MetricsGranularity;
import io.shardwise.producer.KplProperties.MetricsLevel;
import io.shardwise.producer.metrics.MeterNames;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Renames the producer's meters ({@link MeterNames}, {@code docs/metrics.md}) to the KPL's metric and
 * dimension names, so that what a CloudWatch registry publishes reads as the KPL's metrics:
 *
 * <table>
 *   <caption>Meters and KPL metrics</caption>
 *   <tr><th>meter</th><th>KPL metric</th><th>level</th></tr>
 *   <tr><td>user.records.received</td><td>UserRecordsReceived</td><td>detailed</td></tr>
 *   <tr><td>user.records.pending</td><td>UserRecordsPending</td><td>detailed</td></tr>
 *   <tr><td>user.records.put{result=success}</td><td>UserRecordsPut</td><td>summary</td></tr>
 *   <tr><td>user.records.put{result=failure}</td><td>UserRecordsFailed (Reason, ErrorCode; not a KPL metric: the
 *       KPL's count minus sum)</td><td>summary</td></tr>
 *   <tr><td>user.records.expired</td><td>UserRecordExpired</td><td>detailed</td></tr>
 *   <tr><td>user.records.bytes</td><td>UserRecordsDataPut</td><td>detailed</td></tr>
 *   <tr><td>kinesis.records.put</td><td>KinesisRecordsPut</td><td>summary</td></tr>
 *   <tr><td>kinesis.records.bytes</td><td>KinesisRecordsDataPut</td><td>detailed</td></tr>
 *   <tr><td>errors</td><td>ErrorsByCode (and AllErrors, counted by {@link KplCloudWatchMetrics})</td><td>summary</td></tr>
 *   <tr><td>retries.per.record</td><td>RetriesPerRecord</td><td>detailed</td></tr>
 *   <tr><td>buffering.time</td><td>BufferingTime</td><td>summary</td></tr>
 *   <tr><td>request.time</td><td>RequestTime (successful and failed requests together)</td><td>detailed</td></tr>
 *   <tr><td>user.records.per.kinesis.record</td><td>UserRecordsPerKinesisRecord</td><td>detailed</td></tr>
 *   <tr><td>kinesis.records.per.request</td><td>KinesisRecordsPerPutRecordsRequest</td><td>detailed</td></tr>
 *   <tr><td>user.records.per.request</td><td>UserRecordsPerPutRecordsRequest</td><td>detailed</td></tr>
 * </table>
 *
 * <p>Tags become the KPL's dimensions: {@code stream} StreamName, {@code shard} ShardId,
 * {@code error.code} ErrorCode; common tags stay as they are (the KPL's additional dimensions).
 * Record counts get the unit Count. Meters with no KPL metric (pending bytes, oldest record age,
 * delivery time, throttled records, shard-map and rate-limit meters) are denied, and so are the
 * metrics above the {@code MetricsLevel} ({@code none} denies everything).
 *
 * <p>The KPL published every metric at several granularities at once (by shard, again by stream, and
 * again with no dimension). A filter made {@link #forDimensions(MetricsLevel, MetricsGranularity) for one
 * granularity} accepts only the meters with exactly that granularity's dimensions, so one registry per
 * granularity, each bound to a {@code ProducerMetrics} of that granularity, publishes each level once
 * ({@link KplCloudWatchMetrics} does that).
 */
public final class KplMeterFilter implements MeterFilter {
    /** The KPL's dimension of the stream name. */
    public static final String STREAM_NAME = "StreamName";
    /** The KPL's dimension of the shard id. */
    public static final String SHARD_ID = "ShardId";
    /** The KPL's dimension of the error code. */
    public static final String ERROR_CODE = "ErrorCode";
    /** Dimension of {@value #USER_RECORDS_FAILED}: why the record failed (the exception's simple name). */
    public static final String REASON = "Reason";
    /** The user records that failed: not a KPL metric (the KPL reports them as UserRecordsPut's count minus sum). */
    public static final String USER_RECORDS_FAILED = "UserRecordsFailed";
    /** Kinesis records whose attempt failed, all codes together (the KPL's AllErrors). */
    public static final String ALL_ERRORS = "AllErrors";

    /** KPL name by meter name. */
    private static final Map<String, String> METRICS = Map.ofEntries(
            Map.entry(MeterNames.USER_RECORDS_RECEIVED, "UserRecordsReceived"),
            Map.entry(MeterNames.USER_RECORDS_PENDING, "UserRecordsPending"),
            Map.entry(MeterNames.USER_RECORDS_PUT, "UserRecordsPut"),
            Map.entry(MeterNames.USER_RECORDS_EXPIRED, "UserRecordExpired"),
            Map.entry(MeterNames.USER_RECORDS_BYTES, "UserRecordsDataPut"),
            Map.entry(MeterNames.KINESIS_RECORDS_PUT, "KinesisRecordsPut"),
            Map.entry(MeterNames.KINESIS_RECORDS_BYTES, "KinesisRecordsDataPut"),
            Map.entry(MeterNames.ERRORS, "ErrorsByCode"),
            Map.entry(MeterNames.RETRIES_PER_RECORD, "RetriesPerRecord"),
            Map.entry(MeterNames.BUFFERING_TIME, "BufferingTime"),
            Map.entry(MeterNames.REQUEST_TIME, "RequestTime"),
            Map.entry(MeterNames.USER_RECORDS_PER_KINESIS_RECORD, "UserRecordsPerKinesisRecord"),
            Map.entry(MeterNames.KINESIS_RECORDS_PER_REQUEST, "KinesisRecordsPerPutRecordsRequest"),
            Map.entry(MeterNames.USER_RECORDS_PER_REQUEST, "UserRecordsPerPutRecordsRequest"));
    /** KPL names published at the summary level. */
    private static final Set<String> SUMMARY = Set.of("UserRecordsPut", USER_RECORDS_FAILED, "KinesisRecordsPut",
            "ErrorsByCode", ALL_ERRORS, "BufferingTime");

    private final MetricsLevel level;
    private final MetricsGranularity dimensions;

    private KplMeterFilter(MetricsLevel level, MetricsGranularity dimensions) {
        this.level = Objects.requireNonNull(level, "level");
        this.dimensions = dimensions;
    }

    /**
     * @param level which metrics pass (the KPL's {@code MetricsLevel})
     * @return a filter passing the level's metrics with whatever dimensions they have
     */
    public static KplMeterFilter of(MetricsLevel level) {
        return new KplMeterFilter(level, null);
    }

    /**
     * @param level which metrics pass (the KPL's {@code MetricsLevel})
     * @param dimensions the granularity whose dimensions a meter must have exactly: none
     *     ({@code GLOBAL}), StreamName ({@code STREAM}), StreamName and ShardId ({@code SHARD})
     * @return a filter for the registry publishing that granularity
     */
    public static KplMeterFilter forDimensions(MetricsLevel level, MetricsGranularity dimensions) {
        return new KplMeterFilter(level, Objects.requireNonNull(dimensions, "dimensions"));
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String kpl = METRICS.get(id.getName());
        if (kpl == null) {
            return id;
        }
        boolean failed = id.getName().equals(MeterNames.USER_RECORDS_PUT)
                && MeterNames.RESULT_FAILURE.equals(id.getTag(MeterNames.TAG_RESULT));
        List<Tag> tags = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
            String key = switch (t.getKey()) {
                case MeterNames.TAG_STREAM -> STREAM_NAME;
                case MeterNames.TAG_SHARD -> SHARD_ID;
                // On a record that failed, why; on a success there is nothing to say, and a request's
                // time is one metric whatever its outcome (as the KPL's RequestTime).
                case MeterNames.TAG_ERROR_CODE -> failed || id.getName().equals(MeterNames.ERRORS) ? ERROR_CODE : null;
                case MeterNames.TAG_REASON -> failed ? REASON : null;
                case MeterNames.TAG_RESULT -> null;
                default -> t.getKey();
            };
            if (key != null) {
                tags.add(Tag.of(key, t.getValue()));
            }
        }
        String unit = id.getBaseUnit();
        if (MeterNames.UNIT_RECORDS.equals(unit) || MeterNames.UNIT_RETRIES.equals(unit)) {
            unit = "count";
        }
        return id.withName(failed ? USER_RECORDS_FAILED : kpl).replaceTags(tags).withBaseUnit(unit);
    }

    @Override
    public MeterFilterReply accept(Meter.Id id) {
        String name = id.getName();
        boolean kplMetric = name.equals(ALL_ERRORS) || name.equals(USER_RECORDS_FAILED)
                || METRICS.containsValue(name);
        if (!kplMetric || level == MetricsLevel.NONE || (level == MetricsLevel.SUMMARY && !SUMMARY.contains(name))) {
            return MeterFilterReply.DENY;
        }
        if (dimensions != null && dimensions != granularityOf(id)) {
            return MeterFilterReply.DENY;
        }
        return MeterFilterReply.NEUTRAL;
    }

    private static MetricsGranularity granularityOf(Meter.Id id) {
        if (id.getTag(SHARD_ID) != null) {
            return MetricsGranularity.SHARD;
        }
        return id.getTag(STREAM_NAME) != null ? MetricsGranularity.STREAM : MetricsGranularity.GLOBAL;
    }
}
