package io.shardwise.producer.faults;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.KclConsumer;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ProducerStats;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.Deaggregator;
import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.StoredRecord;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Shared helpers of the fault-injection tests: fast producer settings, self-describing payloads
 * ({@code <tag><id>;xxxx}), reading the {@link FakeKinesis} store back as user records
 * (deaggregated), and small statistics.
 */
final class FaultTestSupport {

    private FaultTestSupport() {
    }

    /** Settings that keep the tests fast: short linger, short back-off, quick map refreshes. */
    static ProducerConfig.Builder fastConfig() {
        return ProducerConfig.builder()
                .recordMaxBufferedTime(Duration.ofMillis(20))
                .retryBackoffBase(Duration.ofMillis(5))
                .retryBackoffMax(Duration.ofMillis(100))
                .requestTimeout(Duration.ofSeconds(2))
                .recordTtl(Duration.ofSeconds(60))
                .shardMapMinRefreshInterval(Duration.ofMillis(100));
    }

    static KinesisProducer producer(KinesisAsyncClient client, String stream, ProducerConfig config) {
        return KinesisProducer.builder().kinesisClient(client).streamName(stream).config(config).build();
    }

    /** @return {@code <tag><id>;} padded with {@code x} to {@code size} bytes (longer if the prefix needs it) */
    static byte[] payload(String tag, int id, int size) {
        byte[] prefix = (tag + id + ";").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[Math.max(size, prefix.length)];
        Arrays.fill(out, (byte) 'x');
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        return out;
    }

    static byte[] payload(int id, int size) {
        return payload("r", id, size);
    }

    /** @return the tag and id of a payload made by {@link #payload}, e.g. {@code r42} */
    static String label(byte[] data) {
        for (int i = 0; i < data.length; i++) {
            if (data[i] == ';') {
                return new String(data, 0, i, StandardCharsets.US_ASCII);
            }
        }
        throw new IllegalArgumentException("not a test payload: " + new String(data, StandardCharsets.UTF_8));
    }

    /** @return the numeric id of a payload made by {@link #payload} */
    static int id(byte[] data) {
        String l = label(data);
        int i = 0;
        while (i < l.length() && !Character.isDigit(l.charAt(i))) {
            i++;
        }
        return Integer.parseInt(l.substring(i));
    }

    /**
     * One user record as the endpoint holds it: the Kinesis record that carried it, its index in
     * that record, its label and when its request arrived.
     */
    record Copy(String shardId, String sequenceNumber, long subSequenceNumber, String label, long arrivalMillis) {
        String location() {
            return shardId + "/" + sequenceNumber + "/" + subSequenceNumber;
        }
    }

    /** @return every user record stored on the stream (aggregates unpacked, nothing filtered), in store order */
    static List<Copy> storedUserRecords(FakeKinesis kinesis, String stream) {
        List<Copy> out = new ArrayList<>();
        for (StoredRecord s : kinesis.records(stream)) {
            addUserRecords(out, s, Deaggregator.create());
        }
        return out;
    }

    /**
     * What consumers that read every shard and drop user records outside the shard's hash-key range
     * (as the KCL does after a reshard) read.
     */
    static List<Copy> rangeFilteredUserRecords(FakeKinesis kinesis, String stream) {
        List<Copy> out = new ArrayList<>();
        for (Shard shard : kinesis.shards(stream)) {
            Deaggregator consumer = Deaggregator.builder()
                    .filterToHashKeyRange(new BigInteger(shard.hashKeyRange().startingHashKey()),
                            new BigInteger(shard.hashKeyRange().endingHashKey()))
                    .build();
            for (StoredRecord s : kinesis.records(stream, shard.shardId())) {
                addUserRecords(out, s, consumer);
            }
        }
        return out;
    }

    private static void addUserRecords(List<Copy> out, StoredRecord s, Deaggregator deaggregator) {
        long arrival = s.arrivalTime().toEpochMilli();
        for (DeaggregatedRecord r : deaggregator.deaggregate(s.data(), s.partitionKey(), s.explicitHashKey().orElse(null))) {
            out.add(new Copy(s.shardId(), s.sequenceNumber(), r.subSequenceNumber(), label(r.data()), arrival));
        }
    }

    /** @return label by location ({@code shard/sequence/sub-sequence}) */
    static Map<String, String> byLocation(List<Copy> copies) {
        Map<String, String> m = new HashMap<>(copies.size() * 2);
        for (Copy c : copies) {
            String previous = m.put(c.location(), c.label());
            if (previous != null) {
                throw new AssertionError("two user records at one location " + c.location() + ": " + previous + ", " + c.label());
            }
        }
        return m;
    }

    /** @return how many copies of each label the store holds */
    static Map<String, Integer> copiesByLabel(List<Copy> copies) {
        Map<String, Integer> m = new HashMap<>(copies.size() * 2);
        for (Copy c : copies) {
            m.merge(c.label(), 1, Integer::sum);
        }
        return m;
    }

    static String location(PutResult r) {
        return r.shardId() + "/" + r.sequenceNumber() + "/" + r.subSequenceNumber();
    }

