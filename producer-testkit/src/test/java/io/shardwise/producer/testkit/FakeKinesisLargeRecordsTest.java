package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;

/**
 * Records larger than a shard's one-second byte budget against the shard limits: the burst tank,
 * stepped with a frozen clock through the real SDK client.
 */
class FakeKinesisLargeRecordsTest {
    private static final int MIB = 1024 * 1024;
    private static final long MS = 1_000_000L;

    private final AtomicLong now = new AtomicLong(1_000_000 * MS);

    private FakeKinesis start(FakeKinesis.Builder b) {
        FakeKinesis k = b.build().start();
        k.clock = now::get; // frozen unless a test moves it
        return k;
    }

    /** @return a client sharing the tests' event loop (closing one that owns its loop takes seconds) */
    private static KinesisAsyncClient client(FakeKinesis kinesis) {
        return kinesis.clientBuilder(h -> h.eventLoopGroup(TestClients.EVENT_LOOP)).build();
    }

    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return true if the record (data plus key {@code "k"}) was stored, false if it was throttled */
    private static boolean put(KinesisAsyncClient client, String stream, int totalBytes) {
        PutRecordsResponse r = join(client.putRecords(b -> b.streamName(stream).records(PutRecordsRequestEntry.builder()
                .partitionKey("k").data(SdkBytes.fromByteArray(new byte[totalBytes - 1])).build())));
        if (r.failedRecordCount() == 0) {
            return true;
        }
        assertThat(r.records().get(0).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
        assertThat(r.records().get(0).errorMessage()).startsWith("Rate exceeded for shard shardId-000000000000 in stream "
                + stream);
        return false;
    }

    @Test
    void aTenMiBRecordEmptiesTheTankAndSmallerRecordsFollowAsItRefills() {
        try (FakeKinesis kinesis = start(FakeKinesis.builder().stream("big", 1, FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB));
             KinesisAsyncClient client = client(kinesis)) {
            assertThat(join(client.describeStreamSummary(b -> b.streamName("big"))).streamDescriptionSummary()
                    .maxRecordSizeInKiB()).isEqualTo(10_240);
            // a full tank (10 MiB) takes a 10 MiB record, ten times the shard's one-second budget
            assertThat(put(client, "big", 10 * MIB)).isTrue();
            // then it is empty: nothing else gets in at that instant, however small
            assertThat(put(client, "big", 10)).isFalse();
            Throwable single = failure(client.putRecord(b -> b.streamName("big").partitionKey("k")
                    .data(SdkBytes.fromUtf8String("v"))));
            assertThat(single).isInstanceOf(ProvisionedThroughputExceededException.class);

            // 100 ms later the tank holds 104,857.6 bytes: smaller records get in as that capacity comes back
            now.addAndGet(100 * MS);
            assertThat(put(client, "big", 100_000)).isTrue();
            assertThat(put(client, "big", 5_000)).isFalse(); // 4,857.6 left
            assertThat(put(client, "big", 4_800)).isTrue();  // 57.6 left

            // the next 10 MiB record waits until the tank is full again: ten seconds without other traffic
            assertThat(put(client, "big", 10 * MIB)).isFalse();
            now.addAndGet(9_900 * MS);
            assertThat(put(client, "big", 10 * MIB)).isFalse(); // 10,380,960 bytes in the tank
            now.addAndGet(100 * MS);
            assertThat(put(client, "big", 10 * MIB)).isTrue();

            assertThat(kinesis.records("big")).extracting(r -> r.data().length + r.partitionKey().length())
                    .containsExactly(10 * MIB, 100_000, 4_800, 10 * MIB);
            assertThat(kinesis.counters().entriesThrottled()).isEqualTo(5);
        }
    }

    @Test
    void theTankHoldsTenSecondsOfTheByteLimitSoTwoFiveMiBRecordsPassBackToBack() {
        try (FakeKinesis kinesis = start(FakeKinesis.builder().stream("five", 1, 5 * 1024));
             KinesisAsyncClient client = client(kinesis)) {
            assertThat(put(client, "five", 5 * MIB)).isTrue();
            assertThat(put(client, "five", 5 * MIB)).isTrue();
            assertThat(put(client, "five", 5 * MIB)).isFalse();
            // five seconds refill five MiB
            now.addAndGet(5_000 * MS);
            assertThat(put(client, "five", 5 * MIB)).isTrue();
            // resetShardWindows fills every tank at once
            assertThat(put(client, "five", 5 * MIB)).isFalse();
            kinesis.resetShardWindows();
            assertThat(put(client, "five", 5 * MIB)).isTrue();
            assertThat(put(client, "five", 5 * MIB)).isTrue();
        }
    }

    @Test
    void aRecordOverALoweredByteLimitIsStoredFromTheTank() {
        // 100 KB/s: the tank holds ten seconds of it (1 MB), or the stream's 1 MiB maximum record size, which is more
        try (FakeKinesis kinesis = start(FakeKinesis.builder().stream("slow", 1).shardLimits(1000, 100_000));
             KinesisAsyncClient client = client(kinesis)) {
            assertThat(put(client, "slow", 500_000)).isTrue();
            assertThat(put(client, "slow", 500_000)).isTrue(); // 48,576 bytes left
            assertThat(put(client, "slow", 500_000)).isFalse();
            // records within the one-second budget still need the window's room and the tank's
            assertThat(put(client, "slow", 40_000)).isTrue();
            assertThat(put(client, "slow", 10_000)).isFalse();
            now.addAndGet(4_600 * MS); // 8,576 + 460,000 bytes
            assertThat(put(client, "slow", 500_000)).isFalse();
            now.addAndGet(400 * MS);
            assertThat(put(client, "slow", 500_000)).isTrue();
            // a per-shard limit of 0 bytes/s admits nothing, large or small
            kinesis.resetShardWindows().shardLimit("slow", "shardId-000000000000", 1000, 0);
            assertThat(put(client, "slow", 500_000)).isFalse();
            assertThat(put(client, "slow", 10)).isFalse();
        }
    }

    @Test
    void withoutEnforcedLimitsLargeRecordsAreNeverThrottled() {
        try (FakeKinesis kinesis = start(FakeKinesis.builder().stream("free", 1, 10_240).enforceShardLimits(false));
             KinesisAsyncClient client = client(kinesis)) {
            for (int i = 0; i < 3; i++) {
                assertThat(put(client, "free", 10 * MIB)).isTrue();
            }
            assertThat(kinesis.records("free")).hasSize(3);
        }
    }

    @Test
    void smallRecordsAreStillHeldToOneMiBPerSecondBesideAFullTank() {
        try (FakeKinesis kinesis = start(FakeKinesis.builder().stream("steady", 1, 10_240));
             KinesisAsyncClient client = client(kinesis)) {
            // the window, not the 10 MiB tank, limits records within the one-second budget
            PutRecordsResponse r = join(client.putRecords(b -> b.streamName("steady").records(List.of(
                    entry(600_000), entry(600_000)))));
            assertThat(r.records().get(0).errorCode()).isNull();
            assertThat(r.records().get(1).errorCode()).isEqualTo("ProvisionedThroughputExceededException");
            // while a record larger than the budget is measured by the tank alone
            assertThat(put(client, "steady", 2 * MIB)).isTrue();
        }
    }

    private static PutRecordsRequestEntry entry(int totalBytes) {
        return PutRecordsRequestEntry.builder().partitionKey("k").data(SdkBytes.fromByteArray(new byte[totalBytes - 1]))
                .build();
    }

    private static Throwable failure(CompletableFuture<?> f) {
        try {
            f.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        throw new AssertionError("expected the call to fail");
    }
}
