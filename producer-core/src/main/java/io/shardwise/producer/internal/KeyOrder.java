package io.shardwise.producer.internal;

import java.util.HashMap;
import java.util.Map;

/**
 * With {@code Ordering.KEY_STRICT}: the ordering keys of one stream that must not be sent for now,
 * because a record of that key is outside the queues without being stored: waiting out its retry
 * back-off, or in an aggregate stored on an unexpected shard that waits for a map to judge it. The
 * key's later records stay queued until every such record is back in its queue (in added order) or
 * settled.
 *
 * <p>Confined to the sender thread. Lookups allocate nothing (a reused probe key).
 */
final class KeyOrder {
    /** Held keys and how many of their records are out. */
    private final Map<HashKey, int[]> held = new HashMap<>();
    private final HashKey probe = new HashKey();

    /** @return whether the record's key is held */
    boolean isHeld(PendingRecord r) {
        if (held.isEmpty()) {
            return false;
        }
        return held.containsKey(probe.of(r));
    }

    /** A record of this key left the queues unstored: its key's later records wait. */
    void hold(PendingRecord r) {
        int[] count = held.get(probe.of(r));
        if (count == null) {
            held.put(HashKey.copyOf(r), new int[] {1});
        } else {
            count[0]++;
        }
    }

    /**
     * The record {@link #hold held} its key for is back in its queue or settled.
     *
     * @return whether the key is free again
     */
    boolean release(PendingRecord r) {
        int[] count = held.get(probe.of(r));
        if (count == null) {
            return true;
        }
        if (--count[0] <= 0) {
            held.remove(probe);
            return true;
        }
        return false;
    }
}
