package io.shardwise.producer.internal;

import io.shardwise.producer.RecordFailedException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * With {@code Ordering.KEY_STRICT}: records of one stream that failed for good, by key, until a
 * while after the application was told. Every record of such a key added after the failed one (a
 * greater {@link PendingRecord#sequence()}) and before its failure was reported (its future
 * completed) must fail too: storing it would leave a gap in the key's sequence that the application
 * could not know of when it added the record. A record added after the report starts the key's
 * sequence again.
 *
 * <p>Confined to the sender thread.
 */
final class FailedKeys {
    /** How long a reported failure is kept: records added before the report may still be on their way in. */
    private static final long KEPT_AFTER_REPORT_NANOS = 1_000_000_000L;

    /** The earliest record of a key that failed for good, why, and when the application was told. */
    static final class Failure {
        private final PendingRecord record;
        private final RecordFailedException error;
        /** When its future completed (engine clock), once the loop has seen it; 0 before. */
        private long reportedNanos;

        Failure(PendingRecord record, RecordFailedException error) {
            this.record = record;
            this.error = error;
        }

        PendingRecord record() {
            return record;
        }

        RecordFailedException error() {
            return error;
        }
    }

    /** Per key, its failures still kept (usually one), oldest first. */
    private final Map<HashKey, java.util.List<Failure>> byKey = new HashMap<>();
    private final HashKey probe = new HashKey();
    /** Whether a failure was added since the records the producer holds were last checked against them. */
    private boolean fresh;

    boolean isEmpty() {
        return byKey.isEmpty();
    }

    /** @return whether a failure came since {@link #checked()}: every record held must be checked again */
    boolean hasFresh() {
        return fresh;
    }

    /** Every record the producer holds was checked against the failures known now. */
    void checked() {
        fresh = false;
    }

    /** {@code r} failed for good with {@code error}: its key's later records must fail. */
    void add(PendingRecord r, RecordFailedException error) {
        java.util.List<Failure> known = byKey.get(probe.of(r));
        if (known == null) {
            known = new java.util.ArrayList<>(1);
            byKey.put(HashKey.copyOf(r), known);
        }
        known.add(new Failure(r, error));
        fresh = true;
    }

    /**
     * @return the failure that {@code r} follows (an earlier record of its key whose failure was not
     *     yet reported when {@code r} was added), or {@code null}
     */
    Failure precedingFailure(PendingRecord r) {
        if (byKey.isEmpty()) {
            return null;
        }
        java.util.List<Failure> known = byKey.get(probe.of(r));
        if (known == null) {
            return null;
        }
        for (Failure f : known) {
            if (f.record().sequence() < r.sequence() && (f.reportedNanos == 0 || r.addedNanos - f.reportedNanos <= 0)) {
                return f;
            }
        }
        return null;
    }

    /** Notes which failures have been reported, and forgets those reported long enough ago. */
    void update(long now) {
        for (Iterator<java.util.List<Failure>> keys = byKey.values().iterator(); keys.hasNext(); ) {
            java.util.List<Failure> known = keys.next();
            for (Iterator<Failure> it = known.iterator(); it.hasNext(); ) {
                Failure f = it.next();
                if (f.reportedNanos == 0) {
                    long at = f.record().completedNanos();
                    if (at != 0) {
                        f.reportedNanos = at;
                    }
                } else if (now - f.reportedNanos >= KEPT_AFTER_REPORT_NANOS) {
                    it.remove();
                }
            }
            if (known.isEmpty()) {
                keys.remove();
            }
        }
    }
}
