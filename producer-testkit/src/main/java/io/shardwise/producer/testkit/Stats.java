package io.shardwise.producer.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The endpoint's counters. Thread-safe (LongAdders, concurrent map). */
final class Stats {
    final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
    /** The Firehose share of {@link #requests}. */
    final ConcurrentHashMap<String, LongAdder> firehoseRequests = new ConcurrentHashMap<>();
    final LongAdder entriesReceived = new LongAdder();
    final LongAdder entriesStored = new LongAdder();
    final LongAdder bytesStored = new LongAdder();
    final LongAdder entriesThrottled = new LongAdder();
    final LongAdder entriesFailedByInjection = new LongAdder();
    final LongAdder requestsFailedByInjection = new LongAdder();
    final LongAdder slowResponses = new LongAdder();
    final LongAdder droppedConnections = new LongAdder();
    final LongAdder connections = new LongAdder();
    final LongAdder http2Requests = new LongAdder();
    final LongAdder cborRequests = new LongAdder();
    final LongAdder jsonRequests = new LongAdder();
    /** The Firehose share of {@link #entriesReceived}. */
    final LongAdder firehoseEntriesReceived = new LongAdder();
    /** The Firehose share of {@link #entriesStored}. */
    final LongAdder firehoseEntriesStored = new LongAdder();

    void request(String operation) {
        requests.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    /** Counts a Firehose request in {@link #requests} and in {@link #firehoseRequests}. */
    void firehoseRequest(String operation) {
        request(operation);
        firehoseRequests.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    /** Counts the fate of a request's entries. */
    void entries(long stored, long storedBytes, long throttled, long injected) {
        entriesStored.add(stored);
        bytesStored.add(storedBytes);
        if (throttled > 0) {
            entriesThrottled.add(throttled);
        }
        if (injected > 0) {
            entriesFailedByInjection.add(injected);
        }
    }

    FakeKinesis.Counters snapshot() {
        return new FakeKinesis.Counters(sums(requests), entriesReceived.sum(), entriesStored.sum(), bytesStored.sum(),
                entriesThrottled.sum(), entriesFailedByInjection.sum(), requestsFailedByInjection.sum(),
                slowResponses.sum(), droppedConnections.sum(), connections.sum(), http2Requests.sum(), cborRequests.sum(),
                jsonRequests.sum(), sums(firehoseRequests), firehoseEntriesReceived.sum(), firehoseEntriesStored.sum());
    }

    /** @return the non-zero counts */
    private static Map<String, Long> sums(Map<String, LongAdder> counts) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                out.put(k, n);
            }
        });
        return Map.copyOf(out);
    }

    void reset() {
        requests.values().forEach(LongAdder::reset);
        firehoseRequests.values().forEach(LongAdder::reset);
        firehoseEntriesReceived.reset();
        firehoseEntriesStored.reset();
        entriesReceived.reset();
        entriesStored.reset();
        bytesStored.reset();
        entriesThrottled.reset();
        entriesFailedByInjection.reset();
        requestsFailedByInjection.reset();
        slowResponses.reset();
        droppedConnections.reset();
        connections.reset();
        http2Requests.reset();
        cborRequests.reset();
        jsonRequests.reset();
    }
}
