package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.KmsAccessDeniedException;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardFilterType;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The protocol behaviour of {@link FakeKinesis} seen through the real AWS SDK v2 client; run once
 * per wire protocol by the subclasses.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractFakeKinesisProtocolTest {
    private static final BigInteger MAX_HASH = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    FakeKinesis kinesis;
    KinesisAsyncClient client;
    private final AtomicInteger streamCounter = new AtomicInteger();

    /** Sets the SDK's protocol up before the client is built. */
    abstract void selectProtocol();

    /** Undoes {@link #selectProtocol()}. */
    abstract void restoreProtocol();

    /** @param counters after some requests: checks they were read in the expected format */
    abstract void assertProtocolUsed(FakeKinesis.Counters counters);

    /**
     * @param override more client configuration (retries stay off)
     * @return a client for the endpoint; the default one speaks HTTP/2, as the SDK's Kinesis client does
     */
    KinesisAsyncClient newTestClient(Consumer<ClientOverrideConfiguration.Builder> override) {
        return kinesis.clientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP))
                .overrideConfiguration(o -> {
                    o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry());
                    override.accept(o);
                })
                .build();
    }

    /** @return whether {@link #newTestClient} speaks HTTP/2 */
    boolean http2() {
        return true;
    }

    @BeforeAll
    void startEndpoint() {
        selectProtocol();
        kinesis = FakeKinesis.builder().seed(7).build().start();
        client = newTestClient(o -> { });
    }

    @AfterAll
    void stopEndpoint() {
        try {
            if (client != null) {
                client.close();
            }
            if (kinesis != null) {
                kinesis.close();
            }
        } finally {
            restoreProtocol();
        }
    }

    @BeforeEach
    void resetEndpoint() {
        kinesis.faults().clear();
        kinesis.enforceShardLimits(true).shardLimits(FakeKinesis.DEFAULT_RECORDS_PER_SECOND,
                FakeKinesis.DEFAULT_BYTES_PER_SECOND);
        kinesis.resetCounters();
        kinesis.clock = System::nanoTime;
    }

    String newStream(int shards) {
        String name = "stream-" + streamCounter.incrementAndGet();
        kinesis.createStream(name, shards);
        return name;
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static BigInteger md5(String key) throws Exception {
        return new BigInteger(1, MessageDigest.getInstance("MD5").digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    static String shardFor(List<Shard> shards, BigInteger hash) {
        for (Shard s : shards) {
            if (s.sequenceNumberRange().endingSequenceNumber() != null) {
                continue;
            }
            BigInteger lo = new BigInteger(s.hashKeyRange().startingHashKey());
            BigInteger hi = new BigInteger(s.hashKeyRange().endingHashKey());
            if (hash.compareTo(lo) >= 0 && hash.compareTo(hi) <= 0) {
                return s.shardId();
            }
        }
        throw new AssertionError("no open shard holds " + hash);
    }

    List<Shard> listAllShards(String stream, int pageSize) {
        List<Shard> all = new ArrayList<>();
        ListShardsResponse r = join(client.listShards(b -> b.streamName(stream).maxResults(pageSize)));
        all.addAll(r.shards());
        while (r.nextToken() != null) {
            String token = r.nextToken();
            r = join(client.listShards(b -> b.nextToken(token).maxResults(pageSize)));
            all.addAll(r.shards());
        }
        return all;
    }

    static PutRecordsRequestEntry entry(String key, String data) {
        return PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromUtf8String(data)).build();
    }

    PutRecordsResponse put(String stream, List<PutRecordsRequestEntry> entries) {
        return join(client.putRecords(b -> b.streamName(stream).records(entries)));
    }

    static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(30, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected the call to fail");
    }

    // ---------------------------------------------------------------- control plane

    @Test
    void listShardsPaginatesAndTilesTheHashSpace() {
        String stream = newStream(7);
        ListShardsResponse first = join(client.listShards(b -> b.streamName(stream).maxResults(3)));
        assertThat(first.shards()).extracting(Shard::shardId)
                .containsExactly("shardId-000000000000", "shardId-000000000001", "shardId-000000000002");
        assertThat(first.nextToken()).isNotNull();

        List<Shard> all = listAllShards(stream, 3);
        assertThat(all).hasSize(7);
        assertThat(kinesis.counters().requests("ListShards")).isEqualTo(1 + 3);
        BigInteger expectedStart = BigInteger.ZERO;
        for (int i = 0; i < all.size(); i++) {
            Shard s = all.get(i);
            assertThat(s.shardId()).isEqualTo(String.format("shardId-%012d", i));
            assertThat(new BigInteger(s.hashKeyRange().startingHashKey())).isEqualTo(expectedStart);
            assertThat(s.sequenceNumberRange().startingSequenceNumber()).matches("\\d{56}");
            assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNull();
            expectedStart = new BigInteger(s.hashKeyRange().endingHashKey()).add(BigInteger.ONE);
        }
        assertThat(expectedStart).isEqualTo(MAX_HASH.add(BigInteger.ONE));
        // even split: every range has the same width but the last (which absorbs the remainder)
        BigInteger width = MAX_HASH.add(BigInteger.ONE).divide(BigInteger.valueOf(7));
        assertThat(new BigInteger(all.get(0).hashKeyRange().endingHashKey()).add(BigInteger.ONE)).isEqualTo(width);

        // without MaxResults every shard comes in one page; a NextToken with a StreamName is rejected
        assertThat(join(client.listShards(b -> b.streamName(stream))).shards()).hasSize(7);
        Throwable both = failure(client.listShards(b -> b.streamName(stream).nextToken(first.nextToken())));
        assertThat(both).isInstanceOf(KinesisException.class);
        assertThat(((KinesisException) both).awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        assertProtocolUsed(kinesis.counters());
    }

    @Test
    void describeStreamSummaryReportsTheStream() {
        Instant before = Instant.now().minusMillis(5);
        String stream = newStream(3);
        StreamDescriptionSummary s = join(client.describeStreamSummary(b -> b.streamName(stream)))
                .streamDescriptionSummary();
        assertThat(s.streamName()).isEqualTo(stream);
        assertThat(s.streamARN()).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream)
                .isEqualTo(kinesis.streamArn(stream));
        assertThat(s.maxRecordSizeInKiB()).isEqualTo(FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB);
        assertThat(s.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(s.openShardCount()).isEqualTo(3);
        assertThat(s.retentionPeriodHours()).isEqualTo(24);
        assertThat(s.streamModeDetails().streamModeAsString()).isEqualTo("PROVISIONED");
        assertThat(s.encryptionTypeAsString()).isEqualTo("NONE");
        assertThat(s.enhancedMonitoring()).isEmpty();
        assertThat(s.streamCreationTimestamp()).isBetween(before, Instant.now().plusMillis(5));

        // by ARN too
        assertThat(join(client.describeStreamSummary(b -> b.streamARN(s.streamARN()))).streamDescriptionSummary()
                .streamName()).isEqualTo(stream);
        Throwable missing = failure(client.describeStreamSummary(b -> b.streamName("no-such-stream")));
        assertThat(missing).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream no-such-stream under account 000000000000 not found");
    }

    @Test
    void createStreamAndUnknownStreams() {
        join(client.createStream(b -> b.streamName("created-by-client").shardCount(5)));
        assertThat(kinesis.shards("created-by-client")).hasSize(5);
        Throwable again = failure(client.createStream(b -> b.streamName("created-by-client").shardCount(5)));
        assertThat(((KinesisException) again).awsErrorDetails().errorCode()).isEqualTo("ResourceInUseException");
        Throwable put = failure(client.putRecords(b -> b.streamName("nope").records(entry("k", "v"))));
        assertThat(put).isInstanceOf(ResourceNotFoundException.class);
        join(client.deleteStream(b -> b.streamName("created-by-client")));
        assertThat(kinesis.streamNames()).doesNotContain("created-by-client");
    }

    @Test
    void everyStreamOperationTakesTheStreamArn() {
        String stream = newStream(2);
        String arn = kinesis.streamArn(stream);
        assertThat(arn).isEqualTo("arn:aws:kinesis:us-east-1:000000000000:stream/" + stream);
        PutRecordsResponse records = join(client.putRecords(b -> b.streamARN(arn).records(entry("a", "1"), entry("b", "2"))));
        assertThat(records.failedRecordCount()).isZero();
        PutRecordResponse record = join(client.putRecord(b -> b.streamARN(arn).partitionKey("c")
                .data(SdkBytes.fromUtf8String("3"))));
        assertThat(kinesis.records(stream)).extracting(StoredRecord::dataAsUtf8).containsExactly("1", "2", "3");
        assertThat(kinesis.records(stream).get(2).sequenceNumber()).isEqualTo(record.sequenceNumber());
        assertThat(join(client.listShards(b -> b.streamARN(arn))).shards()).hasSize(2);
        assertThat(join(client.describeStreamSummary(b -> b.streamARN(arn))).streamDescriptionSummary().streamName())
                .isEqualTo(stream);
        // both, naming the same stream
        assertThat(join(client.putRecords(b -> b.streamName(stream).streamARN(arn).records(entry("d", "4"))))
                .failedRecordCount()).isZero();
        assertThat(join(client.listShards(b -> b.streamName(stream).streamARN(arn))).shards()).hasSize(2);
        join(client.deleteStream(b -> b.streamARN(arn)));
        assertThat(kinesis.streamNames()).doesNotContain(stream);
    }

    @Test
    void badStreamArnsAreRefusedAsTheServiceRefusesThem() {
        String stream = newStream(1);
        String other = newStream(1);
        String arn = kinesis.streamArn(stream);

        KinesisException malformed = (KinesisException) failure(client.putRecords(b -> b.streamARN("stream/" + stream)
                .records(entry("k", "v"))));
        assertThat(malformed.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(malformed.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value 'stream/"
                + stream + "' at 'streamARN' failed to satisfy constraint: Member must satisfy regular expression pattern: "
                + "arn:aws.*:kinesis:.*:\\d{12}:stream/\\S+");
        // a Firehose ARN is not a stream ARN either
        assertThat(((KinesisException) failure(client.describeStreamSummary(b -> b.streamARN(
                "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + stream)))).awsErrorDetails().errorCode())
                .isEqualTo("ValidationException");

        Throwable unknown = failure(client.describeStreamSummary(b -> b.streamARN(kinesis.streamArn("no-such-stream"))));
        assertThat(unknown).isInstanceOf(ResourceNotFoundException.class);
        assertThat(((KinesisException) unknown).awsErrorDetails().errorMessage())
                .isEqualTo("Stream no-such-stream under account 000000000000 not found.");
        Throwable account = failure(client.putRecords(b -> b.streamARN("arn:aws:kinesis:us-east-1:111122223333:stream/"
                + stream).records(entry("k", "v"))));
        assertThat(account).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("Stream " + stream + " under account 111122223333 not found.")
                .hasMessageContaining("FakeKinesis serves account 000000000000 in region us-east-1 of partition aws");
        Throwable region = failure(client.listShards(b -> b.streamARN("arn:aws:kinesis:eu-west-1:000000000000:stream/"
                + stream)));
        assertThat(region).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("the StreamARN names account 000000000000 in region eu-west-1 of partition aws.");
        Throwable partition = failure(client.putRecord(b -> b.streamARN("arn:aws-cn:kinesis:us-east-1:000000000000:stream/"
                + stream).partitionKey("k").data(SdkBytes.fromUtf8String("v"))));
        assertThat(partition).isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("of partition aws-cn.");

        KinesisException different = (KinesisException) failure(client.putRecords(b -> b.streamName(other).streamARN(arn)
                .records(entry("k", "v"))));
        assertThat(different.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        assertThat(different.awsErrorDetails().errorMessage()).isEqualTo("StreamName " + other + " and StreamARN " + arn
                + " name different streams; give either, or both for the same stream.");
        KinesisException neither = (KinesisException) failure(client.describeStreamSummary(b -> { }));
        assertThat(neither.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        assertThat(neither.awsErrorDetails().errorMessage()).isEqualTo("Either StreamName or StreamARN should be provided.");
        assertThat(kinesis.records(stream)).isEmpty();
        assertThat(kinesis.records(other)).isEmpty();
    }

    @Test
    void maxRecordSizeIsPerStreamReportedAndChangeable() {
        String created = "four-mib-" + streamCounter.incrementAndGet();
        join(client.createStream(b -> b.streamName(created).shardCount(1).maxRecordSizeInKiB(4096)));
        assertThat(kinesis.maxRecordSizeInKiB(created)).isEqualTo(4096);
        assertThat(join(client.describeStreamSummary(b -> b.streamName(created))).streamDescriptionSummary()
                .maxRecordSizeInKiB()).isEqualTo(4096);
        KinesisException tooSmall = (KinesisException) failure(client.createStream(b -> b.streamName("too-small")
                .shardCount(1).maxRecordSizeInKiB(1023)));
        assertThat(tooSmall.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(tooSmall.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value '1023' at "
                + "'maxRecordSizeInKiB' failed to satisfy constraint: Member must have value greater than or equal to 1024");
        assertThat(kinesis.streamNames()).doesNotContain("too-small");

        String stream = newStream(1);
        String arn = kinesis.streamArn(stream);
        join(client.updateMaxRecordSize(b -> b.streamARN(arn).maxRecordSizeInKiB(10_240)));
        assertThat(kinesis.maxRecordSizeInKiB(stream)).isEqualTo(10_240);
        assertThat(join(client.describeStreamSummary(b -> b.streamARN(arn))).streamDescriptionSummary()
                .maxRecordSizeInKiB()).isEqualTo(10_240);
        KinesisException tooLarge = (KinesisException) failure(client.updateMaxRecordSize(b -> b.streamARN(arn)
                .maxRecordSizeInKiB(10_241)));
        assertThat(tooLarge.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(tooLarge.awsErrorDetails().errorMessage()).endsWith("Member must have value less than or equal to 10240");
        assertThat(failure(client.updateMaxRecordSize(b -> b.streamARN(kinesis.streamArn("no-such-stream"))
                .maxRecordSizeInKiB(2048)))).isInstanceOf(ResourceNotFoundException.class);
        KinesisException noArn = (KinesisException) failure(client.updateMaxRecordSize(b -> b.maxRecordSizeInKiB(2048)));
        assertThat(noArn.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        assertThat(kinesis.maxRecordSizeInKiB(stream)).isEqualTo(10_240);
        // and back, through the control API
        kinesis.updateMaxRecordSize(stream, FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB);
        assertThat(join(client.describeStreamSummary(b -> b.streamName(stream))).streamDescriptionSummary()
                .maxRecordSizeInKiB()).isEqualTo(1024);
    }

    @Test
    void aRecordOverTheStreamsMaximumFailsTheWholeRequest() {
        kinesis.enforceShardLimits(false); // sizes only: a 1 MiB record and its neighbours are over a shard's second
        String stream = newStream(1);
        int max = 1024 * 1024;
        // data plus partition key exactly at the maximum is stored
        PutRecordsResponse atMax = put(stream, List.of(entry("a", "x"), bytes("key", max - 3), entry("b", "y")));
        assertThat(atMax.failedRecordCount()).isZero();
        assertThat(kinesis.records(stream)).hasSize(3);

        // one byte more (in the partition key): the whole request is refused, its neighbours too
        KinesisException over = (KinesisException) failure(client.putRecords(b -> b.streamName(stream)
                .records(entry("a", "x"), bytes("key2", max - 3), entry("b", "y"))));
        assertThat(over.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
        assertThat(over.statusCode()).isEqualTo(400);
        assertThat(over.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value at "
                + "'records.2.member.data' failed to satisfy constraint: Record size (1048573 bytes of data plus 4 bytes of "
                + "partition key) must be less than or equal to the stream's maximum record size of 1048576 bytes "
                + "(MaxRecordSizeInKiB 1024)");
        // data alone over the maximum: the service's wording for the data member
        KinesisException data = (KinesisException) failure(client.putRecords(b -> b.streamName(stream)
                .records(entry("a", "x"), bytes("k", max + 1))));
        assertThat(data.awsErrorDetails().errorMessage()).isEqualTo("1 validation error detected: Value "
                + "'java.nio.HeapByteBuffer[pos=0 lim=1048577 cap=1048577]' at 'records.2.member.data' failed to satisfy "
                + "constraint: Member must have length less than or equal to 1048576");
        Throwable single = failure(client.putRecord(b -> b.streamName(stream).partitionKey("key2")
                .data(SdkBytes.fromByteArray(new byte[max - 3]))));
        assertThat(single).isInstanceOf(software.amazon.awssdk.services.kinesis.model.ValidationException.class)
                .hasMessageContaining("Value at 'data' failed to satisfy constraint: Record size");
        assertThat(kinesis.records(stream)).hasSize(3);

        // raised to 2 MiB: both fit now
        kinesis.updateMaxRecordSize(stream, 2048);
        assertThat(put(stream, List.of(bytes("key2", max - 3), bytes("k", 2 * max - 1))).failedRecordCount()).isZero();
        join(client.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromByteArray(new byte[max + 1]))));
        assertThat(kinesis.records(stream)).hasSize(6);
    }

    @Test
    void putRecordsTakesUpToTenMiBPartitionKeysIncluded() {
        kinesis.enforceShardLimits(false);
        String stream = newStream(1);
        kinesis.updateMaxRecordSize(stream, FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB);
        int tenth = FakeKinesis.MAX_PUT_RECORDS_BYTES / 10; // 1 MiB
        List<PutRecordsRequestEntry> exactly = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            exactly.add(bytes("k" + i, tenth - 2)); // 2-byte keys: 10 MiB in all
        }
        assertThat(put(stream, exactly).failedRecordCount()).isZero();
        // one record of 10 MiB, key included
        assertThat(put(stream, List.of(bytes("big", FakeKinesis.MAX_PUT_RECORDS_BYTES - 3))).failedRecordCount()).isZero();
        assertThat(kinesis.records(stream)).hasSize(11);

        List<PutRecordsRequestEntry> over = new ArrayList<>(exactly);
        over.set(9, bytes("k10", tenth - 2)); // a 3-byte key: one byte over
        KinesisException e = (KinesisException) failure(client.putRecords(b -> b.streamName(stream).records(over)));
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
        assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("Records size exceeds 10 MB limit");
        assertThat(kinesis.records(stream)).hasSize(11);
    }

    static PutRecordsRequestEntry bytes(String key, int dataBytes) {
        return PutRecordsRequestEntry.builder().partitionKey(key).data(SdkBytes.fromByteArray(new byte[dataBytes])).build();
    }

    // ---------------------------------------------------------------- data plane

    @Test
    void putRecordsRoutesByMd5OfThePartitionKeyAndAnswersInOrder() throws Exception {
        String stream = newStream(8);
        List<Shard> shards = listAllShards(stream, 100);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            entries.add(entry("key-" + i + "-" + (i * 7919), "payload-" + i));
        }
        PutRecordsResponse r = put(stream, entries);
        assertThat(r.failedRecordCount()).isZero();
        assertThat(r.records()).hasSize(500);
        Map<String, String> seqToShard = new HashMap<>();
        String last = null;
        for (int i = 0; i < 500; i++) {
            PutRecordsResultEntry e = r.records().get(i);
            assertThat(e.errorCode()).isNull();
            assertThat(e.shardId()).isEqualTo(shardFor(shards, md5(entries.get(i).partitionKey())));
            assertThat(e.sequenceNumber()).matches("\\d{56}");
            if (last != null) {
                assertThat(new BigInteger(e.sequenceNumber())).isGreaterThan(new BigInteger(last));
            }
            last = e.sequenceNumber();
            seqToShard.put(e.sequenceNumber(), e.shardId());
        }
        // every shard got some: MD5 spreads 500 keys over 8 shards
        assertThat(new java.util.HashSet<>(seqToShard.values())).hasSize(8);

        List<StoredRecord> stored = kinesis.records(stream);
        assertThat(stored).hasSize(500);
        for (int i = 0; i < 500; i++) {
            StoredRecord s = stored.get(i);
            assertThat(s.dataAsUtf8()).isEqualTo("payload-" + i);
            assertThat(s.partitionKey()).isEqualTo(entries.get(i).partitionKey());
            assertThat(s.sequenceNumber()).isEqualTo(r.records().get(i).sequenceNumber());
            assertThat(s.shardId()).isEqualTo(r.records().get(i).shardId());
            assertThat(s.hashKey()).isEqualTo(md5(s.partitionKey()));
            assertThat(s.explicitHashKey()).isEmpty();
        }
        assertThat(kinesis.records(stream, "shardId-000000000003"))
                .allSatisfy(s -> assertThat(s.shardId()).isEqualTo("shardId-000000000003"));
        FakeKinesis.Counters c = kinesis.counters();
        assertThat(c.entriesReceived()).isEqualTo(500);
        assertThat(c.entriesStored()).isEqualTo(500);
        assertThat(c.requests("PutRecords")).isEqualTo(1);
        assertProtocolUsed(c);
    }

    @Test
    void explicitHashKeyWinsOverThePartitionKey() {
        String stream = newStream(4);
        BigInteger quarter = MAX_HASH.add(BigInteger.ONE).shiftRight(2);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int shard = 3; shard >= 0; shard--) {
            entries.add(PutRecordsRequestEntry.builder().partitionKey("same-key").data(SdkBytes.fromUtf8String("x" + shard))
                    .explicitHashKey(quarter.multiply(BigInteger.valueOf(shard)).add(BigInteger.valueOf(shard))
                            .toString()).build());
        }
        entries.add(PutRecordsRequestEntry.builder().partitionKey("same-key").data(SdkBytes.fromUtf8String("max"))
                .explicitHashKey(MAX_HASH.toString()).build());
        PutRecordsResponse r = put(stream, entries);
        assertThat(r.records()).extracting(PutRecordsResultEntry::shardId).containsExactly("shardId-000000000003",
                "shardId-000000000002", "shardId-000000000001", "shardId-000000000000", "shardId-000000000003");
        assertThat(kinesis.records(stream).get(4).explicitHashKey()).contains(MAX_HASH.toString());

        Throwable bad = failure(client.putRecords(b -> b.streamName(stream).records(PutRecordsRequestEntry.builder()
                .partitionKey("k").data(SdkBytes.fromUtf8String("v")).explicitHashKey(MAX_HASH.add(BigInteger.ONE)
                        .toString()).build())));
        assertThat(((KinesisException) bad).awsErrorDetails().errorCode()).isEqualTo("InvalidArgumentException");
    }

    @Test
    void putRecordStoresOneRecord() throws Exception {
        String stream = newStream(2);
        PutRecordResponse r = join(client.putRecord(b -> b.streamName(stream).partitionKey("solo")
                .data(SdkBytes.fromByteArray(new byte[] {0, 1, 2, (byte) 0xFF}))));
        assertThat(r.shardId()).isEqualTo(shardFor(kinesis.shards(stream), md5("solo")));
        StoredRecord s = kinesis.records(stream).get(0);
        assertThat(s.data()).containsExactly(0, 1, 2, 0xFF);
        assertThat(s.sequenceNumber()).isEqualTo(r.sequenceNumber());
    }

    @Test
    void throttlesEntriesBeyondTheShardsRecordLimit() {
        String stream = newStream(1);
        AtomicLong now = new AtomicLong(System.nanoTime());
        kinesis.clock = now::get; // frozen: the three requests fall in one second whatever the machine's load
        int ok = 0;
        int throttled = 0;
        for (int round = 0; round < 3; round++) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                entries.add(entry("k" + round + "-" + i, "d"));
            }
            PutRecordsResponse r = put(stream, entries);
            for (PutRecordsResultEntry e : r.records()) {
                if (e.errorCode() == null) {
                    ok++;
                } else {
                    throttled++;
                    assertThat(e.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
                    assertThat(e.errorMessage()).isEqualTo("Rate exceeded for shard shardId-000000000000 in stream "
                            + stream + " under account 000000000000.");
                }
            }
        }
        // 1,500 entries within a second: exactly the limit gets through
        assertThat(ok).isEqualTo(1000);
        assertThat(throttled).isEqualTo(500);
        assertThat(kinesis.counters().entriesThrottled()).isEqualTo(500);
        assertThat(kinesis.records(stream)).hasSize(1000);

        // half a second later still full; a second after the first requests the budget is back
        now.addAndGet(500_000_000L);
        assertThat(put(stream, List.of(entry("a", "b"))).failedRecordCount()).isEqualTo(1);
        now.addAndGet(600_000_000L);
        assertThat(put(stream, List.of(entry("a", "b"), entry("c", "d"))).failedRecordCount()).isZero();

        // a single PutRecord over the limit is refused with the exception
        kinesis.shardLimits(2, FakeKinesis.DEFAULT_BYTES_PER_SECOND);
        Throwable t = failure(client.putRecord(b -> b.streamName(stream).partitionKey("p")
                .data(SdkBytes.fromUtf8String("v"))));
        assertThat(t).isInstanceOf(ProvisionedThroughputExceededException.class)
                .hasMessageContaining("Rate exceeded for shard shardId-000000000000");

        // with enforcement off nothing is throttled
        kinesis.enforceShardLimits(false);
        PutRecordsResponse r = put(stream, List.of(entry("a", "b"), entry("c", "d")));
        assertThat(r.failedRecordCount()).isZero();
    }

    @Test
    void throttlesEntriesBeyondTheShardsByteLimit() {
        String stream = newStream(1);
        String data = "x".repeat(10_000);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            entries.add(entry(String.format("key-%04d", i), data)); // 10,008 bytes with the key
        }
        PutRecordsResponse r = put(stream, entries);
        long ok = r.records().stream().filter(e -> e.errorCode() == null).count();
        assertThat(ok).isEqualTo(FakeKinesis.DEFAULT_BYTES_PER_SECOND / 10_008);
        assertThat(r.failedRecordCount()).isEqualTo(150 - (int) ok);
        // entries after the first refused one are refused too: the window is full
        assertThat(r.records().subList(0, (int) ok)).allSatisfy(e -> assertThat(e.errorCode()).isNull());
        assertThat(r.records().subList((int) ok, 150))
                .allSatisfy(e -> assertThat(e.errorCode()).isEqualTo("ProvisionedThroughputExceededException"));
    }

    @Test
    void hotShardThrottlesOnlyItsEntriesAndResultsStayInOrder() throws Exception {
        String stream = newStream(4);
        kinesis.hotShard(stream, "shardId-000000000002");
        List<Shard> shards = kinesis.shards(stream);
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            entries.add(entry("hot-" + i, "d" + i));
        }
        PutRecordsResponse r = put(stream, entries);
        int expectedFailures = 0;
        for (int i = 0; i < 200; i++) {
            String shard = shardFor(shards, md5(entries.get(i).partitionKey()));
            PutRecordsResultEntry e = r.records().get(i);
            if (shard.equals("shardId-000000000002")) {
                expectedFailures++;
                assertThat(e.errorCode()).isEqualTo("ProvisionedThroughputExceededException");
                assertThat(e.shardId()).isNull();
                assertThat(e.errorMessage()).contains("shardId-000000000002");
            } else {
                assertThat(e.errorCode()).isNull();
                assertThat(e.shardId()).isEqualTo(shard);
            }
        }
        assertThat(expectedFailures).isGreaterThan(10);
        assertThat(r.failedRecordCount()).isEqualTo(expectedFailures);

        // a lower limit instead: 5 records/s on that shard, the others unlimited
        kinesis.clearShardOverrides(stream, "shardId-000000000002").enforceShardLimits(false)
                .shardLimit(stream, "shardId-000000000002", 5, 1_000_000);
        PutRecordsResponse limited = put(stream, entries);
        assertThat(limited.failedRecordCount()).isEqualTo(expectedFailures - 5);
        kinesis.clearShardOverrides(stream, "shardId-000000000002");
    }

    // ---------------------------------------------------------------- faults

    @Test
    void injectedEntryFailuresAreInternalFailuresAndOnlyFailedEntriesNeedResending() {
        String stream = newStream(4);
        kinesis.faults().entryFailureRate(0.2);
        List<PutRecordsRequestEntry> pending = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            pending.add(entry("key-" + i, "v" + i));
        }
        long sent = 0;
        int rounds = 0;
        int firstRoundFailures = -1;
        while (!pending.isEmpty() && rounds++ < 50) {
            sent += pending.size();
            PutRecordsResponse r = put(stream, pending);
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            for (int i = 0; i < pending.size(); i++) {
                PutRecordsResultEntry e = r.records().get(i);
                if (e.errorCode() != null) {
                    assertThat(e.errorCode()).isEqualTo("InternalFailure");
                    assertThat(e.errorMessage()).isEqualTo("Internal service failure.");
                    failed.add(pending.get(i));
                }
            }
            assertThat(r.failedRecordCount()).isEqualTo(failed.size());
            if (firstRoundFailures < 0) {
                firstRoundFailures = failed.size();
            }
            pending = failed;
        }
        assertThat(pending).isEmpty();
        assertThat(firstRoundFailures).isBetween(50, 150); // 20 % of 500, seeded
        FakeKinesis.Counters c = kinesis.counters();
        assertThat(c.entriesReceived()).isEqualTo(sent);
        assertThat(c.entriesFailedByInjection()).isEqualTo(sent - 500);
        assertThat(c.entriesStored()).isEqualTo(500);
        assertThat(kinesis.records(stream)).extracting(StoredRecord::partitionKey).doesNotHaveDuplicates().hasSize(500);
    }

    @Test
    void injectedServerErrorsAre500InternalFailure() {
        String stream = newStream(1);
        kinesis.faults().serverErrorRate(1.0);
        Throwable t = failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v"))));
        assertThat(t).isInstanceOf(KinesisException.class);
        KinesisException e = (KinesisException) t;
        assertThat(e.statusCode()).isEqualTo(500);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalFailure");
        // control plane untouched unless asked
        assertThat(join(client.listShards(b -> b.streamName(stream))).shards()).hasSize(1);
        kinesis.faults().includeControlPlane(true);
        assertThat(failure(client.listShards(b -> b.streamName(stream)))).isInstanceOf(KinesisException.class);
        assertThat(kinesis.records(stream)).isEmpty();
        assertThat(kinesis.counters().requestsFailedByInjection()).isEqualTo(2);
    }

    @Test
    void injectedUnavailabilityIs503() {
        String stream = newStream(1);
        kinesis.faults().serviceUnavailableRate(1.0);
        KinesisException e = (KinesisException) failure(client.putRecords(b -> b.streamName(stream)
                .records(entry("k", "v"))));
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ServiceUnavailable");
        assertThat(e.isThrottlingException() || e.retryable() || e.statusCode() == 503).isTrue();
    }

    @Test
    void droppedConnectionsFailTheCallAndStoreNothing() {
        String stream = newStream(1);
        kinesis.faults().dropConnectionRate(1.0);
        Throwable t = failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v"))));
        assertThat(t).isInstanceOf(SdkClientException.class);
        assertThat(kinesis.records(stream)).isEmpty();
        assertThat(kinesis.counters().droppedConnections()).isEqualTo(1);
        kinesis.faults().dropConnectionRate(0);
        assertThat(put(stream, List.of(entry("k", "v"))).failedRecordCount()).isZero();
    }

    @Test
    void slowResponsesTimeOutButTheRecordsAreStored() {
        String stream = newStream(1);
        kinesis.faults().slowResponses(1.0, Duration.ofMillis(1500));
        try (KinesisAsyncClient impatient = newTestClient(o -> o.apiCallAttemptTimeout(Duration.ofMillis(300)))) {
            long start = System.nanoTime();
            Throwable t = failure(impatient.putRecords(b -> b.streamName(stream).records(entry("k", "v"))));
            assertThat(t).isInstanceOf(ApiCallAttemptTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(1400));
            // stored although the client gave up: a retry would create a duplicate
            assertThat(kinesis.records(stream)).hasSize(1);
            assertThat(kinesis.counters().slowResponses()).isEqualTo(1);

            // a patient client gets the late answer
            kinesis.faults().slowResponses(1.0, Duration.ofMillis(200));
            start = System.nanoTime();
            assertThat(put(stream, List.of(entry("k2", "v"))).failedRecordCount()).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        }
    }

    @Test
    void requestErrorAnswersEveryPutWithThatError() {
        String stream = newStream(1);
        kinesis.faults().requestError("KMSAccessDeniedException");
        Throwable kms = failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v"))));
        assertThat(kms).isInstanceOf(KmsAccessDeniedException.class);
        assertThat(((KinesisException) kms).statusCode()).isEqualTo(400);
        assertThat(failure(client.putRecord(b -> b.streamName(stream).partitionKey("k")
                .data(SdkBytes.fromUtf8String("v"))))).isInstanceOf(KmsAccessDeniedException.class);

        kinesis.faults().requestError("ResourceNotFoundException");
        assertThat(failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v")))))
                .isInstanceOf(ResourceNotFoundException.class);
        kinesis.faults().requestError("ProvisionedThroughputExceededException");
        assertThat(failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v")))))
                .isInstanceOf(ProvisionedThroughputExceededException.class);

        // the control plane still works, and clearing the error restores puts
        assertThat(join(client.listShards(b -> b.streamName(stream))).shards()).hasSize(1);
        kinesis.faults().requestError(null);
        assertThat(put(stream, List.of(entry("k", "v"))).failedRecordCount()).isZero();
        assertThat(kinesis.counters().requestsFailedByInjection()).isEqualTo(4);
    }

    @Test
    void endpointDownFailsEveryOperation() {
        String stream = newStream(1);
        kinesis.faults().endpointDown(Faults.DownMode.SERVICE_UNAVAILABLE);
        KinesisException e = (KinesisException) failure(client.listShards(b -> b.streamName(stream)));
        assertThat(e.statusCode()).isEqualTo(503);
        assertThat(((KinesisException) failure(client.putRecords(b -> b.streamName(stream).records(entry("k", "v")))))
                .statusCode()).isEqualTo(503);

        kinesis.faults().endpointDown(Faults.DownMode.DROP_CONNECTION);
        assertThat(failure(client.describeStreamSummary(b -> b.streamName(stream))))
                .isInstanceOf(SdkClientException.class);

        kinesis.faults().endpointUp();
        assertThat(put(stream, List.of(entry("k", "v"))).failedRecordCount()).isZero();
        assertThat(kinesis.records(stream)).hasSize(1);
    }

    // ---------------------------------------------------------------- resharding

    @Test
    void splitShardClosesTheParentAndRoutesToTheChildren() throws Exception {
        String stream = newStream(2);
        List<Shard> before = listAllShards(stream, 100);
        // keys that the old map puts on shard 0, in either half of its range
        BigInteger mid = new BigInteger(before.get(0).hashKeyRange().endingHashKey()).add(BigInteger.ONE).shiftRight(1);
        List<PutRecordsRequestEntry> onShard0 = new ArrayList<>();
        for (int i = 0; onShard0.size() < 40; i++) {
            String key = "split-" + i;
            if (shardFor(before, md5(key)).equals("shardId-000000000000")) {
                onShard0.add(entry(key, "before"));
            }
        }
        PutRecordsResponse first = put(stream, onShard0);
        assertThat(first.records()).allSatisfy(e -> assertThat(e.shardId()).isEqualTo("shardId-000000000000"));
        String lastParentSeq = first.records().get(first.records().size() - 1).sequenceNumber();

        List<String> children = kinesis.splitShard(stream, "shardId-000000000000");
        assertThat(children).containsExactly("shardId-000000000002", "shardId-000000000003");

        List<Shard> after = listAllShards(stream, 2);
        assertThat(after).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001",
                "shardId-000000000002", "shardId-000000000003");
        Shard parent = after.get(0);
        assertThat(parent.sequenceNumberRange().endingSequenceNumber()).isNotNull();
        assertThat(new BigInteger(parent.sequenceNumberRange().endingSequenceNumber()))
                .isGreaterThanOrEqualTo(new BigInteger(lastParentSeq));
        Shard low = after.get(2);
        Shard high = after.get(3);
        assertThat(low.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(high.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(low.hashKeyRange().startingHashKey()).isEqualTo("0");
        assertThat(new BigInteger(low.hashKeyRange().endingHashKey()).add(BigInteger.ONE)).isEqualTo(mid);
        assertThat(new BigInteger(high.hashKeyRange().startingHashKey())).isEqualTo(mid);
        assertThat(high.hashKeyRange().endingHashKey()).isEqualTo(parent.hashKeyRange().endingHashKey());
        assertThat(new BigInteger(low.sequenceNumberRange().startingSequenceNumber()))
                .isGreaterThan(new BigInteger(parent.sequenceNumberRange().endingSequenceNumber()));
        assertThat(low.sequenceNumberRange().endingSequenceNumber()).isNull();
        assertThat(join(client.listShards(b -> b.streamName(stream).shardFilter(f -> f.type(ShardFilterType.AT_LATEST))))
                .shards()).extracting(Shard::shardId).containsExactly("shardId-000000000001", "shardId-000000000002",
                        "shardId-000000000003");
        assertThat(join(client.describeStreamSummary(b -> b.streamName(stream))).streamDescriptionSummary()
                .openShardCount()).isEqualTo(3);

        // a producer with the stale map predicts shard 0; the records land on the children
        PutRecordsResponse second = put(stream, onShard0);
        for (int i = 0; i < onShard0.size(); i++) {
            String expected = md5(onShard0.get(i).partitionKey()).compareTo(mid) < 0 ? "shardId-000000000002"
                    : "shardId-000000000003";
            assertThat(second.records().get(i).shardId()).isEqualTo(expected);
        }
        assertThat(second.records()).extracting(PutRecordsResultEntry::shardId).contains("shardId-000000000002",
                "shardId-000000000003");
        assertThat(kinesis.records(stream, "shardId-000000000000")).hasSize(40);
        assertThat(kinesis.shardIdForPartitionKey(stream, onShard0.get(0).partitionKey())).isIn(children);
        assertThatThrownBy(() -> kinesis.splitShard(stream, "shardId-000000000000"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void keepsConnectionsAlive() {
        String stream = newStream(1);
        for (int i = 0; i < 30; i++) {
            put(stream, List.of(entry("k" + i, "v")));
        }
        // sequential calls reuse one pooled connection
        assertThat(kinesis.counters().connections()).isLessThanOrEqualTo(2);
        assertThat(kinesis.counters().requests("PutRecords")).isEqualTo(30);
        if (http2()) {
            assertThat(kinesis.counters().http2Requests()).isEqualTo(30);
        } else {
            assertThat(kinesis.counters().http2Requests()).isZero();
        }
    }
}
