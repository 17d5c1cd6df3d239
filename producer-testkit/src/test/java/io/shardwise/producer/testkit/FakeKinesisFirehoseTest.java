package io.shardwise.producer.testkit;

import static io.shardwise.producer.testkit.AbstractFakeKinesisProtocolTest.failure;
import static io.shardwise.producer.testkit.AbstractFakeKinesisProtocolTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.InvalidKmsResourceException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * The Firehose data plane of {@link FakeKinesis} (PutRecordBatch, PutRecord), its validation, the
 * shared {@link Faults} and the delivery stream limits, seen through the real SDK v2
 * {@link FirehoseAsyncClient} (AWS JSON 1.1 over HTTP/1.1, the SDK's default for Firehose).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakeKinesisFirehoseTest {
    private FakeKinesis fake;
    private FirehoseAsyncClient firehose;
    private final AtomicInteger streamCounter = new AtomicInteger();

    @BeforeAll
    void start() {
        fake = FakeKinesis.builder().seed(11).build().start();
        firehose = newTestClient(o -> { });
    }

    @AfterAll
    void stop() {
        if (firehose != null) {
            firehose.close();
        }
        if (fake != null) {
            fake.close();
        }
    }

    @BeforeEach
    void reset() {
        fake.faults().clear();
        fake.clearDeliveryStreamLimits();
        fake.resetCounters();
        fake.clock = System::nanoTime;
    }

    private FirehoseAsyncClient newTestClient(Consumer<ClientOverrideConfiguration.Builder> override) {
        return fake.firehoseClientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP))
                .overrideConfiguration(o -> {
                    o.retryStrategy(AwsRetryStrategy.doNotRetry());
                    override.accept(o);
                })
                .build();
    }

    private String newDeliveryStream() {
        String name = "delivery-" + streamCounter.incrementAndGet();
        fake.createDeliveryStream(name);
        return name;
    }

    private static Record record(byte[] data) {
        return Record.builder().data(SdkBytes.fromByteArray(data)).build();
    }

    private static Record record(String data) {
        return Record.builder().data(SdkBytes.fromUtf8String(data)).build();
    }

    private static List<Record> records(String prefix, int n) {
        List<Record> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(record(prefix + i));
        }
        return out;
    }

    private PutRecordBatchResponse putBatch(String stream, List<Record> records) {
        return join(firehose.putRecordBatch(b -> b.deliveryStreamName(stream).records(records)));
    }

    private Throwable batchFailure(String stream, List<Record> records) {
        return failure(firehose.putRecordBatch(b -> b.deliveryStreamName(stream).records(records)));
    }

    private static List<String> utf8(List<FirehoseRecord> stored) {
        return stored.stream().map(FirehoseRecord::dataAsUtf8).toList();
    }

    // ---------------------------------------------------------------- storing

    @Test
    void putRecordBatchStoresTheBatchInOrderWithUniqueRecordIds() {
        String stream = newDeliveryStream();
        Random random = new Random(3);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            byte[] d = new byte[i == 7 ? 0 : 1 + random.nextInt(300)];
            random.nextBytes(d);
            payloads.add(d);
        }
        payloads.get(1)[0] = 0; // every byte value, zero and 0xFF included, must survive base64 both ways
        payloads.get(2)[0] = (byte) 0xFF;
        Instant before = Instant.now();
        PutRecordBatchResponse r = putBatch(stream, payloads.stream().map(FakeKinesisFirehoseTest::record).toList());
        Instant after = Instant.now();

        assertThat(r.failedPutCount()).isZero();
        assertThat(r.encrypted()).isFalse();
        assertThat(r.requestResponses()).hasSize(500);
        assertThat(r.requestResponses()).allSatisfy(e -> {
            assertThat(e.errorCode()).isNull();
            assertThat(e.errorMessage()).isNull();
            assertThat(e.recordId()).hasSize(128).matches("[A-Za-z0-9+/]+");
        });
        assertThat(r.requestResponses().stream().map(PutRecordBatchResponseEntry::recordId).distinct()).hasSize(500);

        List<FirehoseRecord> stored = fake.deliveryRecords(stream);
        assertThat(stored).hasSize(500);
        long bytes = 0;
        for (int i = 0; i < 500; i++) {
            FirehoseRecord s = stored.get(i);
            assertThat(s.recordId()).isEqualTo(r.requestResponses().get(i).recordId());
            assertThat(s.data()).isEqualTo(payloads.get(i));
            assertThat(s.deliveryStream()).isEqualTo(stream);
            assertThat(s.arrivedAt()).isBetween(before, after);
            bytes += payloads.get(i).length;
        }
        assertThat(stored.get(7).data()).isEmpty();
        // data() is a copy
        stored.get(3).data()[0] ^= 1;
        assertThat(fake.deliveryRecords(stream).get(3).data()).isEqualTo(payloads.get(3));

        FakeKinesis.Counters c = fake.counters();
        assertThat(c.requests("PutRecordBatch")).isEqualTo(1);
        assertThat(c.firehoseRequests("PutRecordBatch")).isEqualTo(1);
        assertThat(c.entriesReceived()).isEqualTo(500);
        assertThat(c.firehoseEntriesReceived()).isEqualTo(500);
        assertThat(c.entriesStored()).isEqualTo(500);
        assertThat(c.firehoseEntriesStored()).isEqualTo(500);
        assertThat(c.bytesStored()).isEqualTo(bytes);
        assertThat(c.jsonRequests()).isEqualTo(1);
        assertThat(c.cborRequests()).isZero();
        assertThat(c.http2Requests()).isZero(); // the SDK's Firehose client speaks HTTP/1.1

        // a second batch lands after the first, with RecordIds unlike any before
        PutRecordBatchResponse second = putBatch(stream, records("second-", 3));
        Set<String> ids = new HashSet<>();
        r.requestResponses().forEach(e -> ids.add(e.recordId()));
        second.requestResponses().forEach(e -> assertThat(ids.add(e.recordId())).isTrue());
        assertThat(utf8(fake.deliveryRecords(stream).subList(500, 503))).containsExactly("second-0", "second-1",
                "second-2");
    }

    @Test
    void putRecordStoresOneRecord() {
        String stream = newDeliveryStream();
        PutRecordResponse r = join(firehose.putRecord(b -> b.deliveryStreamName(stream)
                .record(record(new byte[] {0, 1, 2, (byte) 0xFF}))));
        assertThat(r.recordId()).hasSize(128);
        assertThat(r.encrypted()).isFalse();
        List<FirehoseRecord> stored = fake.deliveryRecords(stream);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).recordId()).isEqualTo(r.recordId());
        assertThat(stored.get(0).data()).containsExactly(0, 1, 2, 0xFF);
        FakeKinesis.Counters c = fake.counters();
        assertThat(c.firehoseRequests("PutRecord")).isEqualTo(1);
        assertThat(c.entriesStored()).isEqualTo(1);
        assertThat(c.bytesStored()).isEqualTo(4);
    }

    // ---------------------------------------------------------------- validation

    @Test
    void unknownDeliveryStreamIsResourceNotFound() {
        Throwable batch = batchFailure("no-such-delivery-stream", records("x", 1));
        assertThat(batch).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose no-such-delivery-stream under account 000000000000 not found.");
        assertThat(((ResourceNotFoundException) batch).statusCode()).isEqualTo(400);
        assertThat(failure(firehose.putRecord(b -> b.deliveryStreamName("no-such-delivery-stream").record(record("x")))))
                .isInstanceOf(ResourceNotFoundException.class);

        String stream = newDeliveryStream();
        assertThat(putBatch(stream, records("x", 1)).failedPutCount()).isZero();
        assertThat(fake.deleteDeliveryStream(stream)).isTrue();
        assertThat(batchFailure(stream, records("x", 1))).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Firehose " + stream + " under account");
        assertThat(fake.counters().entriesReceived()).isEqualTo(1);
    }

    @Test
    void brokenLimitsAreInvalidArgumentNamingTheLimit() {
        String stream = newDeliveryStream();
        assertThat(batchFailure(stream, List.of())).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records has 0 records").hasMessageContaining("takes 1 to 500 records");
        assertThat(batchFailure(stream, records("r", 501))).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records has 501 records").hasMessageContaining("takes 1 to 500 records");

        Throwable big = batchFailure(stream, List.of(record("ok"), record(new byte[1_024_001])));
        assertThat(big).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records[1] has 1024001 bytes of Data")
                .hasMessageContaining("at most 1,024,000 bytes (1,000 KiB)");
        assertThat(((InvalidArgumentException) big).statusCode()).isEqualTo(400);
        assertThat(failure(firehose.putRecord(b -> b.deliveryStreamName(stream).record(record(new byte[1_024_001])))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Record has 1024001 bytes");

        List<Record> over = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            over.add(record(new byte[900_000]));
        }
        assertThat(batchFailure(stream, over)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("Records hold 4500000 bytes of data")
                .hasMessageContaining("at most 4,194,304 bytes (4 MiB)");

        assertThat(batchFailure(stream, List.of(record("a"), record("b"), Record.builder().build())))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Records[2] has no Data");
        assertThat(failure(firehose.putRecord(b -> b.deliveryStreamName(stream).record(Record.builder().build()))))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("Record has no Data");
        assertThat(fake.deliveryRecords(stream)).isEmpty();
        assertThat(fake.counters().entriesReceived()).isZero();

        // exactly at the limits is fine
        assertThat(putBatch(stream, List.of(record(new byte[1_024_000]))).failedPutCount()).isZero();
        List<Record> exactly = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            exactly.add(record(new byte[1_000_000]));
        }
        exactly.add(record(new byte[194_304]));
        assertThat(putBatch(stream, exactly).failedPutCount()).isZero();
        assertThat(putBatch(stream, records("r", 500)).failedPutCount()).isZero();
        assertThat(fake.deliveryRecords(stream)).hasSize(1 + 5 + 500);
        assertThat(fake.deliveryRecords(stream).get(0).size()).isEqualTo(1_024_000);
    }

    // ---------------------------------------------------------------- faults

    @Test
    void injectedEntryFailuresFailOnlyThoseEntriesWhichAreNotStored() {
        String stream = newDeliveryStream();
        fake.faults().entryFailureRate(0.3);
        List<Record> pending = records("v", 400);
        PutRecordBatchResponse first = putBatch(stream, pending);
        List<String> accepted = new ArrayList<>();
        List<String> acceptedIds = new ArrayList<>();
        int failedFirst = 0;
        for (int i = 0; i < pending.size(); i++) {
            PutRecordBatchResponseEntry e = first.requestResponses().get(i);
            if (e.errorCode() != null) {
                failedFirst++;
                assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
                assertThat(e.errorMessage()).isEqualTo("Slow down.");
                assertThat(e.recordId()).isNull();
            } else {
                accepted.add(pending.get(i).data().asUtf8String());
                acceptedIds.add(e.recordId());
            }
        }
        assertThat(first.failedPutCount()).isEqualTo(failedFirst).isBetween(80, 160); // 30 % of 400, seeded
        // only the successful entries are stored, in request order, under the RecordIds answered
        assertThat(utf8(fake.deliveryRecords(stream))).isEqualTo(accepted);
        assertThat(fake.deliveryRecords(stream)).extracting(FirehoseRecord::recordId).isEqualTo(acceptedIds);

        // resending only the failed entries stores everything exactly once
        long sent = pending.size();
        List<Record> failed = new ArrayList<>();
        for (int i = 0; i < pending.size(); i++) {
            if (first.requestResponses().get(i).errorCode() != null) {
                failed.add(pending.get(i));
            }
        }
        for (int round = 0; !failed.isEmpty() && round < 50; round++) {
            sent += failed.size();
            PutRecordBatchResponse r = putBatch(stream, failed);
            List<Record> again = new ArrayList<>();
            for (int i = 0; i < failed.size(); i++) {
                if (r.requestResponses().get(i).errorCode() != null) {
                    again.add(failed.get(i));
                }
            }
            assertThat(r.failedPutCount()).isEqualTo(again.size());
            failed = again;
        }
        assertThat(failed).isEmpty();
        assertThat(utf8(fake.deliveryRecords(stream))).doesNotHaveDuplicates().hasSize(400)
                .containsExactlyInAnyOrderElementsOf(records("v", 400).stream().map(r -> r.data().asUtf8String())
                        .toList());
        FakeKinesis.Counters c = fake.counters();
        assertThat(c.entriesReceived()).isEqualTo(sent);
        assertThat(c.entriesFailedByInjection()).isEqualTo(sent - 400);
        assertThat(c.entriesStored()).isEqualTo(400);

        // an explicit code is used instead of the Firehose default
        fake.faults().entryFailureRate(1.0, "InternalFailure", "Internal service failure.");
        PutRecordBatchResponse all = putBatch(stream, records("w", 3));
        assertThat(all.failedPutCount()).isEqualTo(3);
        assertThat(all.requestResponses()).allSatisfy(e -> {
            assertThat(e.errorCode()).isEqualTo("InternalFailure");
            assertThat(e.errorMessage()).isEqualTo("Internal service failure.");
        });
        assertThat(fake.deliveryRecords(stream)).hasSize(400);
    }

    @Test
    void entryFailuresUseEachServicesOwnCodeFromOneSetOfFaults() {
        String delivery = newDeliveryStream();
        fake.createStream("kinesis-next-to-firehose", 1);
        fake.faults().entryFailureRate(1.0);
        try (KinesisAsyncClient kinesis = fake.clientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP)).build()) {
            PutRecordsResponse k = join(kinesis.putRecords(b -> b.streamName("kinesis-next-to-firehose")
                    .records(PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromUtf8String("v"))
                            .build())));
            assertThat(k.records().get(0).errorCode()).isEqualTo("InternalFailure");
        }
        PutRecordBatchResponse f = putBatch(delivery, records("v", 2));
        assertThat(f.requestResponses()).extracting(PutRecordBatchResponseEntry::errorCode)
                .containsExactly("ServiceUnavailableException", "ServiceUnavailableException");

        // a single PutRecord hit by an entry failure fails whole
        Throwable one = failure(firehose.putRecord(b -> b.deliveryStreamName(delivery).record(record("v"))));
        assertThat(one).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("Slow down.");
        assertThat(((ServiceUnavailableException) one).statusCode()).isEqualTo(500);

        FakeKinesis.Counters c = fake.counters();
        assertThat(c.entriesFailedByInjection()).isEqualTo(1 + 2 + 1);
        assertThat(c.requests("PutRecords")).isEqualTo(1);
        assertThat(c.firehoseRequests("PutRecords")).isZero();
        assertThat(c.requests("PutRecord")).isEqualTo(1);
        assertThat(c.firehoseRequestsByOperation()).containsOnlyKeys("PutRecordBatch", "PutRecord");
        assertThat(fake.deliveryRecords(delivery)).isEmpty();
        assertThat(fake.records("kinesis-next-to-firehose")).isEmpty();
    }

    @Test
    void requestErrorsMapToTheSdksExceptions() {
        String stream = newDeliveryStream();
        fake.faults().requestError("InvalidKMSResourceException");
        Throwable kms = batchFailure(stream, records("x", 1));
        assertThat(kms).isInstanceOf(InvalidKmsResourceException.class);
        assertThat(((FirehoseException) kms).statusCode()).isEqualTo(400);
        assertThat(((FirehoseException) kms).awsErrorDetails().errorCode()).isEqualTo("InvalidKMSResourceException");
        assertThat(failure(firehose.putRecord(b -> b.deliveryStreamName(stream).record(record("x")))))
                .isInstanceOf(InvalidKmsResourceException.class);

        fake.faults().requestError("ResourceNotFoundException");
        assertThat(batchFailure(stream, records("x", 1))).isInstanceOf(ResourceNotFoundException.class);
        fake.faults().requestError("InvalidArgumentException");
        assertThat(batchFailure(stream, records("x", 1))).isInstanceOf(InvalidArgumentException.class);
        fake.faults().requestError("ServiceUnavailableException");
        Throwable unavailable = batchFailure(stream, records("x", 1));
        assertThat(unavailable).isInstanceOf(ServiceUnavailableException.class);
        assertThat(((FirehoseException) unavailable).statusCode()).isEqualTo(500);
        fake.faults().requestError("ServiceUnavailableException", 503);
        assertThat(((FirehoseException) batchFailure(stream, records("x", 1))).statusCode()).isEqualTo(503);

        // the control plane still works, and clearing the error restores puts
        assertThat(join(firehose.describeDeliveryStream(b -> b.deliveryStreamName(stream)))
                .deliveryStreamDescription().deliveryStreamName()).isEqualTo(stream);
        assertThat(fake.deliveryRecords(stream)).isEmpty();
        fake.faults().requestError(null);
        assertThat(putBatch(stream, records("x", 1)).failedPutCount()).isZero();
        assertThat(fake.counters().requestsFailedByInjection()).isEqualTo(6);
    }

    @Test
    void injectedUnavailabilityAndServerErrors() {
        String stream = newDeliveryStream();
        fake.faults().serviceUnavailableRate(1.0);
        Throwable t = batchFailure(stream, records("x", 1));
        assertThat(t).isInstanceOf(ServiceUnavailableException.class);
        ServiceUnavailableException e = (ServiceUnavailableException) t;
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailableException");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Slow down.");

        fake.faults().serviceUnavailableRate(0).serverErrorRate(1.0);
        Throwable s = failure(firehose.putRecord(b -> b.deliveryStreamName(stream).record(record("x"))));
        assertThat(s).isExactlyInstanceOf(FirehoseException.class);
        assertThat(((FirehoseException) s).statusCode()).isEqualTo(500);
        assertThat(((FirehoseException) s).awsErrorDetails().errorCode()).isEqualTo("InternalFailure");

        // the control plane is untouched unless asked
        assertThat(join(firehose.listDeliveryStreams(b -> b.limit(100))).deliveryStreamNames()).contains(stream);
        fake.faults().includeControlPlane(true);
        assertThat(failure(firehose.describeDeliveryStream(b -> b.deliveryStreamName(stream))))
                .isInstanceOf(FirehoseException.class);
        assertThat(fake.deliveryRecords(stream)).isEmpty();
        assertThat(fake.counters().requestsFailedByInjection()).isEqualTo(3);
    }

    @Test
    void droppedConnectionsAndEndpointDown() {
        String stream = newDeliveryStream();
        fake.faults().dropConnectionRate(1.0);
        assertThat(batchFailure(stream, records("x", 1))).isInstanceOf(SdkClientException.class);
        assertThat(fake.counters().droppedConnections()).isEqualTo(1);
        fake.faults().dropConnectionRate(0);

        fake.faults().endpointDown(Faults.DownMode.SERVICE_UNAVAILABLE);
        Throwable down = failure(firehose.describeDeliveryStream(b -> b.deliveryStreamName(stream)));
        assertThat(down).isInstanceOf(ServiceUnavailableException.class);
        assertThat(((ServiceUnavailableException) down).statusCode()).isEqualTo(503);
        assertThat(batchFailure(stream, records("x", 1))).isInstanceOf(ServiceUnavailableException.class);

        fake.faults().endpointDown(Faults.DownMode.DROP_CONNECTION);
        assertThat(failure(firehose.listDeliveryStreams(b -> { }))).isInstanceOf(SdkClientException.class);

        fake.faults().endpointUp();
        assertThat(fake.deliveryRecords(stream)).isEmpty();
        assertThat(putBatch(stream, records("x", 1)).failedPutCount()).isZero();
        assertThat(fake.deliveryRecords(stream)).hasSize(1);
    }

    @Test
    void slowResponsesAreLateButTheRecordsAreStoredAtOnce() {
        String stream = newDeliveryStream();
        fake.faults().slowResponses(1.0, Duration.ofMillis(1500));
        try (FirehoseAsyncClient impatient = newTestClient(o -> o.apiCallAttemptTimeout(Duration.ofMillis(300)))) {
            Throwable t = failure(impatient.putRecordBatch(b -> b.deliveryStreamName(stream).records(records("x", 1))));
            assertThat(t).isInstanceOf(ApiCallAttemptTimeoutException.class);
        }
        // stored although the client gave up: a retry would create a duplicate
        assertThat(fake.deliveryRecords(stream)).hasSize(1);
        assertThat(fake.counters().slowResponses()).isEqualTo(1);

        fake.faults().slowResponses(1.0, Duration.ofMillis(200));
        long start = System.nanoTime();
        assertThat(putBatch(stream, records("y", 1)).failedPutCount()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    // ---------------------------------------------------------------- delivery stream limits

    @Test
    void deliveryStreamLimitFailsTheExcessWithServiceUnavailable() {
        String stream = newDeliveryStream();
        // off by default
        assertThat(putBatch(stream, records("free-", 500)).failedPutCount()).isZero();
        assertThat(putBatch(stream, records("free-", 500)).failedPutCount()).isZero();

        AtomicLong now = new AtomicLong(System.nanoTime());
        fake.clock = now::get; // frozen: every request falls in one second whatever the machine's load
        fake.deliveryStreamLimits(100, 1_000_000);
        String limited = newDeliveryStream();
        PutRecordBatchResponse r = putBatch(limited, records("r", 150));
        assertThat(r.failedPutCount()).isEqualTo(50);
        assertThat(r.requestResponses().subList(0, 100)).allSatisfy(e -> assertThat(e.recordId()).isNotNull());
        assertThat(r.requestResponses().subList(100, 150)).allSatisfy(e -> {
            assertThat(e.recordId()).isNull();
            assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(e.errorMessage()).isEqualTo("Slow down.");
        });
        assertThat(utf8(fake.deliveryRecords(limited))).isEqualTo(records("r", 100).stream()
                .map(x -> x.data().asUtf8String()).toList());
        assertThat(fake.counters().entriesThrottled()).isEqualTo(50);
        assertThat(putBatch(limited, records("s", 10)).failedPutCount()).isEqualTo(10);
        Throwable one = failure(firehose.putRecord(b -> b.deliveryStreamName(limited).record(record("one"))));
        assertThat(one).isInstanceOf(ServiceUnavailableException.class).hasMessageContaining("Slow down.");

        // each delivery stream has its own budget; a second later the budget is back
        assertThat(putBatch(stream, records("other-", 100)).failedPutCount()).isZero();
        now.addAndGet(1_100_000_000L);
        assertThat(putBatch(limited, records("t", 100)).failedPutCount()).isZero();

        // the byte limit counts data bytes
        fake.deliveryStreamLimits(1000, 10_000);
        String bytes = newDeliveryStream();
        List<Record> kilobytes = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            kilobytes.add(record(new byte[1000]));
        }
        assertThat(putBatch(bytes, kilobytes).failedPutCount()).isEqualTo(5);
        assertThat(fake.deliveryRecords(bytes)).hasSize(10);

        fake.clearDeliveryStreamLimits();
        assertThat(putBatch(bytes, kilobytes).failedPutCount()).isZero();
    }
}
