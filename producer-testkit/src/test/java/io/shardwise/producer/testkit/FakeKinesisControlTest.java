package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The control API without traffic: lifecycle, validation, shard maps. */
class FakeKinesisControlTest {

    @Test
    void lifecycle() {
        FakeKinesis k = FakeKinesis.builder().stream("s", 1).build();
        assertThatThrownBy(k::endpoint).isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        k.start();
        try {
            assertThat(k.endpoint().toString()).startsWith("http://127.0.0.1:");
            assertThat(k.port()).isPositive();
            assertThatThrownBy(k::start).isInstanceOf(IllegalStateException.class);
        } finally {
            k.close();
            k.close();
        }
        assertThatThrownBy(k::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void rejectsBadSettingsNamingTheField() {
        assertThatThrownBy(() -> FakeKinesis.builder().stream("s", 0)).hasMessageContaining("shardCount");
        assertThatThrownBy(() -> FakeKinesis.builder().stream("s", 1).stream("s", 2)).hasMessageContaining("already");
        assertThatThrownBy(() -> FakeKinesis.builder().shardLimits(0, 1)).hasMessageContaining("recordsPerSecond");
        assertThatThrownBy(() -> FakeKinesis.builder().port(70000)).hasMessageContaining("port");
        FakeKinesis k = FakeKinesis.builder().stream("s", 2).build();
        assertThatThrownBy(() -> k.faults().entryFailureRate(1.5)).hasMessageContaining("entryFailureRate");
        assertThatThrownBy(() -> k.faults().dropConnectionRate(-0.1)).hasMessageContaining("dropConnectionRate");
        assertThatThrownBy(() -> k.faults().slowResponses(0.5, Duration.ofSeconds(-1))).hasMessageContaining("delay");
        assertThatThrownBy(() -> k.faults().requestError("X", 200)).hasMessageContaining("httpStatus");
        assertThatThrownBy(() -> k.hotShard("s", "shardId-000000000009")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.records("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> k.createStream("s", 1)).hasMessageContaining("already exists");
        assertThatThrownBy(() -> FakeKinesis.builder().stream("s", 1, 1023)).hasMessageContaining("maxRecordSizeInKiB");
        assertThatThrownBy(() -> FakeKinesis.builder().stream("s", 1, 10_241)).hasMessageContaining("maxRecordSizeInKiB");
        assertThatThrownBy(() -> k.createStream("t", 1, 20_000)).hasMessageContaining("maxRecordSizeInKiB");
        assertThatThrownBy(() -> k.updateMaxRecordSize("s", 512)).hasMessageContaining("maxRecordSizeInKiB");
        assertThatThrownBy(() -> k.updateMaxRecordSize("nope", 2048)).isInstanceOf(IllegalArgumentException.class);
        assertThat(k.streamNames()).containsExactly("s");
    }

    @Test
    void streamArnsAccountRegionAndMaximumRecordSizes() {
        FakeKinesis k = FakeKinesis.builder().accountId("123456789012").stream("orders", 2)
                .stream("blobs", 1, FakeKinesis.LARGEST_MAX_RECORD_SIZE_KIB).build();
        assertThat(k.accountId()).isEqualTo("123456789012");
        assertThat(k.region()).isEqualTo(FakeKinesis.REGION);
        assertThat(k.streamArn("orders")).isEqualTo("arn:aws:kinesis:us-east-1:123456789012:stream/orders");
        assertThat(k.streamArn("not-yet-created")).endsWith(":stream/not-yet-created");
        assertThat(k.maxRecordSizeInKiB("orders")).isEqualTo(FakeKinesis.DEFAULT_MAX_RECORD_SIZE_KIB).isEqualTo(1024);
        assertThat(k.maxRecordSizeInKiB("blobs")).isEqualTo(10_240);
        assertThat(k.updateMaxRecordSize("orders", 5 * 1024).maxRecordSizeInKiB("orders")).isEqualTo(5120);
        assertThat(k.createStream("later", 1, 2048).maxRecordSizeInKiB("later")).isEqualTo(2048);
        assertThat(FakeKinesis.MAX_PUT_RECORDS_BYTES).isEqualTo(10 * 1024 * 1024);
    }

    @Test
    void faultSettingsReadBackAndClear() {
        FakeKinesis k = FakeKinesis.builder().build();
        Faults f = k.faults().entryFailureRate(0.1).serverErrorRate(0.2).serviceUnavailableRate(0.3)
                .slowResponses(0.4, Duration.ofSeconds(2)).dropConnectionRate(0.5).requestError("KMSThrottlingException")
                .endpointDown(Faults.DownMode.DROP_CONNECTION).includeControlPlane(true);
        assertThat(f.entryFailureRate()).isEqualTo(0.1);
        assertThat(f.serverErrorRate()).isEqualTo(0.2);
        assertThat(f.serviceUnavailableRate()).isEqualTo(0.3);
        assertThat(f.slowResponseRate()).isEqualTo(0.4);
        assertThat(f.slowResponseDelay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(f.dropConnectionRate()).isEqualTo(0.5);
        assertThat(f.requestErrorCode()).contains("KMSThrottlingException");
        assertThat(f.endpointDownMode()).contains(Faults.DownMode.DROP_CONNECTION);
        assertThat(f.includesControlPlane()).isTrue();
        f.clear();
        assertThat(f.entryFailureRate() + f.serverErrorRate() + f.serviceUnavailableRate() + f.slowResponseRate()
                + f.dropConnectionRate()).isZero();
        assertThat(f.requestErrorCode()).isEmpty();
        assertThat(f.endpointDownMode()).isEmpty();
    }

    @Test
    void shardMapsSplitAndRoute() {
        FakeKinesis k = FakeKinesis.builder().stream("s", 3).build();
        BigInteger max = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);
        assertThat(k.shardIdForHashKey("s", BigInteger.ZERO)).isEqualTo("shardId-000000000000");
        assertThat(k.shardIdForHashKey("s", max)).isEqualTo("shardId-000000000002");
        assertThatThrownBy(() -> k.shardIdForHashKey("s", max.add(BigInteger.ONE)))
                .isInstanceOf(IllegalArgumentException.class);
        BigInteger at = BigInteger.valueOf(1000);
        assertThat(k.splitShard("s", "shardId-000000000000", at)).containsExactly("shardId-000000000003",
                "shardId-000000000004");
        assertThat(k.shardIdForHashKey("s", BigInteger.valueOf(999))).isEqualTo("shardId-000000000003");
        assertThat(k.shardIdForHashKey("s", at)).isEqualTo("shardId-000000000004");
        assertThat(k.shards("s")).hasSize(5);
        assertThat(k.shards("s").get(0).sequenceNumberRange().endingSequenceNumber()).isNotNull();
        assertThatThrownBy(() -> k.splitShard("s", "shardId-000000000001", BigInteger.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(k.recordCountsByShard("s")).hasSize(5).containsEntry("shardId-000000000004", 0);
        assertThat(k.deleteStream("s")).isTrue();
        assertThat(k.streamNames()).isEmpty();
    }
}
