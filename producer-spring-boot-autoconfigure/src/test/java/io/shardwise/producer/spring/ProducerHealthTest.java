package io.shardwise.producer.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.ProducerStats;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.Status;

/** The health indicator's verdicts, from the producer's counters alone. */
class ProducerHealthTest {

    private static ProducerStats stats(Duration oldest, Optional<String> senderFailure) {
        return new ProducerStats(10, 9, 0, Map.of(), 1, 100, oldest, 3, 0, 0, 0, 1, 0, 0, senderFailure);
    }

    @Test
    void upWhileRunningAndFresh() {
        Health h = ShardwiseProducerHealthAutoConfiguration.health(() -> stats(Duration.ofSeconds(1), Optional.empty()),
                () -> false, Duration.ofMinutes(1)).health();
        assertThat(h.getStatus()).isEqualTo(Status.UP);
    }

    @Test
    void downWithTheCauseWhenTheSenderThreadDied() {
        Health h = ShardwiseProducerHealthAutoConfiguration.health(
                () -> stats(Duration.ZERO, Optional.of("java.lang.NoClassDefFoundError: simulated")),
                () -> false, Duration.ofMinutes(1)).health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
        assertThat(h.getDetails().get("reason").toString()).contains("sender thread died").contains("NoClassDefFoundError: simulated");
    }

    @Test
    void downWhenTheOldestRecordIsTooOld() {
        Health h = ShardwiseProducerHealthAutoConfiguration.health(() -> stats(Duration.ofMinutes(2), Optional.empty()),
                () -> false, Duration.ofMinutes(1)).health();
        assertThat(h.getStatus()).isEqualTo(Status.DOWN);
    }
}
