package io.shardwise.producer.firehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class FirehoseProducerConfigTest {
    @Test
    void defaultsFollowPutRecordBatchLimits() {
        FirehoseProducerConfig c = FirehoseProducerConfig.defaults();
        assertThat(c.collectionMaxCount()).isEqualTo(500);
        assertThat(c.collectionMaxSize()).isEqualTo(4L * 1024 * 1024);
        assertThat(c.packingEnabled()).isFalse();
        assertThat(c.packingMaxSize()).isEqualTo(1_024_000);
        assertThat(c.packingDelimiter()).containsExactly('\n');
        assertThat(c.recordTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(FirehoseProducerConfig.MAX_RECORD_SIZE).isEqualTo(1_024_000);
    }

    @Test
    void outOfRangeValuesNameTheFieldAndRange() {
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().collectionMaxSize(5L * 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("collectionMaxSize").hasMessageContaining("4194304");
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().collectionMaxCount(501))
                .hasMessageContaining("collectionMaxCount").hasMessageContaining("500");
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().packingMaxSize(1_024_001))
                .hasMessageContaining("packingMaxSize").hasMessageContaining("1024000");
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().packingDelimiter(new byte[0]))
                .hasMessageContaining("packingDelimiter");
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().recordTtl(Duration.ZERO))
                .hasMessageContaining("recordTtl");
    }

    @Test
    void toBuilderKeepsEverythingAndDelimiterIsCopied() {
        byte[] delimiter = {'|'};
        FirehoseProducerConfig c = FirehoseProducerConfig.builder().packingEnabled(true).packingMaxSize(5000)
                .packingDelimiter(delimiter).maxAttempts(3).recordMaxBufferedTime(Duration.ofMillis(250)).build();
        delimiter[0] = 'x';
        FirehoseProducerConfig copy = c.toBuilder().build();
        assertThat(copy.packingEnabled()).isTrue();
        assertThat(copy.packingMaxSize()).isEqualTo(5000);
        assertThat(copy.packingDelimiter()).containsExactly('|');
        assertThat(copy.maxAttempts()).hasValue(3);
        assertThat(copy.recordMaxBufferedTime()).isEqualTo(Duration.ofMillis(250));
        assertThat(c.toString()).contains("packingEnabled=true");
    }

    @Test
    void aDelimiterGivenAsTextIsItsUtf8BytesAndConfigsCompareItByContent() {
        FirehoseProducerConfig text = FirehoseProducerConfig.builder().packingDelimiter("\r\n").build();
        FirehoseProducerConfig bytes = FirehoseProducerConfig.builder().packingDelimiter(new byte[] {'\r', '\n'}).build();
        assertThat(text.packingDelimiter()).containsExactly('\r', '\n');
        assertThat(text).isEqualTo(bytes).hasSameHashCodeAs(bytes).isNotEqualTo(FirehoseProducerConfig.defaults());
        assertThat(text.toString()).contains("packingDelimiter=[13, 10]");
        assertThat(FirehoseProducerConfig.builder().packingDelimiter("\u00e9").build().packingDelimiter())
                .containsExactly((byte) 0xc3, (byte) 0xa9);
        assertThatThrownBy(() -> FirehoseProducerConfig.builder().packingDelimiter("12345678901234567"))
                .hasMessage("packingDelimiter must be between 1 and 16 bytes long, was "
                        + java.util.Arrays.toString("12345678901234567".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