    /**
     * Waits until every future has completed (successfully or not).
     *
     * @throws AssertionError naming how many are still pending after the timeout
     */
    static void awaitAll(List<? extends CompletableFuture<?>> futures, Duration timeout) throws InterruptedException {
        CompletableFuture<Void> all = CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0]));
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            // some failed: they are done all the same (allOf completes after every one completed)
        } catch (TimeoutException e) {
            long pending = futures.stream().filter(f -> !f.isDone()).count();
            throw new AssertionError(pending + " of " + futures.size() + " futures still incomplete after " + timeout);
        }
    }

    /**
     * Reads the stream back as a KCL application does ({@link KclConsumer}: shard by shard, through the
     * KCL's own deaggregator with the shard's hash-key range) and checks that every record whose
     * future succeeded is returned at the shard, sequence number and sub-sequence number its
     * {@link PutResult} names, carrying its own payload ({@code tag + index}). Futures must be done.
     *
     * @return how many succeeded records were checked
     * @throws AssertionError listing the first records not read back where their results say
     */
    static int assertSucceededReadBackByKcl(FakeKinesis kinesis, String stream, List<? extends CompletableFuture<PutResult>> futures,
            String tag) {
        Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(KclConsumer.readStream(kinesis, stream));
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (int i = 0; i < futures.size(); i++) {
            CompletableFuture<PutResult> f = futures.get(i);
            if (failure(f) != null) {
                continue;
            }
            checked++;
            String where = KclConsumer.location(f.join());
            KclConsumer.UserRecord back = read.get(where);
            String readLabel = back == null ? null : label(back.data());
            if (!(tag + i).equals(readLabel)) {
                wrong.add(tag + i + " at " + where + ": " + (back == null ? "nothing read there" : "read " + readLabel));
            }
        }
        if (!wrong.isEmpty()) {
            throw new AssertionError(wrong.size() + " of " + checked + " succeeded records not read back by the KCL where their"
                    + " results say, e.g. " + wrong.subList(0, Math.min(5, wrong.size())));
        }
        return checked;
    }

    /** @return the future's failure (unwrapped), or null if it succeeded; it must be done */
    static Throwable failure(CompletableFuture<?> f) {
        if (!f.isCompletedExceptionally()) {
            return null;
        }
        try {
            f.join();
            return null;
        } catch (CompletionException e) {
            return e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }

    /** @return error code -> how many attempts failed with it, over the given attempts */
    static Map<String, Long> errorCodes(Iterable<Attempt> attempts) {
        Map<String, Long> m = new TreeMap<>();
        for (Attempt a : attempts) {
            a.errorCode().ifPresent(c -> m.merge(c, 1L, Long::sum));
        }
        return m;
    }

    /**
     * Calls {@code add} for ids {@code 0 .. count-1}, spread evenly at {@code perSecond} (in
     * bursts of at most a millisecond's worth).
     *
     * @return how long it took, in milliseconds
     */
    static long paced(int count, double perSecond, IntConsumer add) {
        long start = System.nanoTime();
        double nanosPerRecord = 1e9 / perSecond;
        int i = 0;
        while (i < count) {
            long dueCount = (long) ((System.nanoTime() - start) / nanosPerRecord) + 1;
            while (i < count && i < dueCount) {
                add.accept(i++);
            }
            if (i < count) {
                LockSupport.parkNanos(200_000);
            }
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    /**
     * @return records per second of each second from {@code startMillis} (epoch ms) on, counting
     *     the stored copies whose label starts with {@code tag} ("" for all)
     */
    static List<Long> perSecond(List<Copy> copies, long startMillis, String tag) {
        List<Long> out = new ArrayList<>();
        for (Copy c : copies) {
            if (!c.label().startsWith(tag) || c.arrivalMillis() < startMillis) {
                continue;
            }
            int s = (int) ((c.arrivalMillis() - startMillis) / 1000);
            while (out.size() <= s) {
                out.add(0L);
            }
            out.set(s, out.get(s) + 1);
        }
        return out;
    }

    /** @return the value at quantile q (0..1) of the values */
    static long quantile(long[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
        return sorted[i];
    }

    static String summary(ProducerStats s) {
        return "added=" + s.userRecordsAdded() + " succeeded=" + s.userRecordsSucceeded() + " failed=" + s.userRecordsFailed()
                + " " + s.failedByReason() + " requests=" + s.putRecordsRequests() + " retriedEntries=" + s.retriedEntries()
                + " throttledEntries=" + s.throttledEntries() + " predictionMisses=" + s.shardPredictionMisses()
                + " mapRefreshes=" + s.shardMapRefreshes() + " predictionFallbacks=" + s.predictionFallbacks();
    }

    static String summary(FakeKinesis.Counters c) {
        return "requests=" + c.requestsByOperation() + " entriesReceived=" + c.entriesReceived() + " stored="
                + c.entriesStored() + " throttled=" + c.entriesThrottled() + " entryFaults=" + c.entriesFailedByInjection()
                + " requestFaults=" + c.requestsFailedByInjection() + " slow=" + c.slowResponses() + " dropped="
                + c.droppedConnections();
    }
}
