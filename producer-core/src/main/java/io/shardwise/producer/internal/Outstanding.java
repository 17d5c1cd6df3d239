package io.shardwise.producer.internal;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the records and bytes added but not yet completed, and tracks flush epochs: a flush
 * completes when every record added before it has completed (succeeded or failed), without
 * keeping a list of their futures.
 *
 * <p>Thread-safe. Each record registers in the current epoch; {@link #flush()} opens a new epoch
 * and returns a future completed once the old epoch, and every epoch before it, has drained.
 */
final class Outstanding {
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile Epoch current = new Epoch();
    private CompletableFuture<Void> lastFlush = CompletableFuture.completedFuture(null);

    Epoch register(int size) {
        records.incrementAndGet();
        bytes.addAndGet(size);
        while (true) {
            Epoch e = current;
            if (e.tryEnter()) {
                return e;
            }
        }
    }

    void release(Epoch epoch, int size) {
        records.decrementAndGet();
        bytes.addAndGet(-size);
        epoch.exit();
    }

    /** @return a future completed when every record registered before this call has completed */
    synchronized CompletableFuture<Void> flush() {
        Epoch old = current;
        current = new Epoch();
        old.exit(); // drop the epoch's own "open" token
        lastFlush = lastFlush.thenCombine(old.drained, (a, b) -> null);
        return lastFlush;
    }

    long records() {
        return records.get();
    }

    long bytes() {
        return bytes.get();
    }

    /** One flush interval's records; {@code pending} starts at 1, the token held while it is open. */
    static final class Epoch {
        private final AtomicLong pending = new AtomicLong(1);
        private final CompletableFuture<Void> drained = new CompletableFuture<>();

        private boolean tryEnter() {
            long v;
            do {
                v = pending.get();
                if (v == 0) {
                    return false;
                }
            } while (!pending.compareAndSet(v, v + 1));
            return true;
        }

        private void exit() {
            if (pending.decrementAndGet() == 0) {
                drained.complete(null);
            }
        }
    }
}
