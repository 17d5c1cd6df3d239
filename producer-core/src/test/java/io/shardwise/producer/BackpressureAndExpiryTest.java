package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Backpressure and record expiry against endpoints that do not answer: the producer's own client
 * talks HTTP to a loopback socket that never responds (or to a closed port).
 */
class BackpressureAndExpiryTest {

    @Test
    void failFastModeThrowsBufferFullAndNeverExceedsTheBound() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint();
             KinesisProducer producer = silent.producer().config(ProducerConfig.builder()
                     .maxOutstandingRecords(10).maxBlockTime(Duration.ZERO).requestTimeout(Duration.ofMillis(300)).recordTtl(Duration.ofSeconds(1)).build()).build()) {
            for (int i = 0; i < 10; i++) {
                producer.addUserRecord("k" + i, new byte[] {1});
            }
            assertThatThrownBy(() -> producer.addUserRecord("k", new byte[] {1}))
                    .isInstanceOf(BufferFullException.class)
                    .hasMessageContaining("maxOutstandingRecords=10");
            assertThat(producer.outstandingRecords()).isEqualTo(10);
            assertThat(producer.stats().userRecordsAdded()).isEqualTo(10);
        }
    }

    @Test
    void byteBoundRejectsWhatDoesNotFitButAdmitsALoneLargeRecord() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint();
             KinesisProducer producer = silent.producer().config(ProducerConfig.builder()
                     .maxOutstandingBytes(1024 * 1024).maxBlockTime(Duration.ZERO).requestTimeout(Duration.ofMillis(300)).recordTtl(Duration.ofSeconds(1)).build()).build()) {
            producer.addUserRecord("k", new byte[700_000]);
            assertThatThrownBy(() -> producer.addUserRecord("k", new byte[700_000]))
                    .isInstanceOf(BufferFullException.class).hasMessageContaining("maxOutstandingBytes=1048576");
            producer.addUserRecord("k", new byte[300_000]);
            assertThat(producer.stats().outstandingBytes()).isEqualTo(1_000_002);
        }
    }

    @Test
    void blockingModeBlocksUntilRoomFreesUpThenAccepts() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint();
             KinesisProducer producer = silent.producer().config(ProducerConfig.builder()
                     .maxOutstandingRecords(5).maxBlockTime(Duration.ofSeconds(30))
                     .requestTimeout(Duration.ofMillis(300)).recordTtl(Duration.ofSeconds(2)).build()).build()) {
            List<CompletableFuture<PutResult>> first = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                first.add(producer.addUserRecord("k" + i, new byte[] {1}));
            }
            // The buffer is full and nothing can leave it but by expiry (the endpoint never answers): the sixth add can
            // only return once one of the first five has expired and given its room back.
            assertThat(producer.outstandingRecords()).as("outstanding before the sixth add").isEqualTo(5);
            assertThat(first).as("the first five, before the sixth add").noneMatch(CompletableFuture::isDone);
            CompletableFuture<PutResult> sixth = producer.addUserRecord("k5", new byte[] {1}); // blocks until one expires
            assertThat(sixth).isNotNull();
            assertThat(producer.outstandingRecords()).as("outstanding after the sixth add").isLessThanOrEqualTo(5);
            // Room is freed just before the freeing record's future completes: wait for that completion.
            CompletableFuture.anyOf(first.toArray(new CompletableFuture<?>[0])).handle((r, e) -> true).get(30, TimeUnit.SECONDS);
            assertThat(first.stream().filter(CompletableFuture::isDone)).as("the first records, once one has completed")
                    .isNotEmpty()
                    .allSatisfy(f -> assertThatThrownBy(f::join).cause().isInstanceOf(RecordExpiredException.class));
            assertThat(producer.outstandingRecords()).isLessThanOrEqualTo(5);
        }
    }

    @Test
    void blockingModeGivesUpAfterMaxBlockTime() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint();
             KinesisProducer producer = silent.producer().config(ProducerConfig.builder()
                     .maxOutstandingRecords(3).maxBlockTime(Duration.ofMillis(200)).recordTtl(Duration.ofMinutes(1)).build()).build()) {
            for (int i = 0; i < 3; i++) {
                producer.addUserRecord("k" + i, new byte[] {1});
            }
            assertThatThrownBy(() -> producer.addUserRecord("k", new byte[] {1}))
                    .isInstanceOf(BufferFullException.class).hasMessageContaining("maxBlockTime");
            producer.close(Duration.ZERO);
        }
    }

    @Test
    void recordsFailWithRecordExpiredAndTheirAttemptsWhenTheEndpointStaysDownPastTheTtl() throws Exception {
        try (SilentEndpoint silent = new SilentEndpoint();
             KinesisProducer producer = silent.producer().config(ProducerConfig.builder()
                     .requestTimeout(Duration.ofMillis(200)).retryBackoffBase(Duration.ofMillis(20))
                     .retryBackoffMax(Duration.ofMillis(100)).recordTtl(Duration.ofMillis(1500)).build()).build()) {
            List<CompletableFuture<PutResult>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                fs.add(producer.addUserRecord("k" + i, new byte[] {1}));
            }
            for (CompletableFuture<PutResult> f : fs) {
                assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(RecordExpiredException.class)
                        .hasMessageContaining("recordTtl")
                        .satisfies(e -> {
                            List<Attempt> attempts = ((RecordFailedException) e).attempts();
                            assertThat(attempts).isNotEmpty();
                            assertThat(attempts).allMatch(a -> !a.isSuccessful());
                            assertThat(attempts.get(0).errorCode()).isPresent();
                        });
            }
            ProducerStats s = producer.stats();
            assertThat(s.failedByReason()).containsEntry("RecordExpiredException", 50L);
            assertThat(s.outstandingRecords()).isZero();
        }
    }
}
