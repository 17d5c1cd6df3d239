package io.shardwise.producer.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SlidingWindowTest {
    private static final long MS = 1_000_000L;

    @Test
    void admitsTheRecordLimitPerSecondAndSlidesIn100msSteps() {
        SlidingWindow w = new SlidingWindow();
        long t0 = 5_000 * MS;
        for (int i = 0; i < 6; i++) {
            assertThat(w.tryAcquire(t0, 10, Long.MAX_VALUE, 1)).isTrue();
        }
        for (int i = 0; i < 4; i++) {
            assertThat(w.tryAcquire(t0 + 500 * MS, 10, Long.MAX_VALUE, 1)).isTrue();
        }
        assertThat(w.tryAcquire(t0 + 500 * MS, 10, Long.MAX_VALUE, 1)).isFalse();
        assertThat(w.tryAcquire(t0 + 999 * MS, 10, Long.MAX_VALUE, 1)).isFalse();
        // the first 100 ms bucket (6 records) leaves the window after one second
        for (int i = 0; i < 6; i++) {
            assertThat(w.tryAcquire(t0 + 1_000 * MS, 10, Long.MAX_VALUE, 1)).isTrue();
        }
        assertThat(w.tryAcquire(t0 + 1_050 * MS, 10, Long.MAX_VALUE, 1)).isFalse();
        // a long pause forgets everything
        for (int i = 0; i < 10; i++) {
            assertThat(w.tryAcquire(t0 + 60_000 * MS, 10, Long.MAX_VALUE, 1)).isTrue();
        }
    }

    @Test
    void admitsTheByteLimitPerSecondAndRefusalsCostNothing() {
        SlidingWindow w = new SlidingWindow();
        assertThat(w.tryAcquire(0, 1000, 1000, 600)).isTrue();
        assertThat(w.tryAcquire(0, 1000, 1000, 600)).isFalse();
        assertThat(w.tryAcquire(0, 1000, 1000, 400)).isTrue();
        assertThat(w.tryAcquire(0, 1000, 1000, 1)).isFalse();
        w.reset();
        assertThat(w.tryAcquire(0, 1000, 1000, 1000)).isTrue();
    }
}
