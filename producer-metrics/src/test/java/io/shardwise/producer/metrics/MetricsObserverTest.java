package io.shardwise.producer.metrics;

import static io.shardwise.producer.metrics.MeterReads.count;
import static io.shardwise.producer.metrics.MeterReads.gauge;
import static io.shardwise.producer.metrics.MeterReads.search;
import static io.shardwise.producer.metrics.MeterReads.summaryCount;
import static io.shardwise.producer.metrics.MeterReads.summaryMax;
import static io.shardwise.producer.metrics.MeterReads.summaryTotal;
import static io.shardwise.producer.metrics.MeterReads.tagValues;
import static io.shardwise.producer.metrics.MeterReads.timerCount;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.shardwise.producer.Attempt;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerObserver.RequestOutcome;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.RetriesExhaustedException;
import io.shardwise.producer.firehose.FirehoseProducerConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The observer's arithmetic and tagging, driven with hand-made events (no producer, no server). */
class MetricsObserverTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MeterSet meters = new MeterSet(registry);

    private MetricsObserver observer(ProducerMetrics.Granularity granularity) {
        return observer(granularity, MetricsObserver.Profile.of(ProducerConfig.defaults()));
    }

    private MetricsObserver observer(ProducerMetrics.Granularity granularity, MetricsObserver.Profile profile) {
        return new MetricsObserver(meters, granularity, Tags.of("app", "test"), false, new double[0], profile);
    }

    private static Attempt failedAttempt(String code) {
        return Attempt.failed(Instant.now(), Duration.ofMillis(3), code, "message");
    }

    @Test
    void partlyFailedRequestsCountAcknowledgedEntriesBytesProRataAndErrorsByCode() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.STREAM);
        // 10 entries carrying 25 user records, 4 failed of which 3 throttled
        o.requestCompleted(new RequestOutcome("s", 10, 25, 1000, 800, TimeUnit.MILLISECONDS.toNanos(7), 4, 3, null));
        // a request failed as a whole
        o.requestCompleted(new RequestOutcome("s", 5, 5, 500, 500, TimeUnit.MILLISECONDS.toNanos(9), 5, 0, "InternalFailure"));
        // a clean one
        o.requestCompleted(new RequestOutcome("s", 2, 2, 200, 180, TimeUnit.MILLISECONDS.toNanos(5), 0, 0, null));

        String[] s = {MeterNames.TAG_STREAM, "s"};
        assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT, s)).isEqualTo(6 + 0 + 2);
        assertThat(count(registry, MeterNames.KINESIS_RECORDS_BYTES, s)).isEqualTo(1000 * 6 / 10.0 + 200);
        assertThat(count(registry, MeterNames.USER_RECORDS_BYTES, s)).isEqualTo(800 * 6 / 10.0 + 180);
        assertThat(count(registry, MeterNames.KINESIS_RECORDS_THROTTLED, s)).isEqualTo(3);
        assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, MeterNames.THROTTLED_ENTRY_ERROR)).isEqualTo(3);
        assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, MeterNames.OTHER_ENTRY_ERROR)).isEqualTo(1);
        assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, "InternalFailure")).isEqualTo(5);
        assertThat(count(registry, MeterNames.ERRORS)).as("AllErrors").isEqualTo(9);

        assertThat(timerCount(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS,
                MeterNames.TAG_ERROR_CODE, MeterNames.NONE)).isEqualTo(2);
        Timer failed = search(registry, MeterNames.REQUEST_TIME, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE,
                MeterNames.TAG_ERROR_CODE, "InternalFailure").timer();
        assertThat(failed.count()).isEqualTo(1);
        assertThat(failed.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(9.0);

        assertThat(summaryCount(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isEqualTo(3);
        assertThat(summaryTotal(registry, MeterNames.KINESIS_RECORDS_PER_REQUEST, s)).isEqualTo(17);
        assertThat(summaryTotal(registry, MeterNames.USER_RECORDS_PER_REQUEST, s)).isEqualTo(32);
        // 25 user records over 10 Kinesis records: five carry 3 and five carry 2; then 5 x 1 and 2 x 1
        assertThat(summaryCount(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(17);
        assertThat(summaryTotal(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(32);
        assertThat(summaryMax(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(3);
        assertThat(registry.getMeters()).allMatch(m -> "test".equals(m.getId().getTag("app")));
    }

    @Test
    void recordFailuresAreTaggedWithReasonAndLastErrorCode() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.STREAM);
        o.recordCompleted("s", "shardId-000000000001", 1, 1_000_000, 5_000_000, null);
        o.recordCompleted("s", "shardId-000000000002", 3, 2_000_000, 9_000_000, null);
        o.recordCompleted("s", null, 2, 1_000_000, 30_000_000_000L, new RecordExpiredException("expired",
                List.of(failedAttempt("InternalFailure"), failedAttempt("ProvisionedThroughputExceededException")), null));
        o.recordCompleted("s", null, 0, 30_000_000_000L, 30_000_000_000L, new RecordExpiredException("never sent", List.of(), null));
        o.recordCompleted("s", null, 1, 1_000_000, 2_000_000, new RecordRejectedException("rejected", "KMSAccessDeniedException",
                List.of(failedAttempt("KMSAccessDeniedException")), null));
        o.recordCompleted("s", null, 5, 1_000_000, 2_000_000, new RetriesExhaustedException("exhausted",
                List.of(failedAttempt("InternalFailure")), null));

        String put = MeterNames.USER_RECORDS_PUT;
        assertThat(count(registry, put, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS, MeterNames.TAG_REASON, MeterNames.NONE,
                MeterNames.TAG_ERROR_CODE, MeterNames.NONE)).isEqualTo(2);
        assertThat(count(registry, put, MeterNames.TAG_REASON, "RecordExpiredException",
                MeterNames.TAG_ERROR_CODE, "ProvisionedThroughputExceededException")).isEqualTo(1);
        assertThat(count(registry, put, MeterNames.TAG_REASON, "RecordExpiredException", MeterNames.TAG_ERROR_CODE, MeterNames.NONE))
                .isEqualTo(1);
        assertThat(count(registry, put, MeterNames.TAG_REASON, "RecordRejectedException",
                MeterNames.TAG_ERROR_CODE, "KMSAccessDeniedException")).isEqualTo(1);
        assertThat(count(registry, put, MeterNames.TAG_REASON, "RetriesExhaustedException",
                MeterNames.TAG_ERROR_CODE, "InternalFailure")).isEqualTo(1);
        assertThat(count(registry, put, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE)).isEqualTo(4);
        assertThat(count(registry, MeterNames.USER_RECORDS_EXPIRED, MeterNames.TAG_STREAM, "s")).isEqualTo(2);

        // retries per record: attempts - 1, never below 0, for every completed record
        assertThat(summaryCount(registry, MeterNames.RETRIES_PER_RECORD)).isEqualTo(6);
        assertThat(summaryTotal(registry, MeterNames.RETRIES_PER_RECORD)).isEqualTo(0 + 2 + 1 + 0 + 0 + 4);
        // buffering time for every record, delivery time for acknowledged ones only
        assertThat(timerCount(registry, MeterNames.BUFFERING_TIME)).isEqualTo(6);
        Timer delivery = search(registry, MeterNames.DELIVERY_TIME).timer();
        assertThat(delivery.count()).isEqualTo(2);
        assertThat(delivery.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(14.0);
        assertThat(tagValues(registry, put, MeterNames.TAG_SHARD)).as("no shard tag with STREAM granularity").isEmpty();
    }

    @Test
    void shardGranularityTagsPerRecordMetersAndTracksRateLimits() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.SHARD);
        o.recordCompleted("s", "shardId-1", 1, 1_000_000, 2_000_000, null);
        o.recordCompleted("s", "shardId-2", 1, 1_000_000, 2_000_000, null);
        o.recordCompleted("s", "shardId-2", 1, 1_000_000, 2_000_000, null);
        o.recordCompleted("s", null, 1, 1_000_000, 2_000_000, new RetriesExhaustedException("x", List.of(failedAttempt("E")), null));
        o.requestCompleted(new RequestOutcome("s", 3, 3, 30, 30, 1_000_000, 0, 0, null));

        assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_SHARD, "shardId-1")).isEqualTo(1);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_SHARD, "shardId-2")).isEqualTo(2);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_SHARD, MeterNames.NONE,
                MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE)).isEqualTo(1);
        assertThat(tagValues(registry, MeterNames.BUFFERING_TIME, MeterNames.TAG_SHARD))
                .containsExactly(MeterNames.NONE, "shardId-1", "shardId-2");
        assertThat(search(registry, MeterNames.KINESIS_RECORDS_PUT).counter().getId().getTag(MeterNames.TAG_SHARD)).isNull();

        // rate limits: at the ceiling when first seen, then as the producer reports
        String[] shard2 = {MeterNames.TAG_STREAM, "s", MeterNames.TAG_SHARD, "shardId-2"};
        assertThat(gauge(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS, shard2)).isEqualTo(1000.0);
        o.shardRateLimitChanged("s", "shardId-2", 500.0, 524288.0);
        assertThat(gauge(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS, shard2)).isEqualTo(500.0);
        assertThat(gauge(registry, MeterNames.SHARD_RATE_LIMIT_BYTES, shard2)).isEqualTo(524288.0);
        o.shardRateLimitChanged("s", "shardId-3", 250.0, 262144.0);
        assertThat(gauge(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS, MeterNames.TAG_SHARD, "shardId-3")).isEqualTo(250.0);
        assertThat(tagValues(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS, MeterNames.TAG_SHARD))
                .containsExactly("shardId-1", "shardId-2", "shardId-3");
    }

    @Test
    void rateLimitChangesAreIgnoredBelowShardGranularity() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.STREAM);
        o.shardRateLimitChanged("s", "shardId-1", 500.0, 524288.0);
        o.recordCompleted("s", "shardId-1", 1, 1, 2, null);
        assertThat(search(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS).gauges()).isEmpty();
        assertThat(search(registry, MeterNames.SHARD_RATE_LIMIT_BYTES).gauges()).isEmpty();
    }

    @Test
    void noRateLimitGaugesWhenTheProducerDoesNotLimit() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.SHARD,
                MetricsObserver.Profile.of(ProducerConfig.builder().shardRateLimiting(false).build()));
        o.recordCompleted("s", "shardId-1", 1, 1, 2, null);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT)).isEqualTo(1);
        assertThat(search(registry, MeterNames.SHARD_RATE_LIMIT_RECORDS).gauges()).isEmpty();
    }

    @Test
    void globalGranularityKeepsOneSetOfMetersForAllStreams() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.GLOBAL);
        o.recordCompleted("a", "shardId-1", 1, 1, 2, null);
        o.recordCompleted("b", "shardId-1", 1, 1, 2, null);
        o.requestCompleted(new RequestOutcome("a", 1, 1, 10, 10, 1, 0, 0, null));
        o.requestCompleted(new RequestOutcome("b", 1, 1, 10, 10, 1, 0, 0, null));
        assertThat(search(registry, MeterNames.USER_RECORDS_PUT).counters()).hasSize(1);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT)).isEqualTo(2);
        assertThat(search(registry, MeterNames.KINESIS_RECORDS_PUT).counters()).hasSize(1);
        assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT)).isEqualTo(2);
        assertThat(registry.getMeters()).allMatch(m -> m.getId().getTag(MeterNames.TAG_STREAM) == null);
    }

    @Test
    void firehoseEventsHaveNoShardAndCountThrottledEntriesUnderServiceUnavailable() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.STREAM,
                MetricsObserver.Profile.of(FirehoseProducerConfig.defaults()));
        // 10 Firehose records carrying 30 packed user records, 3 failed of which 2 throttled
        o.requestCompleted(new RequestOutcome("clicks", 10, 30, 4000, 3900, 1_000_000, 3, 2, null));
        // a Firehose producer reports no shard, for acknowledged and failed records alike
        o.recordCompleted("clicks", null, 1, 1_000_000, 2_000_000, null);
        o.recordCompleted("clicks", null, 2, 1_000_000, 3_000_000, new RetriesExhaustedException("x",
                List.of(failedAttempt("ServiceUnavailableException")), null));
        o.shardRateLimitChanged("clicks", null, 1.0, 1.0);

        String[] s = {MeterNames.TAG_STREAM, "clicks"};
        assertThat(count(registry, MeterNames.KINESIS_RECORDS_PUT, s)).isEqualTo(7);
        assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, MeterNames.FIREHOSE_THROTTLED_ENTRY_ERROR))
                .isEqualTo(2);
        assertThat(count(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE, MeterNames.OTHER_ENTRY_ERROR)).isEqualTo(1);
        assertThat(tagValues(registry, MeterNames.ERRORS, MeterNames.TAG_ERROR_CODE)).doesNotContain(MeterNames.THROTTLED_ENTRY_ERROR);
        assertThat(summaryMax(registry, MeterNames.USER_RECORDS_PER_KINESIS_RECORD, s)).isEqualTo(3);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_SUCCESS)).isEqualTo(1);
        assertThat(count(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_RESULT, MeterNames.RESULT_FAILURE,
                MeterNames.TAG_ERROR_CODE, "ServiceUnavailableException")).isEqualTo(1);
        assertThat(registry.getMeters()).as("no shard tag, no rate-limit gauge")
                .allMatch(m -> m.getId().getTag(MeterNames.TAG_SHARD) == null)
                .noneMatch(m -> m.getId().getName().startsWith(MeterNames.PREFIX + "shard."));
        assertThat(tagValues(registry, MeterNames.USER_RECORDS_PUT, MeterNames.TAG_STREAM)).containsExactly("clicks");
    }

    @Test
    void metersCreatedAfterCloseAreNotLeftInTheRegistry() {
        MetricsObserver o = observer(ProducerMetrics.Granularity.STREAM);
        o.recordCompleted("a", "shardId-1", 1, 1, 2, null);
        assertThat(registry.getMeters()).isNotEmpty();
        meters.close();
        assertThat(registry.getMeters()).isEmpty();
        // a callback racing with close, for a stream not seen before
        o.recordCompleted("b", "shardId-1", 1, 1, 2, null);
        o.requestCompleted(new RequestOutcome("b", 1, 1, 10, 10, 1, 0, 0, null));
        assertThat(registry.getMeters()).isEmpty();
        assertThat(meters.size()).isZero();
    }
}
