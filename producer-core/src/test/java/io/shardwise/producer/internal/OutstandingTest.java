package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutstandingTest {

    private record Reg(Outstanding.Epoch epoch, int size) {
    }

    private static Reg reg(Outstanding o, int size) {
        return new Reg(o.register(size), size);
    }

    private static void rel(Outstanding o, Reg r) {
        o.completed(r.epoch(), r.size(), null);
    }

    @Test
    void countsRecordsAndBytes() {
        Outstanding o = new Outstanding();
        assertThat(o.records()).isZero();
        assertThat(o.bytes()).isZero();
        Reg a = reg(o, 10);
        Reg b = reg(o, 250);
        Reg c = reg(o, 1);
        assertThat(o.records()).isEqualTo(3);
        assertThat(o.bytes()).isEqualTo(261);
        rel(o, b);
        assertThat(o.records()).isEqualTo(2);
        assertThat(o.bytes()).isEqualTo(11);
        o.flush();
        Reg d = reg(o, 1000);
        assertThat(o.records()).isEqualTo(3);
        assertThat(o.bytes()).isEqualTo(1011);
        rel(o, a);
        rel(o, c);
        rel(o, d);
        assertThat(o.records()).isZero();
        assertThat(o.bytes()).isZero();
    }

    @Test
    void completionsAreCountedByOutcome() {
        Outstanding o = new Outstanding();
        Reg a = reg(o, 1);
        Reg b = reg(o, 1);
        Reg c = reg(o, 1);
        o.completed(a.epoch(), a.size(), null);
        o.completed(b.epoch(), b.size(), new io.shardwise.producer.RecordExpiredException("x", List.of(), null));
        o.completed(c.epoch(), c.size(), new io.shardwise.producer.RecordExpiredException("y", List.of(), null));
        assertThat(o.succeeded()).isEqualTo(1);
        assertThat(o.failed()).isEqualTo(2);
        assertThat(o.failedByReason()).containsExactly(java.util.Map.entry("RecordExpiredException", 2L));
        assertThat(o.records()).isZero();
    }

    @Test
    void flushWithNothingOutstandingCompletesAtOnce() {
        Outstanding o = new Outstanding();
        assertThat(o.flush()).isCompleted();
        assertThat(o.flush()).isCompleted();
    }

    @Test
    void flushCompletesOnlyWhenAllEarlierRecordsAreReleased() {
        Outstanding o = new Outstanding();
        Reg a = reg(o, 1);
        Reg b = reg(o, 2);
        Reg c = reg(o, 3);
        CompletableFuture<Void> f = o.flush();
        assertThat(f).isNotDone();
        rel(o, b);
        assertThat(f).isNotDone();
        rel(o, a);
        assertThat(f).isNotDone();
        rel(o, c);
        assertThat(f).isCompleted();
    }

    @Test
    void recordsRegisteredAfterFlushDoNotHoldItUp() {
        Outstanding o = new Outstanding();
        Reg before = reg(o, 5);
        CompletableFuture<Void> f = o.flush();
        Reg after1 = reg(o, 5);
        Reg after2 = reg(o, 5);
        assertThat(f).isNotDone();
        rel(o, before);
        assertThat(f).as("only 'before' counts").isCompleted();
        assertThat(o.records()).isEqualTo(2);
        CompletableFuture<Void> g = o.flush();
        assertThat(g).isNotDone();
        rel(o, after1);
        rel(o, after2);
        assertThat(g).isCompleted();
    }

    @Test
    void flushAfterNoNewRecordsCompletesImmediatelyEvenIfLaterOnesArePending() {
        Outstanding o = new Outstanding();
        CompletableFuture<Void> first = o.flush();
        assertThat(first).isCompleted();
        Reg r = reg(o, 1);
        CompletableFuture<Void> second = o.flush();
        assertThat(second).isNotDone();
        rel(o, r);
        assertThat(second).isCompleted();
    }

    @Test
    void laterFlushWaitsForEarlierEpochsToo() {
        Outstanding o = new Outstanding();
        Reg old = reg(o, 1);
        CompletableFuture<Void> f1 = o.flush();
        Reg mid = reg(o, 1);
        CompletableFuture<Void> f2 = o.flush();
        // f2 covers both 'old' and 'mid'
        rel(o, mid);
        assertThat(f2).as("old is still outstanding").isNotDone();
        assertThat(f1).isNotDone();
        rel(o, old);
        assertThat(f1).isCompleted();
        assertThat(f2).isCompleted();
    }

    @Test
    void flushWithNoNewRecordsStillWaitsForOutstandingFromEarlierEpochs() {
        Outstanding o = new Outstanding();
        Reg r = reg(o, 1);
        CompletableFuture<Void> f1 = o.flush();
        CompletableFuture<Void> f2 = o.flush(); // nothing registered in between
        assertThat(f2).as("a flush covers every record added before it").isNotDone();
        rel(o, r);
        assertThat(f1).isCompleted();
        assertThat(f2).isCompleted();
    }

    @Test
    void pendingRecordReleasesOnCompletionOnlyOnce() {
        Outstanding o = new Outstanding();
        PendingRecord r = new PendingRecord("s", "k", null, new byte[3], 4, 0, 0, 0, 1, o);
        assertThat(o.records()).isEqualTo(1);
        assertThat(o.bytes()).isEqualTo(4);
        CompletableFuture<Void> f = o.flush();
        assertThat(f).isNotDone();
        assertThat(r.succeed("shard", "1", io.shardwise.producer.Attempt.succeeded(java.time.Instant.now(), java.time.Duration.ZERO))).isTrue();
        assertThat(r.fail(new io.shardwise.producer.RecordFailedException("late", List.of(), null))).isFalse();
        assertThat(o.records()).isZero();
        assertThat(o.bytes()).isZero();
        assertThat(f).isCompleted();
    }

    @Test
    void concurrentRegisterReleaseAndFlush() throws Exception {
        Outstanding o = new Outstanding();
        int threads = 4;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                tasks.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        Reg r = reg(o, 3);
                        rel(o, r);
                    }
                    return null;
                }));
            }
            List<CompletableFuture<Void>> flushes = new ArrayList<>();
            start.countDown();
            for (int i = 0; i < 200; i++) {
                flushes.add(o.flush());
            }
            for (Future<?> f : tasks) {
                f.get(30, TimeUnit.SECONDS);
            }
            for (CompletableFuture<Void> f : flushes) {
                f.get(5, TimeUnit.SECONDS);
            }
            assertThat(o.records()).isZero();
            assertThat(o.bytes()).isZero();
            assertThat(o.flush()).isCompleted();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void heldRecordBlocksConcurrentFlushes() throws Exception {
        Outstanding o = new Outstanding();
        Reg held = reg(o, 1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> churn = pool.submit(() -> {
                for (int i = 0; i < 10_000; i++) {
                    rel(o, reg(o, 1));
                }
            });
            CompletableFuture<Void> f = o.flush();
            churn.get(30, TimeUnit.SECONDS);
            assertThat(f).isNotDone();
            rel(o, held);
            f.get(5, TimeUnit.SECONDS);
            assertThat(f).isCompleted();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aBlockedCallerIsWokenOnceASliceOfRoomIsFreeNotPerCompletedRecord() throws Exception {
        Outstanding o = new Outstanding(64, Long.MAX_VALUE, Duration.ofMinutes(5));   // slice: 64 / 16 = 4
        List<Reg> regs = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            regs.add(reg(o, 10));
        }
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Reg> blocked = ex.submit(() -> reg(o, 10));
            org.awaitility.Awaitility.await("the caller blocks").atMost(Duration.ofSeconds(30)).until(o::hasWaiters);
            for (int i = 0; i < 3; i++) {
                rel(o, regs.get(i));
            }
            // Release 1 always finds the caller waiting (it cannot have got room before): without
            // hysteresis it would be signalled there.
            assertThat(o.wakeUps()).as("signals before a slice is free").isZero();
            rel(o, regs.get(3));
            assertThat(blocked.get(10, TimeUnit.SECONDS).size()).isEqualTo(10);
            assertThat(o.wakeUps()).isLessThanOrEqualTo(1);
            assertThat(o.records()).isEqualTo(61);
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void aCallerBlockedOnBytesIsWokenWhenItsLargeRecordFits() throws Exception {
        Outstanding o = new Outstanding(Long.MAX_VALUE, 1000, Duration.ofMinutes(5));   // slice: 1000 / 16 = 62 bytes
        List<Reg> regs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            regs.add(reg(o, 100));
        }
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Reg> blocked = ex.submit(() -> reg(o, 500));
            org.awaitility.Awaitility.await("the caller blocks").atMost(Duration.ofSeconds(30)).until(o::hasWaiters);
            for (int i = 0; i < 5; i++) {
                rel(o, regs.get(i));
            }
            assertThat(blocked.get(10, TimeUnit.SECONDS).size()).isEqualTo(500);
            assertThat(o.bytes()).isEqualTo(1000);
        } finally {
            ex.shutdownNow();
        }
    }
}
