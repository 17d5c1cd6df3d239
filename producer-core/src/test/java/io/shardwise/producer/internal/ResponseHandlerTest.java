package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.RetriesExhaustedException;
import io.shardwise.producer.StreamNotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.model.InvalidArgumentException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;

class ResponseHandlerTest {
    private static final String STREAM = "orders-stream";
    private static final long SENT_NANOS = 5_000_000_000L;
    private static final long TOOK_NANOS = 42_000_000L;
    private static final long NOW = SENT_NANOS + TOOK_NANOS;
    private static final long BASE_NANOS = Duration.ofMillis(100).toNanos();

    private Outstanding outstanding;
    private Counters counters;
    private RetryPolicy retryPolicy;
    private StreamPipeline pipeline;
    private Instant sentAt;
    private int seq;

    @BeforeEach
    void setUp() {
        outstanding = new Outstanding();
        counters = new Counters();
        retryPolicy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), new java.util.SplittableRandom(7));
        pipeline = new StreamPipeline(STREAM);
        sentAt = Instant.now();
    }

    private ResponseHandler handler(int maxAttempts) {
        return new ResponseHandler(maxAttempts, Duration.ofSeconds(30), retryPolicy, counters);
    }

    private PendingRecord rec(long deadline) {
        int n = seq++;
        PendingRecord r = new PendingRecord(STREAM, "key-" + n, null, new byte[] {(byte) n}, 7, n, n,
                SENT_NANOS - 1_000, deadline, outstanding);
        r.predictedShardId = "shardId-" + n;
        return r;
    }

    private List<PendingRecord> recs(int n) {
        List<PendingRecord> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(rec(NOW + Duration.ofSeconds(30).toNanos()));
        }
        return l;
    }

    private RequestBatch batch(List<PendingRecord> records) {
        RequestBatch b = new RequestBatch(pipeline, 500, 5L * 1024 * 1024);
        records.forEach(b::add);
        b.sentAt = sentAt;
        b.sentNanos = SENT_NANOS;
        return b;
    }

    private static PutRecordsResultEntry ok(String shardId, String sequenceNumber) {
        return PutRecordsResultEntry.builder().shardId(shardId).sequenceNumber(sequenceNumber).build();
    }

    private static PutRecordsResultEntry err(String code, String message) {
        return PutRecordsResultEntry.builder().errorCode(code).errorMessage(message).build();
    }

    private static Destination.EntryResults response(PutRecordsResultEntry... entries) {
        return Destination.EntryResults.of(Arrays.asList(entries), KinesisDestination.RESULT_FIELDS);
    }

    private static AwsServiceException serviceError(AwsServiceException.Builder b, String code, String message) {
        return b.awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).statusCode(400).build();
    }

    private static RecordFailedException failure(PendingRecord r) {
        assertThat(r.future).isCompletedExceptionally();
        Throwable t = catchThrowable(() -> r.future.get());
        assertThat(t).isInstanceOf(ExecutionException.class);
        assertThat(t.getCause()).isInstanceOf(RecordFailedException.class);
        return (RecordFailedException) t.getCause();
    }

    private static void assertFailedAttempt(Attempt a, Instant sentAt, String code) {
        assertThat(a.isSuccessful()).isFalse();
        assertThat(a.errorCode()).contains(code);
        assertThat(a.startedAt()).isEqualTo(sentAt);
        assertThat(a.duration()).isEqualTo(Duration.ofNanos(TOOK_NANOS));
    }

    // ---- success ----

    @Test
    void allSuccessCompletesEachRecordWithItsOwnEntry() {
        List<PendingRecord> rs = recs(5);
        RequestBatch b = batch(rs);
        PutRecordsResultEntry[] entries = new PutRecordsResultEntry[5];
        for (int i = 0; i < 5; i++) {
            entries[i] = ok("shardId-" + i, "4959" + (1000 + i));
        }
        ResponseHandler.Outcome out = handler(0).handle(b, response(entries), null, NOW);
        assertThat(out.retries()).isEmpty();
        assertThat(out.predictionMisses()).isZero();
        for (int i = 0; i < 5; i++) {
            PutResult res = ((PutResult) rs.get(i).future.join());
            assertThat(res.shardId()).isEqualTo("shardId-" + i);
            assertThat(res.sequenceNumber()).isEqualTo("4959" + (1000 + i));
            assertThat(res.attempts()).hasSize(1);
            Attempt a = res.attempts().get(0);
            assertThat(a.isSuccessful()).isTrue();
            assertThat(a.errorCode()).isEmpty();
            assertThat(a.startedAt()).isEqualTo(sentAt);
            assertThat(a.duration()).isEqualTo(Duration.ofNanos(TOOK_NANOS));
        }
        assertThat(outstanding.succeeded()).isEqualTo(5);
        assertThat(outstanding.failed()).isZero();
        assertThat(counters.retried.sum()).isZero();
        assertThat(outstanding.records()).isZero();
        assertThat(outstanding.bytes()).isZero();
    }

    @Test
    void entriesAreMatchedByPositionNotByShard() {
        // entries answered in record order even when their shards interleave
        List<PendingRecord> rs = recs(3);
        rs.get(0).predictedShardId = "B";
        rs.get(1).predictedShardId = "A";
        rs.get(2).predictedShardId = "B";
        ResponseHandler.Outcome out = handler(0).handle(batch(rs),
                response(ok("B", "s-first"), ok("A", "s-second"), ok("B", "s-third")), null, NOW);
        assertThat(out.predictionMisses()).isZero();
        assertThat(((PutResult) rs.get(0).future.join()).sequenceNumber()).isEqualTo("s-first");
        assertThat(((PutResult) rs.get(1).future.join()).sequenceNumber()).isEqualTo("s-second");
        assertThat(((PutResult) rs.get(2).future.join()).sequenceNumber()).isEqualTo("s-third");
        assertThat(((PutResult) rs.get(1).future.join()).shardId()).isEqualTo("A");
    }

    // ---- partial failure ----

    @Test
    void partialFailureRetriesOnlyFailedEntries() {
        List<PendingRecord> rs = recs(5);
        Destination.EntryResults resp = response(
                ok("shardId-0", "s0"),
                err("ProvisionedThroughputExceededException", "Rate exceeded for shard shardId-1"),
                ok("shardId-2", "s2"),
                err("InternalFailure", "Internal service failure."),
                ok("shardId-4", "s4"));
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), resp, null, NOW);

        assertThat(out.retries()).containsExactly(rs.get(1), rs.get(3));
        assertThat(out.predictionMisses()).isZero();
        assertThat(out.results()).containsExactly(ResponseHandler.OK, ResponseHandler.THROTTLED, ResponseHandler.OK,
                ResponseHandler.FAILED, ResponseHandler.OK);
        assertThat(counters.throttled.sum()).isEqualTo(1);
        for (int i : new int[] {0, 2, 4}) {
            PutResult res = ((PutResult) rs.get(i).future.join());
            assertThat(res.shardId()).isEqualTo("shardId-" + i);
            assertThat(res.sequenceNumber()).isEqualTo("s" + i);
        }
        assertThat(rs.get(1).isDone()).isFalse();
        assertThat(rs.get(3).isDone()).isFalse();
        assertThat(rs.get(1).attempts()).hasSize(1);
        assertFailedAttempt(rs.get(1).attempts().get(0), sentAt, "ProvisionedThroughputExceededException");
        assertThat(rs.get(1).attempts().get(0).errorMessage()).contains("Rate exceeded for shard shardId-1");
        assertFailedAttempt(rs.get(3).attempts().get(0), sentAt, "InternalFailure");
        for (PendingRecord r : out.retries()) {
            assertThat(r.retryAtNanos).isBetween(NOW, NOW + BASE_NANOS);
        }
        assertThat(outstanding.succeeded()).isEqualTo(3);
        assertThat(counters.retried.sum()).isEqualTo(2);
        assertThat(outstanding.failed()).isZero();
        assertThat(outstanding.records()).isEqualTo(2);
    }

    @Test
    void retryAfterFailureKeepsFailedAttemptsInResult() {
        List<PendingRecord> rs = recs(1);
        PendingRecord r = rs.get(0);
        ResponseHandler h = handler(0);
        h.handle(batch(rs), response(err("ProvisionedThroughputExceededException", "slow down")), null, NOW);
        h.handle(batch(rs), response(err("InternalFailure", "oops")), null, NOW);
        ResponseHandler.Outcome out = h.handle(batch(rs), response(ok("shardId-0", "s")), null, NOW);
        assertThat(out.retries()).isEmpty();
        PutResult res = ((PutResult) r.future.join());
        assertThat(res.attempts()).hasSize(3);
        assertThat(res.attempts().get(0).errorCode()).contains("ProvisionedThroughputExceededException");
        assertThat(res.attempts().get(1).errorCode()).contains("InternalFailure");
        assertThat(res.attempts().get(2).isSuccessful()).isTrue();
    }

    @Test
    void entryLevelRejectionFailsAtOnce() {
        List<PendingRecord> rs = recs(3);
        Destination.EntryResults resp = response(
                err("KMSAccessDeniedException", "User is not authorized to use the key"),
                err("KMSThrottlingException", "KMS is throttling"),
                err("InvalidArgumentException", "bad"));
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), resp, null, NOW);
        assertThat(out.retries()).containsExactly(rs.get(1));
        RecordFailedException kms = failure(rs.get(0));
        assertThat(kms).isInstanceOf(RecordRejectedException.class);
        assertThat(((RecordRejectedException) kms).errorCode()).isEqualTo("KMSAccessDeniedException");
        assertThat(kms.getMessage()).contains("key policy").contains(STREAM);
        RecordFailedException bad = failure(rs.get(2));
        assertThat(bad).isInstanceOf(RecordRejectedException.class);
        assertThat(((RecordRejectedException) bad).errorCode()).isEqualTo("InvalidArgumentException");
        assertThat(outstanding.failed()).isEqualTo(2);
    }

    // ---- prediction misses ----

    @Test
    void predictionMissesAreCounted() {
        List<PendingRecord> rs = recs(5);
        rs.forEach(r -> r.predictedShardId = "shardId-A");
        rs.get(4).predictedShardId = null; // uncovered: no prediction, no miss
        Destination.EntryResults resp = response(
                ok("shardId-A", "1"), ok("shardId-B", "2"), ok("shardId-A", "3"), ok("shardId-C", "4"), ok("shardId-Z", "5"));
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), resp, null, NOW);
        assertThat(out.predictionMisses()).isEqualTo(2);
        assertThat(counters.predictionMisses.sum()).isEqualTo(2);
        assertThat(rs).allMatch(r -> r.future.isDone() && !r.future.isCompletedExceptionally());
    }

    @Test
    void failedEntriesAreNotPredictionMisses() {
        List<PendingRecord> rs = recs(2);
        rs.forEach(r -> r.predictedShardId = "shardId-A");
        ResponseHandler.Outcome out = handler(0).handle(batch(rs),
                response(err("InternalFailure", "x"), ok("shardId-A", "1")), null, NOW);
        assertThat(out.predictionMisses()).isZero();
        assertThat(counters.predictionMisses.sum()).isZero();
    }

    // ---- request-level errors ----

    @Test
    void resourceNotFoundFailsEveryRecordWithStreamNotFound() {
        List<PendingRecord> rs = recs(3);
        AwsServiceException e = serviceError(ResourceNotFoundException.builder(), "ResourceNotFoundException", "x");
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, e, NOW);
        assertThat(out.retries()).isEmpty();
        for (PendingRecord r : rs) {
            RecordFailedException f = failure(r);
            assertThat(f).isInstanceOf(StreamNotFoundException.class);
            assertThat(f.getMessage()).contains(STREAM).contains("ResourceNotFoundException");
            assertThat(f.getCause()).isSameAs(e);
            assertThat(f.attempts()).hasSize(1);
            assertFailedAttempt(f.attempts().get(0), sentAt, "ResourceNotFoundException");
        }
        assertThat(outstanding.failed()).isEqualTo(3);
        assertThat(counters.retried.sum()).isZero();
        assertThat(outstanding.records()).isZero();
    }

    @Test
    void wrappedRequestErrorIsUnwrapped() {
        List<PendingRecord> rs = recs(1);
        AwsServiceException e = serviceError(ResourceNotFoundException.builder(), "ResourceNotFoundException", "x");
        handler(0).handle(batch(rs), null, new CompletionException(e), NOW);
        RecordFailedException f = failure(rs.get(0));
        assertThat(f).isInstanceOf(StreamNotFoundException.class);
        assertThat(f.getCause()).isSameAs(e);
    }

    @Test
    void kmsAccessDeniedIsRejectedMentioningKeyPolicy() {
        List<PendingRecord> rs = recs(2);
        AwsServiceException e = serviceError(KmsAccessDeniedException.builder(), "KMSAccessDeniedException", "denied");
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, e, NOW);
        assertThat(out.retries()).isEmpty();
        for (PendingRecord r : rs) {
            RecordFailedException f = failure(r);
            assertThat(f).isInstanceOf(RecordRejectedException.class);
            assertThat(((RecordRejectedException) f).errorCode()).isEqualTo("KMSAccessDeniedException");
            assertThat(f.getMessage()).contains("key policy").contains("denied");
            assertThat(f.attempts()).hasSize(1);
        }
        assertThat(outstanding.failed()).isEqualTo(2);
    }

    @Test
    void invalidArgumentRequestOfOneRecordIsRejectedWithTheServicesMessage() {
        List<PendingRecord> rs = recs(1);
        AwsServiceException e = serviceError(InvalidArgumentException.builder(), "InvalidArgumentException", "bad");
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, e, NOW);
        assertThat(out.splits()).isEmpty();
        assertThat(failure(rs.get(0))).isInstanceOf(RecordRejectedException.class).hasMessageContaining("bad");
    }

    @Test
    void requestRejectedAsAWholeForItsContentIsSplitInHalvesNotFailed() {
        List<PendingRecord> rs = recs(5);
        AwsServiceException e = serviceError(InvalidArgumentException.builder(), "ValidationException", "1 validation error");
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, e, NOW);
        assertThat(out.retries()).isEmpty();
        assertThat(out.splits()).hasSize(2);
        assertThat(out.splits().get(0).entryCount()).isEqualTo(2);
        assertThat(out.splits().get(1).entryCount()).isEqualTo(3);
        List<PendingRecord> carried = new ArrayList<>();
        for (RequestBatch half : out.splits()) {
            assertThat(half.resent).isTrue();
            assertThat(half.lockedQueues).isEmpty();
            for (int i = 0; i < half.recordCount(); i++) {
                carried.add(half.record(i));
                assertThat(half.entryData(i)).isSameAs(half.record(i).data);
            }
        }
        assertThat(carried).containsExactlyElementsOf(rs);
        for (PendingRecord r : rs) {
            assertThat(r.isDone()).isFalse();
            assertFailedAttempt(r.attempts().get(0), sentAt, "ValidationException");
            assertThat(r.attempts().get(0).errorMessage().orElseThrow()).contains("smaller requests");
        }
        assertThat(outstanding.failed()).isZero();
    }

    @Test
    void rejectedSingleAggregateIsSplitIntoItsRecords() {
        List<PendingRecord> rs = recs(3);
        RequestBatch b = new RequestBatch(pipeline, 500, 5L * 1024 * 1024);
        b.addAggregate(rs, new byte[] {1, 2, 3}, "a", "7", 1);
        b.sentAt = sentAt;
        b.sentNanos = SENT_NANOS;
        AwsServiceException e = serviceError(InvalidArgumentException.builder(), "InvalidArgumentException", "bad");
        ResponseHandler.Outcome out = handler(0).handle(b, null, e, NOW);
        assertThat(out.splits()).hasSize(1);
        RequestBatch plain = out.splits().get(0);
        assertThat(plain.entryCount()).isEqualTo(3);
        for (int i = 0; i < 3; i++) {
            assertThat(plain.isAggregated(i)).isFalse();
            assertThat(plain.entryPartitionKey(i)).isEqualTo(rs.get(i).partitionKey);
        }
    }

    @Test
    void successWithoutShardOrSequenceNumberIsARetryableFailureOfThatEntry() {
        List<PendingRecord> rs = recs(3);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), response(ok("shardId-0", "1"),
                PutRecordsResultEntry.builder().sequenceNumber("2").build(),
                PutRecordsResultEntry.builder().shardId("shardId-2").build()), null, NOW);
        assertThat(rs.get(0).future).isCompleted();
        assertThat(out.retries()).containsExactly(rs.get(1), rs.get(2));
        assertThat(out.results()).containsExactly(ResponseHandler.OK, ResponseHandler.FAILED, ResponseHandler.FAILED);
        assertThat(rs.get(1).attempts().get(0).errorCode()).contains("MalformedResponse");
        assertThat(rs.get(1).attempts().get(0).errorMessage().orElseThrow()).contains("shard id");
        assertThat(rs.get(2).attempts().get(0).errorMessage().orElseThrow()).contains("without its id");
    }

    @Test
    void aggregateOnAnotherShardIsHeldWholeWithAllItsRecords() {
        List<PendingRecord> rs = recs(3);
        rs.forEach(r -> r.predictedShardId = "shardId-1");
        RequestBatch b = new RequestBatch(pipeline, 500, 5L * 1024 * 1024);
        b.addAggregate(rs, new byte[] {1, 2, 3}, "a", "7", 1);
        b.sentAt = sentAt;
        b.sentNanos = SENT_NANOS;
        ResponseHandler.Outcome out = handler(0).handle(b, response(ok("shardId-9", "495")), null, NOW);
        assertThat(out.heldForRefresh()).hasSize(1);
        ResponseHandler.HeldAggregate held = out.heldForRefresh().get(0);
        assertThat(held.shardId()).isEqualTo("shardId-9");
        assertThat(held.sequenceNumber()).isEqualTo("495");
        assertThat(held.members()).containsExactlyElementsOf(rs);
        assertThat(rs).noneMatch(PendingRecord::isDone);
    }

    @Test
    void observerThrowingEverywhereLeavesNoFutureIncomplete() {
        Outstanding ledger = new Outstanding();
        ObserverRegistry observers = ledger.observers;
        observers.add(new io.shardwise.producer.ProducerObserver() {
            @Override
            public void requestCompleted(RequestOutcome outcome) {
                throw new IllegalStateException("observer bug");
            }

            @Override
            public void recordCompleted(String stream, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                        RecordFailedException failure) {
                throw new StackOverflowError("observer bug");
            }
        });
        List<PendingRecord> rs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            rs.add(new PendingRecord(STREAM, "k" + i, null, new byte[] {1}, 3, i, i, SENT_NANOS - 1, NOW + 1_000_000_000L, ledger));
        }
        ResponseHandler h = new ResponseHandler(0, Duration.ofSeconds(30), retryPolicy, counters, observers,
                new KinesisDestination(null, false, Duration.ofSeconds(1)));
        h.handle(batch(rs), response(ok("shardId-0", "1"), err("AccessDeniedException", "no"), ok("shardId-0", "3")), null, NOW);
        assertThat(rs.get(0).future).isCompleted();
        assertThat(rs.get(1).future).isCompletedExceptionally();
        assertThat(rs.get(2).future).isCompleted();
        assertThat(ledger.records()).isZero();
    }

    private void assertRetriedOnRequestError(Throwable error, String expectedCode) {
        List<PendingRecord> rs = recs(3);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, error, NOW);
        assertThat(out.retries()).containsExactlyElementsOf(rs);
        assertThat(out.predictionMisses()).isZero();
        for (PendingRecord r : rs) {
            assertThat(r.isDone()).isFalse();
            assertThat(r.attempts()).hasSize(1);
            assertFailedAttempt(r.attempts().get(0), sentAt, expectedCode);
            assertThat(r.retryAtNanos).isBetween(NOW, NOW + BASE_NANOS);
        }
        assertThat(counters.retried.sum()).isEqualTo(3);
        assertThat(outstanding.failed()).isZero();
        assertThat(outstanding.succeeded()).isZero();
    }

    @Test
    void throughputExceededRequestIsRetried() {
        assertRetriedOnRequestError(serviceError(ProvisionedThroughputExceededException.builder(),
                "ProvisionedThroughputExceededException", "Rate exceeded"), "ProvisionedThroughputExceededException");
    }

    @Test
    void sdkClientExceptionIsRetried() {
        assertRetriedOnRequestError(SdkClientException.create("Connection reset by peer"), "ClientError");
    }

    @Test
    void apiCallTimeoutIsRetried() {
        assertRetriedOnRequestError(ApiCallTimeoutException.create(6000), "RequestTimeout");
    }

    @Test
    void apiCallAttemptTimeoutIsRetriedEvenWrapped() {
        assertRetriedOnRequestError(new CompletionException(ApiCallAttemptTimeoutException.create(6000)), "RequestTimeout");
    }

    @Test
    void serverErrorWithoutDetailsIsRetried() {
        AwsServiceException e = AwsServiceException.builder().statusCode(503).message("Service Unavailable").build();
        assertRetriedOnRequestError(e, "HTTP 503");
    }

    // ---- limits ----

    @Test
    void maxAttemptsReachedGivesRetriesExhaustedWithAllAttempts() {
        List<PendingRecord> rs = recs(1);
        PendingRecord r = rs.get(0);
        ResponseHandler h = handler(3);
        ResponseHandler.Outcome o1 = h.handle(batch(rs), response(err("ProvisionedThroughputExceededException", "a")), null, NOW);
        assertThat(o1.retries()).containsExactly(r);
        ResponseHandler.Outcome o2 = h.handle(batch(rs), null,
                serviceError(ProvisionedThroughputExceededException.builder(), "ProvisionedThroughputExceededException", "b"), NOW);
        assertThat(o2.retries()).containsExactly(r);
        assertThat(r.isDone()).isFalse();
        ResponseHandler.Outcome o3 = h.handle(batch(rs), response(err("InternalFailure", "c")), null, NOW);
        assertThat(o3.retries()).isEmpty();
        RecordFailedException f = failure(r);
        assertThat(f).isInstanceOf(RetriesExhaustedException.class);
        assertThat(f.getMessage()).contains("3").contains("InternalFailure").contains(STREAM);
        assertThat(f.attempts()).hasSize(3);
        assertThat(f.attempts()).extracting(a -> a.errorCode().orElseThrow())
                .containsExactly("ProvisionedThroughputExceededException", "ProvisionedThroughputExceededException", "InternalFailure");
        assertThat(f.attempts()).extracting(a -> a.errorMessage().orElse(null)).containsExactly("a", "b", "c");
        assertThat(outstanding.failed()).isEqualTo(1);
        assertThat(counters.retried.sum()).isEqualTo(2);
        assertThat(outstanding.records()).isZero();
    }

    @Test
    void maxAttemptsOfOneFailsOnFirstRetryableError() {
        List<PendingRecord> rs = recs(2);
        ResponseHandler.Outcome out = handler(1).handle(batch(rs), null, SdkClientException.create("reset"), NOW);
        assertThat(out.retries()).isEmpty();
        for (PendingRecord r : rs) {
            RecordFailedException f = failure(r);
            assertThat(f).isInstanceOf(RetriesExhaustedException.class);
            assertThat(f.attempts()).hasSize(1);
        }
    }

    @Test
    void unlimitedAttemptsKeepRetrying() {
        List<PendingRecord> rs = recs(1);
        ResponseHandler h = handler(0);
        for (int i = 0; i < 20; i++) {
            ResponseHandler.Outcome out = h.handle(batch(rs), response(err("InternalFailure", "x")), null, NOW);
            assertThat(out.retries()).containsExactly(rs.get(0));
        }
        assertThat(rs.get(0).attempts()).hasSize(20);
        // back-off ceiling grows but stays capped at the max (5 s)
        assertThat(rs.get(0).retryAtNanos).isBetween(NOW, NOW + Duration.ofSeconds(5).toNanos());
    }

    @Test
    void deadlinePassedGivesRecordExpired() {
        PendingRecord due = rec(NOW);
        PendingRecord past = rec(NOW - 1);
        PendingRecord live = rec(NOW + 1);
        List<PendingRecord> rs = List.of(due, past, live);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), response(
                err("ProvisionedThroughputExceededException", "slow"),
                err("InternalFailure", "boom"),
                err("InternalFailure", "boom")), null, NOW);
        assertThat(out.retries()).containsExactly(live);
        assertThat(live.retryAtNanos).as("retry not scheduled after the deadline").isBetween(NOW, live.deadlineNanos);
        RecordFailedException f = failure(due);
        assertThat(f).isInstanceOf(RecordExpiredException.class);
        assertThat(f.getMessage()).contains("ProvisionedThroughputExceededException").contains(STREAM);
        assertThat(f.attempts()).hasSize(1);
        assertFailedAttempt(f.attempts().get(0), sentAt, "ProvisionedThroughputExceededException");
        assertThat(failure(past)).isInstanceOf(RecordExpiredException.class);
        assertThat(outstanding.failed()).isEqualTo(2);
    }

    @Test
    void requestLevelFailureAfterDeadlineExpires() {
        List<PendingRecord> rs = List.of(rec(NOW - 10));
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, ApiCallTimeoutException.create(6000), NOW);
        assertThat(out.retries()).isEmpty();
        RecordFailedException f = failure(rs.get(0));
        assertThat(f).isInstanceOf(RecordExpiredException.class);
        assertThat(f.attempts()).hasSize(1);
    }

    @Test
    void expiredOfNeverSentRecordSaysSo() {
        PendingRecord r = rec(NOW);
        RecordExpiredException e = handler(0).expired(r, STREAM);
        assertThat(e.attempts()).isEmpty();
        assertThat(e.getMessage()).contains("never sent").contains(STREAM).contains("PT30S");
    }

    // ---- malformed responses ----

    @Test
    void wrongNumberOfEntriesRetriesEverything() {
        List<PendingRecord> rs = recs(3);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs),
                response(ok("shardId-0", "1"), ok("shardId-1", "2")), null, NOW);
        assertThat(out.retries()).containsExactlyElementsOf(rs);
        assertThat(out.predictionMisses()).isZero();
        for (PendingRecord r : rs) {
            assertThat(r.isDone()).isFalse();
            assertThat(r.attempts()).hasSize(1);
            assertThat(r.attempts().get(0).isSuccessful()).isFalse();
            assertThat(r.attempts().get(0).errorCode()).contains("MalformedResponse");
        }
        assertThat(outstanding.succeeded()).isZero();
        assertThat(counters.retried.sum()).isEqualTo(3);
    }

    @Test
    void tooManyEntriesRetriesEverything() {
        List<PendingRecord> rs = recs(1);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs),
                response(ok("shardId-0", "1"), ok("shardId-1", "2")), null, NOW);
        assertThat(out.retries()).containsExactly(rs.get(0));
        assertThat(rs.get(0).isDone()).isFalse();
    }

    @Test
    void nullResponseWithoutErrorRetriesEverything() {
        List<PendingRecord> rs = recs(2);
        ResponseHandler.Outcome out = handler(0).handle(batch(rs), null, null, NOW);
        assertThat(out.retries()).containsExactlyElementsOf(rs);
        assertThat(rs).noneMatch(PendingRecord::isDone);
    }

    // ---- races with close ----

    @Test
    void recordAlreadyFailedByCloseIsLeftAlone() {
        List<PendingRecord> rs = recs(2);
        rs.get(0).fail(new RecordFailedException("closed", List.of(), null));
        rs.get(1).fail(new RecordFailedException("closed", List.of(), null));
        ResponseHandler.Outcome out = handler(0).handle(batch(rs),
                response(ok("shardId-0", "1"), err("InternalFailure", "x")), null, NOW);
        assertThat(out.retries()).isEmpty();
        assertThat(outstanding.succeeded()).isZero();
        assertThat(outstanding.failed()).as("only the two failures by close").isEqualTo(2);
        assertThat(failure(rs.get(0)).getMessage()).isEqualTo("closed");
        assertThat(outstanding.records()).isZero();
    }

    @Test
    void failIfThrottledFailsThrottledEntriesAtOnceAndRetriesTheOthers() {
        List<PendingRecord> rs = recs(3);
        ResponseHandler h = new ResponseHandler(0, Duration.ofSeconds(30), retryPolicy, counters, new ObserverRegistry(),
                new KinesisDestination(null, false, Duration.ofSeconds(1)), true);
        ResponseHandler.Outcome out = h.handle(batch(rs), response(err("ProvisionedThroughputExceededException", "slow down"),
                err("InternalFailure", "oops"), ok("shardId-2", "9")), null, NOW);
        RecordFailedException f = failure(rs.get(0));
        assertThat(f).isInstanceOf(io.shardwise.producer.RecordThrottledException.class).hasMessageContaining("failIfThrottled");
        assertFailedAttempt(f.attempts().get(0), sentAt, "ProvisionedThroughputExceededException");
        assertThat(out.retries()).containsExactly(rs.get(1));
        assertThat(rs.get(2).future).isCompleted();
    }

    @Test
    void aFailureCarriesTheRecordThatFailed() {
        List<PendingRecord> rs = recs(1);
        handler(0).handle(batch(rs), response(err("AccessDeniedException", "no")), null, NOW);
        io.shardwise.producer.UserRecord failed = failure(rs.get(0)).userRecord().orElseThrow();
        assertThat(failed.streamName()).contains(STREAM);
        assertThat(failed.partitionKey()).isEqualTo(rs.get(0).partitionKey);
        assertThat(failed.data()).isSameAs(rs.get(0).data);
        assertThat(failed.explicitHashKey()).isEmpty();
    }
}
