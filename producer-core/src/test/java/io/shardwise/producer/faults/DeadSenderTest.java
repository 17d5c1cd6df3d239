package io.shardwise.producer.faults;

import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.HANG;
import static io.shardwise.producer.faults.ApplicationCompletedFutureTest.closeWithin;
import static io.shardwise.producer.faults.FaultTestSupport.awaitAll;
import static io.shardwise.producer.faults.FaultTestSupport.failure;
import static io.shardwise.producer.faults.FaultTestSupport.payload;
import static io.shardwise.producer.faults.FaultTestSupport.summary;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerFailedException;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.faults.ApplicationCompletedFutureTest.SteeredClient;
import io.shardwise.producer.testkit.FakeKinesis;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * The sender thread dies (an {@link Error} thrown by the SDK client's {@code putRecords} on the
 * sender thread, as a broken class path would): every outstanding record fails with
 * {@link ProducerFailedException} naming the cause, later adds throw it, {@code stats()} says why,
 * and flush and close return.
 */
class DeadSenderTest {
    private static final String STREAM = "dead-sender";

    private static NoClassDefFoundError simulatedError() {
        return new NoClassDefFoundError("simulated: io/netty/handler/codec/http2/Http2FrameCodec");
    }

    @Test
    void everyOutstandingRecordFailsWithTheCauseAndLaterAddsThrowIt() throws Exception {
        int n = 60;
        NoClassDefFoundError error = simulatedError();
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 2).seed(501).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            SteeredClient steered = new SteeredClient(client);
            // One request at a time, 10 records each; a failed entry waits up to 30 s for its retry.
            ProducerConfig config = FaultTestSupport.fastConfig().aggregationEnabled(false).collectionMaxCount(10)
                    .maxInFlightRequests(1).retryBackoffBase(Duration.ofSeconds(30)).retryBackoffMax(Duration.ofSeconds(30)).build();
            KinesisProducer producer = FaultTestSupport.producer(steered, STREAM, config);
            try {
                producer.addUserRecord("warm-up", payload("warm-up", 0, 10)).get(HANG.toSeconds(), TimeUnit.SECONDS);
                steered.hold();
                List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
                }
                producer.flush();
                await("the first request in flight").atMost(HANG).until(() -> steered.heldEntries() > 0);
                // Its answer fails every entry (they wait for a retry); the next request's call throws on the sender
                // thread: records wait for a retry, in flight and queued when the sender dies.
                kinesis.faults().entryFailureRate(1.0);
                steered.failNextCall(error);
                steered.release();
                awaitAll(futures, HANG);

                for (int i = 0; i < n; i++) {
                    Throwable t = failure(futures.get(i));
                    assertThat(t).as("record %d", i).isInstanceOf(ProducerFailedException.class)
                            .hasMessageContaining("NoClassDefFoundError").hasMessageContaining(error.getMessage());
                    assertThat(t.getCause()).as("cause of record %d's failure", i).isSameAs(error);
                }
                assertThatThrownBy(() -> producer.addUserRecord("after", payload("after", 0, 10)))
                        .as("an add after the sender died").isInstanceOf(ProducerFailedException.class)
                        .hasMessageContaining("NoClassDefFoundError").hasCause(error);
                ProducerStats s = producer.stats();
                System.out.printf("dead sender: %s, senderFailure=%s%n", summary(s), s.senderFailure());
                assertThat(s.senderFailure()).as("senderFailure").hasValueSatisfying(d -> assertThat(d)
                        .contains("NoClassDefFoundError").contains(error.getMessage()));
                assertThat(s.userRecordsAdded()).as("added (the rejected add not counted)").isEqualTo(1 + n);
                assertThat(s.userRecordsSucceeded()).isEqualTo(1);
                assertThat(s.failedByReason()).isEqualTo(Map.of("ProducerFailedException", (long) n));
                assertThat(s.outstandingRecords()).isZero();
                assertThat(s.outstandingBytes()).isZero();
                flushReturns(producer);
                assertThat(closeWithin(producer).failedByReason()).isEqualTo(Map.of("ProducerFailedException", (long) n));
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    @Test
    void recordsAddedWhileTheSenderDiesAllComplete() throws Exception {
        int maxAdds = 300_000;
        NoClassDefFoundError error = simulatedError();
        try (FakeKinesis kinesis = FakeKinesis.builder().stream(STREAM, 4).seed(502).enforceShardLimits(false).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            SteeredClient steered = new SteeredClient(client);
            steered.failCall(4, error); // three requests go through, the fourth call kills the sender
            // Adds block while the buffer is full (they cannot outrun the sender, however loaded the machine) until the
            // sender dies and fails what it holds: then an add throws ProducerFailedException.
            KinesisProducer producer = FaultTestSupport.producer(steered, STREAM, FaultTestSupport.fastConfig()
                    .shardRateLimiting(false).maxOutstandingRecords(10_000).maxBlockTime(HANG).build());
            try {
                List<CompletableFuture<PutResult>> futures = new ArrayList<>();
                ProducerFailedException thrown = null;
                for (int i = 0; i < maxAdds; i++) {
                    try {
                        futures.add(producer.addUserRecord("key-" + i, payload(i, 50)));
                    } catch (ProducerFailedException e) {
                        thrown = e;
                        break;
                    }
                }
                assertThat(thrown).as("what addUserRecord threw once the sender had died (after %d adds, %d PutRecords calls)",
                        futures.size(), steered.putRecordsCalls()).isNotNull();
                assertThat(thrown.getCause()).isSameAs(error);
                awaitAll(futures, HANG);
                Map<String, Integer> outcomes = new TreeMap<>();
                Throwable unexpected = null;
                for (CompletableFuture<PutResult> f : futures) {
                    Throwable t = failure(f);
                    outcomes.merge(t == null ? "succeeded" : t.getClass().getSimpleName(), 1, Integer::sum);
                    if (t != null && !(t instanceof ProducerFailedException) && unexpected == null) {
                        unexpected = t;
                    }
                }
                ProducerStats s = producer.stats();
                System.out.printf("adding while the sender dies: %d added, outcomes %s%n  producer: %s%n", futures.size(), outcomes,
                        summary(s));
                assertThat(outcomes.keySet()).as("how the records ended (first other failure: %s, cause %s)", unexpected,
                                unexpected == null ? null : unexpected.getCause()).containsAnyOf("ProducerFailedException")
                        .isSubsetOf("succeeded", "ProducerFailedException");
                assertThat(s.userRecordsAdded()).isEqualTo(futures.size());
                assertThat(s.userRecordsSucceeded() + s.userRecordsFailed()).as("succeeded + failed").isEqualTo(futures.size());
                assertThat(s.outstandingRecords()).isZero();
                assertThat(s.outstandingBytes()).isZero();
                assertThat(s.senderFailure()).isPresent();
                flushReturns(producer);
                closeWithin(producer);
            } finally {
                producer.close(Duration.ZERO);
            }
        }
    }

    /** flush() completes promptly, normally or exceptionally. */
    private static void flushReturns(KinesisProducer producer) throws Exception {
        try {
            producer.flush().handle((v, e) -> null).get(HANG.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("flush() did not complete after the sender died", e);
        }
    }
}
