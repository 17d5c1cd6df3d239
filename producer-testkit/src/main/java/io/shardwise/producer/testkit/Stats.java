package io.shardwise.producer.testkit;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** The endpoint's counters. Thread-safe (LongAdders, concurrent map). */
final class Stats {
    final ConcurrentHashMap<String, LongAdder> requests = new ConcurrentHashMap<>();
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

    void request(String operation) {
        requests.computeIfAbsent(operation, k -> new LongAdder()).increment();
    }

    FakeKinesis.Counters snapshot() {
        Map<String, Long> byOp = new TreeMap<>();
        requests.forEach((k, v) -> {
            long n = v.sum();
            if (n > 0) {
                byOp.put(k, n);
            }
        });
        return new FakeKinesis.Counters(Map.copyOf(byOp), entriesReceived.sum(), entriesStored.sum(), bytesStored.sum(),
                entriesThrottled.sum(), entriesFailedByInjection.sum(), requestsFailedByInjection.sum(),
                slowResponses.sum(), droppedConnections.sum(), connections.sum(), http2Requests.sum(), cborRequests.sum(),
                jsonRequests.sum());
    }

    void reset() {
        requests.values().forEach(LongAdder::reset);
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
