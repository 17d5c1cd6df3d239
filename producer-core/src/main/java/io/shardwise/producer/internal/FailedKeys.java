package io.shardwise.producer.internal;

import io.shardwise.producer.RecordFailedException;
import java.util.HashMap;
import java.util.Map;

/**
 * With {@code Ordering.KEY_STRICT}: the records of one stream that failed for good since the loop
 * last looked, by key. Every record of such a key added after the failed one (a greater
 * {@link PendingRecord#sequence()}) and still held by the producer must fail too: storing it would
 * leave a gap in the key's sequence.
 *
 * <p>Confined to the sender thread.
 */
final class FailedKeys {
    /** The earliest record of a key that failed for good, and why. */
    record Failure(PendingRecord record, RecordFailedException error) {
    }

    private final Map<HashKey, Failure> byKey = new HashMap<>();
    private final HashKey probe = new HashKey();

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** {@code r} failed for good with {@code error}: its key's later records must fail. */
    void add(PendingRecord r, RecordFailedException error) {
        Failure known = byKey.get(probe.of(r));
        if (known == null || known.record().sequence() > r.sequence()) {
            byKey.put(HashKey.copyOf(r), new Failure(r, error));
        }
    }

    /** @return the failure that {@code r} follows (an earlier record of its key), or {@code null} */
    Failure precedingFailure(PendingRecord r) {
        if (byKey.isEmpty()) {
            return null;
        }
        Failure f = byKey.get(probe.of(r));
        return f != null && f.record().sequence() < r.sequence() ? f : null;
    }

    void clear() {
        byKey.clear();
    }
}
