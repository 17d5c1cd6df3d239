package io.shardwise.producer.internal;

import java.util.concurrent.ConcurrentHashMap;

/**
 * What the producer learned of each stream's own limits (today: its maximum record size, read
 * with DescribeStreamSummary when the stream is first used), for validating records on the
 * caller's thread. Written by the sender, read by callers. Thread-safe; a read is one map lookup.
 */
final class StreamLimits {
    private final ConcurrentHashMap<String, Integer> maxRecordSize = new ConcurrentHashMap<>();

    /** @return the stream's maximum record size in bytes, or {@code 0} while it is not known */
    int maxRecordSize(String stream) {
        Integer v = maxRecordSize.get(stream);
        return v == null ? 0 : v;
    }

    /** Records the stream's maximum record size in bytes. */
    void learnedMaxRecordSize(String stream, int bytes) {
        maxRecordSize.put(stream, bytes);
    }
}
