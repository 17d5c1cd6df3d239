package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.testkit.KinesisLocal;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.Deaggregator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * End-to-end tests of {@link KinesisProducer} against a real Kinesis-compatible server
 * (kinesis-local over HTTP): what the producer reports is checked against what GetRecords reads back.
 */
class KinesisProducerIntegrationTest {
    private static KinesisLocal local;
    private static KinesisAsyncClient client;
    private static final AtomicInteger STREAMS = new AtomicInteger();

    @BeforeAll
    static void startServer() {
        local = KinesisLocal.shared();
        client = local.newClient();
    }

    @AfterAll
    static void closeClient() {
        client.close();
    }

    private static String newStream(int shards) {
        String name = "it-" + ProcessHandle.current().pid() + "-" + STREAMS.incrementAndGet();
        local.createStream(name, shards);
        return name;
    }

    /**
     * kinesis-local on a loaded 2-core machine can take longer than the default 6 s to answer a
     * request (seen under load 12-14); a request that timed out but was stored is retried and stored
     * twice, which the exact read-backs here would report as a failure. What a timeout does is tested
     * against FakeKinesis (KeyStrictFaultsTest, BackpressureAndExpiryTest).
     */
    private static final Duration SLOW_SERVER_REQUEST_TIMEOUT = Duration.ofMinutes(2);

    private static KinesisProducer producer(String stream, ProducerConfig config) {
        return KinesisProducer.builder().kinesisClient(client).streamName(stream)
                .config(config.toBuilder().requestTimeout(SLOW_SERVER_REQUEST_TIMEOUT).build()).build();
    }

