package io.shardwise.producer.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.BufferFullException;
import io.shardwise.producer.InvalidUserRecordException;
import io.shardwise.producer.ProducerClosedException;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.RecordExpiredException;
import io.shardwise.producer.RecordRejectedException;
import io.shardwise.producer.RecordTooLargeException;
import io.shardwise.producer.StreamNotFoundException;
import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.Faults;
import io.shardwise.producer.testkit.FirehoseRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * {@link FirehoseProducer} against FakeKinesis speaking the Firehose JSON protocol through the
 * real SDK client: batching within PutRecordBatch limits, packing, partial-failure retries, fatal
 * errors, TTL, backpressure and close.
 */
class FirehoseProducerTest {
    private static final String STREAM = "clicks";

    private FakeKinesis endpoint;
    private FirehoseAsyncClient client;

    @BeforeEach
    void start() {
        endpoint = FakeKinesis.builder().deliveryStream(STREAM).seed(71).build().start();
        client = endpoint.newFirehoseClient();
    }

    @AfterEach
    void stop() {
        client.close();
        endpoint.close();
    }

    private FirehoseProducer producer(FirehoseProducerConfig config) {
        return FirehoseProducer.builder().firehoseClient(client).deliveryStreamName(STREAM).config(config).build();
    }

    private static FirehoseProducerConfig.Builder fast() {
        return FirehoseProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMillis(20))
                .retryBackoffBase(Duration.ofMillis(5))
                .retryBackoffMax(Duration.ofMillis(50));
    }

    /** A JSON line of about {@code size} bytes carrying {@code id}, without a newline. */
    private static byte[] event(int id, int size) {
        StringBuilder b = new StringBuilder("{\"id\":").append(id).append(",\"pad\":\"");
        while (b.length() < size - 2) {
            b.append((char) ('a' + (id + b.length()) % 26));
        }
        return b.append("\"}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static int idOf(byte[] event) {
        String s = new String(event, StandardCharsets.UTF_8);
        return Integer.parseInt(s.substring(6, s.indexOf(',')));
    }

    private static <T> List<T> joinAll(List<CompletableFuture<T>> futures) {
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).orTimeout(60, TimeUnit.SECONDS).exceptionally(e -> null).join();
        List<T> out = new ArrayList<>();
        for (CompletableFuture<T> f : futures) {
            out.add(f.join());
        }
        return out;
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected the future to fail, it succeeded");
    }

    /** Splits stored Firehose records on newlines, as an S3 reader would. */
    private static List<byte[]> lines(List<FirehoseRecord> stored) {
        List<byte[]> out = new ArrayList<>();
        for (FirehoseRecord r : stored) {
            byte[] d = r.data();
            int start = 0;
            for (int i = 0; i < d.length; i++) {
                if (d[i] == '\n') {
                    out.add(java.util.Arrays.copyOfRange(d, start, i));
                    start = i + 1;
                }
            }
            assertThat(start).as("packed record ends with the delimiter").isEqualTo(d.length);
        }
        return out;
    }

    @Test
    void plainRecordsArriveOnceInBatchesWithinLimits() {
        int n = 2_000;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = producer(fast().build())) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.addRecord(event(i, 100)));
            }
            List<FirehosePutResult> results = joinAll(futures);
            List<FirehoseRecord> stored = endpoint.deliveryRecords(STREAM);
            assertThat(stored).hasSize(n);
            Map<String, byte[]> byId = new HashMap<>();
            for (FirehoseRecord r : stored) {
                byId.put(r.recordId(), r.data());
            }
            for (int i = 0; i < n; i++) {
                FirehosePutResult r = results.get(i);
                assertThat(r.isPacked()).isFalse();
                assertThat(r.attempts()).hasSize(1);
                assertThat(idOf(byId.get(r.recordId()))).isEqualTo(i);
            }
            long calls = endpoint.counters().requests("PutRecordBatch");
            assertThat(calls).as("500 records per call at most").isGreaterThanOrEqualTo(n / 500);
            ProducerStats s = producer.stats();
            assertThat(s.userRecordsSucceeded()).isEqualTo(n);
        }
    }

    @Test
    void packingJoinsRecordsWithNewlinesAndSplitsBackExactly() {
        int n = 20_000;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        long userBytes = 0;
        try (FirehoseProducer producer = producer(fast().packingEnabled(true).build())) {
            for (int i = 0; i < n; i++) {
                byte[] e = event(i, 150);
                userBytes += e.length;
                futures.add(producer.addRecord(i % 3 == 0 ? withNewline(e) : e));
            }
            List<FirehosePutResult> results = joinAll(futures);
            List<FirehoseRecord> stored = endpoint.deliveryRecords(STREAM);
            List<byte[]> lines = lines(stored);
            assertThat(lines).hasSize(n);
            Set<Integer> ids = new HashSet<>();
            for (byte[] line : lines) {
                assertThat(ids.add(idOf(line))).isTrue();
            }
            assertThat(ids).hasSize(n);
            Map<String, Integer> perRecordId = new HashMap<>();
            for (FirehosePutResult r : results) {
                assertThat(r.isPacked()).isTrue();
                // each user record's position is its line in the Firehose record that carried it
                assertThat(r.positionInRecord()).isEqualTo((long) perRecordId.getOrDefault(r.recordId(), 0));
                perRecordId.merge(r.recordId(), 1, Integer::sum);
            }
            assertThat(perRecordId).hasSameSizeAs(stored);
            long storedBytes = stored.stream().mapToLong(r -> r.data().length).sum();
            long billedPacked = stored.stream().mapToLong(r -> billed(r.data().length)).sum();
            long billedPlain = futures.size() * billed(150);
            System.out.printf("Firehose packing: %,d user records (%,d bytes) in %,d Firehose records (%.1f user records"
                            + " per record, %,d bytes with delimiters); billed at 5 KB rounding: %,d KB packed vs %,d KB"
                            + " unpacked (%.1fx less)%n", n, userBytes, stored.size(), (double) n / stored.size(),
                    storedBytes, billedPacked / 1024, billedPlain / 1024, (double) billedPlain / billedPacked);
            assertThat(stored.size()).isLessThan(n / 10);
        }
    }

    /**
     * A trickle, a few records at a time and no {@code flush()}: the records go out on their own once
     * they have lingered ({@code recordMaxBufferedTime}), packed together, and each result names the
     * Firehose record and line that hold it. Each round waits for its records before the next starts,
     * so no Firehose record may mix rounds. How many user records a Firehose record carries depends on
     * the machine's speed: printed, not asserted.
     */
    @Test
    void aTrickleGoesOutAfterLingeringWithoutAFlushPackedTogether() throws Exception {
        int rounds = 30;
        int perRound = 10;
        int n = rounds * perRound;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = producer(fast().packingEnabled(true)
                .recordMaxBufferedTime(Duration.ofMillis(100)).build())) {
            for (int round = 0; round < rounds; round++) {
                List<CompletableFuture<FirehosePutResult>> added = new ArrayList<>();
                for (int k = 0; k < perRound; k++) {
                    added.add(producer.addRecord(event(round * perRound + k, 200)));
                }
                try {
                    CompletableFuture.allOf(added.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS); // no flush()
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("round " + round + ": records not sent 60 s after they were added without a flush", e);
                }
                futures.addAll(added);
            }
        }
        List<FirehoseRecord> stored = endpoint.deliveryRecords(STREAM);
        assertThat(lines(stored)).hasSize(n);
        Map<String, List<byte[]>> linesByRecordId = new HashMap<>();
        for (FirehoseRecord r : stored) {
            List<byte[]> its = lines(List.of(r));
            assertThat(its.stream().map(line -> idOf(line) / perRound).distinct()).as("rounds in Firehose record %s", r.recordId())
                    .hasSize(1);
            linesByRecordId.put(r.recordId(), its);
        }
        for (int i = 0; i < n; i++) {
            FirehosePutResult r = futures.get(i).join();
            assertThat(r.isPacked()).isTrue();
            List<byte[]> its = linesByRecordId.get(r.recordId());
            assertThat(its).as("the Firehose record record %d's result names", i).isNotNull();
            assertThat(idOf(its.get((int) r.positionInRecord()))).as("record %d at the line its result names", i).isEqualTo(i);
        }
        long billedPacked = stored.stream().mapToLong(r -> billed(r.data().length)).sum();
        long billedPlain = n * billed(200);
        System.out.printf("Firehose packing of a trickle (%d rounds of %d records, linger 100 ms, no flush): %,d user records of"
                        + " 200 B in %,d Firehose records (%.1f per record, printed only); billed %,d KB packed vs %,d KB unpacked%n",
                rounds, perRound, n, stored.size(), (double) n / stored.size(), billedPacked / 1024, billedPlain / 1024);
        assertThat(stored.size()).as("Firehose records: at least one per round, at most one per user record").isBetween(rounds, n);
    }

    private static byte[] withNewline(byte[] e) {
        byte[] d = java.util.Arrays.copyOf(e, e.length + 1);
        d[e.length] = '\n';
        return d;
    }

    /** Firehose bills each record rounded up to the next 5 KB. */
    private static long billed(long bytes) {
        long unit = 5 * 1024;
        return Math.max(1, (bytes + unit - 1) / unit) * unit;
    }

    @Test
    void recordsWithTheDelimiterInsideAreRefusedAtAdd() {
        try (FirehoseProducer producer = producer(fast().packingEnabled(true).build())) {
            assertThatThrownBy(() -> producer.addRecord("one\ntwo".getBytes(StandardCharsets.UTF_8)))
                    .isInstanceOf(RecordContainsDelimiterException.class)
                    .hasMessageContaining("byte 3").hasMessageContaining("delimiter");
            assertThat(producer.stats().userRecordsAdded()).isZero();
            assertThat(producer.addRecord("ends\n".getBytes(StandardCharsets.UTF_8)).join().isPacked()).isTrue();
            assertThat(endpoint.deliveryRecords(STREAM).get(0).data()).isEqualTo("ends\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void limitsAreCheckedAtAdd() {
        try (FirehoseProducer producer = producer(fast().build())) {
            assertThatThrownBy(() -> producer.addRecord(new byte[1_024_001]))
                    .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("1024000");
            assertThat(producer.addRecord(new byte[1_024_000]).join().recordId()).isNotEmpty();
            assertThatThrownBy(() -> producer.addRecord(null, new byte[1]))
                    .isInstanceOf(InvalidUserRecordException.class).hasMessageContaining("deliveryStreamName");
            assertThatThrownBy(() -> producer.addRecord(null)).isInstanceOf(InvalidUserRecordException.class);
        }
        try (FirehoseProducer producer = producer(fast().packingEnabled(true).packingMaxSize(2048).build())) {
            assertThatThrownBy(() -> producer.addRecord(new byte[2048]))
                    .isInstanceOf(RecordTooLargeException.class).hasMessageContaining("packingMaxSize")
                    .hasMessageContaining("delimiter 1")
                    .satisfies(e -> assertThat(((RecordTooLargeException) e).limit()).isEqualTo("packingMaxSize=2048"));
        }
    }

    @Test
    void builderRefusesClientSettingsBesideAClientAndAnEmptyStreamName() {
        assertThatThrownBy(() -> FirehoseProducer.builder().firehoseClient(client)
                .region(software.amazon.awssdk.regions.Region.US_EAST_1).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firehoseClient");
        assertThatThrownBy(() -> FirehoseProducer.builder().firehoseClient(client).deliveryStreamName("").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deliveryStreamName");
    }

    @Test
    void onlyFailedEntriesAreRetried() {
        endpoint.faults().entryFailureRate(0.2);
        int n = 5_000;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = producer(fast().build())) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.addRecord(event(i, 60)));
            }
            List<FirehosePutResult> results = joinAll(futures);
            FakeKinesis.Counters c = endpoint.counters();
            long failedEntries = c.entriesFailedByInjection();
            assertThat(failedEntries).isBetween((long) (n * 0.15), (long) (n * 0.35));
            assertThat(endpoint.deliveryRecords(STREAM)).hasSize(n);
            assertThat(c.entriesReceived()).as("only the failed entries are sent again").isEqualTo(n + failedEntries);
            long retriedAttempts = results.stream().mapToLong(r -> r.attempts().size() - 1).sum();
            assertThat(retriedAttempts).isEqualTo(failedEntries);
            results.stream().filter(r -> r.attempts().size() > 1).findFirst().ifPresent(r ->
                    assertThat(r.attempts().get(0).errorCode()).hasValue("ServiceUnavailableException"));
            System.out.printf("Firehose partial failure 20%%: %,d records, %,d entries failed, %,d entries received%n",
                    n, failedEntries, c.entriesReceived());
        }
    }

    @Test
    void requestLevelServiceErrorsAreRetried() {
        endpoint.faults().serviceUnavailableRate(0.3).serverErrorRate(0.2);
        int n = 1_000;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = producer(fast().collectionMaxCount(50).build())) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.addRecord(event(i, 60)));
            }
            List<FirehosePutResult> results = joinAll(futures);
            assertThat(results).hasSize(n);
            Set<Integer> ids = new HashSet<>();
            for (FirehoseRecord r : endpoint.deliveryRecords(STREAM)) {
                ids.add(idOf(r.data()));
            }
            assertThat(ids).hasSize(n);
            assertThat(endpoint.counters().requestsFailedByInjection()).isPositive();
        }
    }

    @Test
    void unknownDeliveryStreamFailsAtOnceWithoutRetry() {
        try (FirehoseProducer producer = producer(fast().build())) {
            List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                futures.add(producer.addRecord("no-such-stream", event(i, 50)));
            }
            for (CompletableFuture<FirehosePutResult> f : futures) {
                Throwable t = failureOf(f);
                assertThat(t).isInstanceOf(StreamNotFoundException.class)
                        .hasMessageContaining("Delivery stream 'no-such-stream' was not found")
                        .hasMessageContaining("ResourceNotFoundException");
                assertThat(((StreamNotFoundException) t).attempts()).hasSize(1);
            }
            assertThat(endpoint.counters().requests("PutRecordBatch")).isEqualTo(1);
        }
    }

    @Test
    void kmsAndArgumentErrorsAreRejectedWithWhatToFix() {
        try (FirehoseProducer producer = producer(fast().build())) {
            endpoint.faults().requestError("InvalidKMSResourceException");
            Throwable kms = failureOf(producer.addRecord(event(1, 50)));
            assertThat(kms).isInstanceOf(RecordRejectedException.class).hasMessageContaining("KMS key");
            assertThat(((RecordRejectedException) kms).errorCode()).isEqualTo("InvalidKMSResourceException");
            endpoint.faults().clear().requestError("InvalidArgumentException");
            Throwable arg = failureOf(producer.addRecord(event(2, 50)));
            assertThat(arg).isInstanceOf(RecordRejectedException.class).hasMessageContaining("Firehose rejected");
            assertThat(((RecordRejectedException) arg).attempts()).hasSize(1);
        }
    }

    @Test
    void recordsExpireWithEveryAttemptListedWhenTheServiceStaysDown() {
        endpoint.faults().endpointDown(Faults.DownMode.SERVICE_UNAVAILABLE);
        try (FirehoseProducer producer = producer(fast().recordTtl(Duration.ofMillis(800)).build())) {
            Throwable t = failureOf(producer.addRecord(event(1, 50)));
            assertThat(t).isInstanceOf(RecordExpiredException.class).hasMessageContaining("delivery stream 'clicks'");
            List<Attempt> attempts = ((RecordExpiredException) t).attempts();
            assertThat(attempts).isNotEmpty();
            assertThat(attempts).allMatch(a -> a.errorCode().isPresent());
        }
    }

    @Test
    void backpressureAndCloseCompleteEveryFuture() {
        endpoint.faults().endpointDown(Faults.DownMode.SERVICE_UNAVAILABLE);
        FirehoseProducer producer = producer(fast().maxOutstandingRecords(10).maxBlockTime(Duration.ZERO).build());
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            futures.add(producer.addRecord(event(i, 50)));
        }
        assertThatThrownBy(() -> producer.addRecord(event(99, 50))).isInstanceOf(BufferFullException.class);
        ProducerStats s = producer.close(Duration.ofMillis(200));
        for (CompletableFuture<FirehosePutResult> f : futures) {
            assertThat(failureOf(f)).isInstanceOf(ProducerClosedException.class).hasMessageContaining("delivery stream 'clicks'");
        }
        assertThat(s.userRecordsFailed()).isEqualTo(10);
        assertThatThrownBy(() -> producer.addRecord(event(100, 50))).isInstanceOf(ProducerClosedException.class);
    }

    @Test
    void throughputLimitIsRetriedUntilEverythingIsStored() {
        endpoint.deliveryStreamLimits(2_000, 1024 * 1024);
        int n = 4_000;
        List<CompletableFuture<FirehosePutResult>> futures = new ArrayList<>();
        try (FirehoseProducer producer = producer(fast().build())) {
            for (int i = 0; i < n; i++) {
                futures.add(producer.addRecord(event(i, 40)));
            }
            joinAll(futures);
            assertThat(endpoint.deliveryRecords(STREAM)).hasSize(n);
            assertThat(producer.stats().retriedEntries()).isPositive();
        }
    }
}