    /** Reads a shard back and deaggregates it, as a KCL consumer would. */
    static List<DeaggregatedRecord> readUserRecords(String stream, String shardId, int expected) {
        return Deaggregator.create().deaggregate(local.readShard(stream, shardId, expected));
    }

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void recordsOverFourShardsAreAcknowledgedStoredOnThePredictedShardInPerKeyOrder(boolean aggregation) throws Exception {
        String stream = newStream(4);
        List<Shard> shards = local.listShards(stream);
        int n = aggregation ? 100_000 : 10_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        try (KinesisProducer producer = producer(stream, ProducerConfig.builder().aggregationEnabled(aggregation).build())) {
            for (int i = 0; i < n; i++) {
                String key = "key-" + (i % 250);
                futures.add(producer.addUserRecord(key, (key + "|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush().get(3, TimeUnit.MINUTES);
            assertThat(futures).allMatch(CompletableFuture::isDone);
            assertThat(producer.stats().shardPredictionMisses()).isZero();
            assertThat(producer.stats().userRecordsSucceeded()).isEqualTo(n);
            assertThat(producer.outstandingRecords()).isZero();
        }

        Map<Integer, PutResult> resultBySeq = new HashMap<>();
        Map<String, Integer> ackedPerShard = new HashMap<>();
        for (int i = 0; i < n; i++) {
            PutResult r = futures.get(i).get();
            resultBySeq.put(i, r);
            ackedPerShard.merge(r.shardId(), 1, Integer::sum);
            String expectedShard = shardOf(shards, md5(("key-" + (i % 250))));
            assertThat(r.shardId()).as("record %d", i).isEqualTo(expectedShard);
            assertThat(r.attempts()).hasSize(1);
            assertThat(r.attempts().get(0).isSuccessful()).isTrue();
        }
        assertThat(ackedPerShard).hasSize(4);

        int readBack = 0;
        int kinesisRecords = 0;
        for (Shard shard : shards) {
            List<Record> raw = local.readShard(stream, shard.shardId(), 0);
            kinesisRecords += raw.size();
            List<DeaggregatedRecord> records = Deaggregator.create().deaggregate(raw);
            Map<String, Integer> lastSeqPerKey = new HashMap<>();
            for (DeaggregatedRecord rec : records) {
                String[] parts = new String(rec.data(), StandardCharsets.UTF_8).split("\\|");
                int seq = Integer.parseInt(parts[1]);
                assertThat(rec.partitionKey()).isEqualTo(parts[0]);
                PutResult result = resultBySeq.get(seq);
                assertThat(result.shardId()).as("shard reported for record %d", seq).isEqualTo(shard.shardId());
                assertThat(result.sequenceNumber()).isEqualTo(rec.sequenceNumber().orElseThrow());
                assertThat(result.subSequenceNumber()).isEqualTo(rec.subSequenceNumber());
                assertThat(result.isAggregated()).isEqualTo(rec.aggregated());
                Integer previous = lastSeqPerKey.put(parts[0], seq);
                if (previous != null) {
                    assertThat(seq).as("order of key %s", parts[0]).isGreaterThan(previous);
                }
                readBack++;
            }
        }
        assertThat(readBack).isEqualTo(n);
        if (aggregation) {
            assertThat(kinesisRecords).as("aggregated Kinesis records").isLessThan(n / 10);
        } else {
            assertThat(kinesisRecords).isEqualTo(n);
        }
        System.out.printf("aggregation %s: %d user records in %d Kinesis records (%.1f per record)%n",
                aggregation, n, kinesisRecords, (double) n / kinesisRecords);
    }

    @Test
    void recordsAboveTheAggregationMemberLimitAreStoredAsThemselvesInKeyOrderWithTheAggregates() throws Exception {
        String stream = newStream(2);
        int n = 2_000;
        int limit = ProducerConfig.defaults().aggregationMaxUserRecordSize();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        try (KinesisProducer producer = producer(stream, ProducerConfig.defaults())) {
            for (int i = 0; i < n; i++) {
                String key = "key-" + (i % 20);
                // every fifth record is larger than the limit
                int size = i % 5 == 0 ? limit + 1 + i : 200;
                byte[] data = new byte[size - key.length()];
                java.util.Arrays.fill(data, (byte) 'x');
                byte[] head = (key + "|" + i + "|").getBytes(StandardCharsets.UTF_8);
                System.arraycopy(head, 0, data, 0, head.length);
                futures.add(producer.addUserRecord(key, data));
            }
            producer.flush().get(2, TimeUnit.MINUTES);
        }
        Map<Integer, PutResult> results = new HashMap<>();
        for (int i = 0; i < n; i++) {
            results.put(i, futures.get(i).get());
        }
        int readBack = 0;
        int smallAggregated = 0;
        for (Shard shard : local.listShards(stream)) {
            Map<String, Integer> lastSeqPerKey = new HashMap<>();
            for (DeaggregatedRecord rec : readUserRecords(stream, shard.shardId(), 0)) {
                String[] parts = new String(rec.data(), StandardCharsets.UTF_8).split("\\|");
                int seq = Integer.parseInt(parts[1]);
                boolean large = seq % 5 == 0;
                if (large) {
                    assertThat(rec.aggregated()).as("record %d (%d bytes, above the member limit) aggregated", seq,
                            rec.data().length + parts[0].length()).isFalse();
                } else if (rec.aggregated()) {
                    smallAggregated++;
                }
                // A small record may still travel alone (the only one of its shard when a request left):
                // its result must say how it was stored.
                assertThat(results.get(seq).isAggregated()).as("record %d's result says how it was stored", seq)
                        .isEqualTo(rec.aggregated());
                assertThat(results.get(seq).shardId()).isEqualTo(shard.shardId());
                Integer previous = lastSeqPerKey.put(parts[0], seq);
                if (previous != null) {
                    assertThat(seq).as("order of key %s", parts[0]).isGreaterThan(previous);
                }
                readBack++;
            }
        }
        assertThat(readBack).isEqualTo(n);
        assertThat(smallAggregated).as("small records stored in aggregates").isPositive();
    }

    @Test
    void keyPreservingAggregationSendsEachAggregateUnderItsRecordsRealKey() throws Exception {
        String stream = newStream(2);
        int n = 3_000;
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(n);
        try (KinesisProducer producer = producer(stream, ProducerConfig.builder().aggregationPreservesPartitionKeys(true).build())) {
            for (int i = 0; i < n; i++) {
                String key = "device-" + (i % 7);
                futures.add(producer.addUserRecord(key, (key + "|" + i).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush().get(2, TimeUnit.MINUTES);
        }
        int userRecords = 0;
        int kinesisRecords = 0;
        for (Shard shard : local.listShards(stream)) {
            Map<String, Integer> lastSeqPerKey = new HashMap<>();
            for (Record raw : local.readShard(stream, shard.shardId(), 0)) {
                kinesisRecords++;
                for (DeaggregatedRecord r : Deaggregator.create().deaggregate(List.of(raw))) {
                    String[] parts = new String(r.data(), StandardCharsets.UTF_8).split("\\|");
                    assertThat(raw.partitionKey()).as("Kinesis record key").isEqualTo(parts[0]).isEqualTo(r.partitionKey());
                    int seq = Integer.parseInt(parts[1]);
                    Integer previous = lastSeqPerKey.put(parts[0], seq);
                    if (previous != null) {
                        assertThat(seq).isGreaterThan(previous);
                    }
                    assertThat(futures.get(seq).get().shardId()).isEqualTo(shard.shardId());
                    userRecords++;
                }
            }
        }
        assertThat(userRecords).isEqualTo(n);
        assertThat(kinesisRecords).isLessThan(n / 10);
        System.out.printf("key-preserving aggregation: %d user records in %d Kinesis records%n", n, kinesisRecords);
    }

    @Test
    void explicitHashKeyChoosesTheShardAndOneProducerWritesSeveralStreams() throws Exception {
        String first = newStream(4);
        String second = newStream(2);
        List<Shard> firstShards = local.listShards(first);
        Shard last = firstShards.stream()
                .max((a, b) -> new BigInteger(a.hashKeyRange().startingHashKey()).compareTo(new BigInteger(b.hashKeyRange().startingHashKey())))
                .orElseThrow();
        try (KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).build()) {
            PutResult viaHashKey = producer.addUserRecord(UserRecord.builder().streamName(first).partitionKey("any-key")
                    .explicitHashKey(last.hashKeyRange().startingHashKey()).data(new byte[] {1, 2, 3}).build()).get(1, TimeUnit.MINUTES);
            assertThat(viaHashKey.shardId()).isEqualTo(last.shardId());
            PutResult maxKey = producer.addUserRecord(UserRecord.builder().streamName(first).partitionKey("k")
                    .explicitHashKey("340282366920938463463374607431768211455").data(new byte[0]).build()).get(1, TimeUnit.MINUTES);
            assertThat(maxKey.shardId()).isEqualTo(last.shardId());
            PutResult other = producer.addUserRecord(second, "k2", new byte[] {9}).get(1, TimeUnit.MINUTES);
            assertThat(local.listShards(second)).extracting(Shard::shardId).contains(other.shardId());
        }
    }

    @Test
    void invalidRecordsAreRejectedAtTheCallAndNothingIsEnqueued() {
        String stream = newStream(1);
        try (KinesisProducer producer = producer(stream, ProducerConfig.defaults())) {
            assertThatThrownBy(() -> producer.addUserRecord(null, new byte[1]))
                    .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("null");
            assertThatThrownBy(() -> producer.addUserRecord("", new byte[1]))
                    .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("1..256");
            assertThatThrownBy(() -> producer.addUserRecord("x".repeat(257), new byte[1]))
                    .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("257").hasMessageContaining("256");
            assertThatThrownBy(() -> producer.addUserRecord("k", new byte[10 * 1024 * 1024]))
                    .isInstanceOf(RecordTooLargeException.class)
                    .hasMessageContaining("10485761").hasMessageContaining("10485760")
                    .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("maxRecordSize=10485760"));
            assertThatThrownBy(() -> producer.addUserRecord("k", null))
                    .isInstanceOf(InvalidUserRecordException.class).hasMessageContaining("data");
            for (String bad : List.of("-1", "340282366920938463463374607431768211456", "12a", "1.0", " 5", "")) {
                assertThatThrownBy(() -> producer.addUserRecord(UserRecord.builder().partitionKey("k").explicitHashKey(bad)
                        .data(new byte[1]).build()))
                        .as("explicit hash key '%s'", bad)
                        .isInstanceOf(InvalidExplicitHashKeyException.class).hasMessageContaining("2^128-1");
            }
            assertThatThrownBy(() -> KinesisProducer.builder().kinesisClient(client).build().addUserRecord("k", new byte[1]))
                    .isInstanceOf(InvalidUserRecordException.class).hasMessageContaining("streamName");
            assertThat(producer.stats().userRecordsAdded()).isZero();
            assertThat(producer.outstandingRecords()).isZero();
        }
    }

    @Test
    void aRecordExactlyAtTheSizeLimitIsStored() throws Exception {
        String stream = newStream(1);
        String key = "kéy"; // 4 UTF-8 bytes
        byte[] data = new byte[1024 * 1024 - 4];
        Arrays.fill(data, (byte) 7);
        try (KinesisProducer producer = producer(stream, ProducerConfig.defaults())) {
            PutResult r = producer.addUserRecord(key, data).get(1, TimeUnit.MINUTES);
            List<Record> read = local.readShard(stream, r.shardId(), 1);
            assertThat(read).hasSize(1);
            assertThat(r.isAggregated()).isFalse();
            assertThat(read.get(0).data().asByteArray()).isEqualTo(data);
            assertThat(read.get(0).partitionKey()).isEqualTo(key);
        }
    }

    @Test
    void unknownStreamFailsTheFuturesWithStreamNotFound() {
        try (KinesisProducer producer = producer("no-such-stream-" + System.nanoTime(), ProducerConfig.defaults())) {
            CompletableFuture<PutResult> f = producer.addUserRecord("k", new byte[] {1});
            assertThatThrownBy(() -> f.get(1, TimeUnit.MINUTES))
                    .isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(StreamNotFoundException.class).hasMessageContaining("no-such-stream");
        }
    }

    @Test
    void producerBuiltClientWorksAgainstAnEndpointOverride() throws Exception {
        String stream = newStream(2);
        try (KinesisProducer producer = KinesisProducer.builder()
                .endpointOverride(local.endpoint())
                .region(KinesisLocal.REGION)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
                .streamName(stream)
                .build()) {
            List<CompletableFuture<PutResult>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                fs.add(producer.addUserRecord("k" + i, new byte[] {(byte) i}));
            }
            CompletableFuture.allOf(fs.toArray(new CompletableFuture[0])).get(1, TimeUnit.MINUTES);
        }
        int total = 0;
        for (Shard s : local.listShards(stream)) {
            total += readUserRecords(stream, s.shardId(), 0).size();
        }
        assertThat(total).isEqualTo(100);
    }

    @Test
    void closeCompletesEveryFutureEvenWhenTheEndpointNeverAnswers() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // accept, never answer
                    }
                } catch (IOException closed) {
                    // server socket closed: test over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            KinesisProducer producer = KinesisProducer.builder()
                    .endpointOverride(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .region(KinesisLocal.REGION)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDLOCAL", "secret")))
                    .streamName("silent")
                    .config(ProducerConfig.builder().requestTimeout(Duration.ofMinutes(5)).build())
                    .build();
            List<CompletableFuture<PutResult>> fs = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                fs.add(producer.addUserRecord("k" + i, new byte[] {1}));
            }
            producer.close(Duration.ofMillis(500));
            assertThat(fs).allMatch(CompletableFuture::isDone);
            for (CompletableFuture<PutResult> f : fs) {
                assertThatThrownBy(f::get).cause().isInstanceOf(ProducerClosedException.class);
            }
            assertThat(producer.outstandingRecords()).isZero();
            assertThatThrownBy(() -> producer.addUserRecord("k", new byte[1])).isInstanceOf(ProducerClosedException.class);
            producer.close(); // idempotent
            for (Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void closeFlushesBufferedRecordsBeforeStopping() throws Exception {
        String stream = newStream(2);
        List<CompletableFuture<PutResult>> fs = new ArrayList<>();
        KinesisProducer producer = producer(stream, ProducerConfig.builder().recordMaxBufferedTime(Duration.ofSeconds(50)).build());
        for (int i = 0; i < 300; i++) {
            fs.add(producer.addUserRecord("k" + i, new byte[] {1}));
        }
        producer.close(Duration.ofMinutes(1));
        for (CompletableFuture<PutResult> f : fs) {
            assertThat(f.get().sequenceNumber()).isNotEmpty();
        }
    }

    static BigInteger md5(String key) throws Exception {
        return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    static String shardOf(List<Shard> shards, BigInteger hash) {
        for (Shard s : shards) {
            if (s.sequenceNumberRange().endingSequenceNumber() != null) {
                continue;
            }
            BigInteger start = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger end = new BigInteger(s.hashKeyRange().endingHashKey());
            if (hash.compareTo(start) >= 0 && hash.compareTo(end) <= 0) {
                return s.shardId();
            }
        }
        throw new AssertionError("no open shard covers " + hash);
    }
}
