package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Records of a fixed set of partition keys ({@code key-0 .. key-(n-1)}), each carrying its key and
 * its per-key counter ({@code key-7|42}), produced in rounds while the stream is resharded, and the check of
 * {@link Ordering#KEY_STRICT}'s promise on what the KCL reads back, parents before children.
 *
 * <p>Not thread-safe: one thread {@linkplain #produceResharding produces}; the records are read
 * after that thread has ended.
 */
final class KeyOrderCheck {
    /** Rounds (one record of every key each) that may be unanswered while the next round is added. */
    private static final int ROUNDS_IN_FLIGHT = 4;
    private static final Duration PATIENCE = Duration.ofMinutes(1);

    private final int keys;
    private final int[] nextCounter;
    private final List<Added> added = new ArrayList<>();

    /** One record added: its key's index, its counter within the key, its future. */
    record Added(int key, int counter, CompletableFuture<PutResult> future) {
    }

    /**
     * What the check counted: futures that succeeded and failed (of which for an earlier record of
     * their key), extra copies read, user records read per shard.
     */
    record Outcome(int succeeded, int failed, int failedForAnEarlierRecord, int duplicatesRead, Map<String, Integer> readPerShard) {
    }

    /** @param keys how many partition keys the records spread over */
    KeyOrderCheck(int keys) {
        this.keys = keys;
        this.nextCounter = new int[keys];
    }

    static String partitionKey(int key) {
        return "key-" + key;
    }

    /** @return every record added so far, in added order */
    List<Added> added() {
        return added;
    }

    /**
     * In a thread of its own, adds rounds of one record per key, each round once the round
     * {@value #ROUNDS_IN_FLIGHT} before it has been answered, until the end; meanwhile, on this thread:
     * waits until {@code roundsBeforeSplit} rounds have been added and a record has been stored on
     * {@code parent} (a shard the reshard closes), calls {@code reshard} while the producing goes on
     * (the rounds in flight may straddle it), waits until {@code reshardDone} holds, and lets the
     * producer go on until a record has been stored on a shard other than {@code initialShards} and
     * {@code roundsAfter} more rounds have been added.
     * Returns once every future is done.
     */
    void produceResharding(KinesisProducer producer, String parent, Set<String> initialShards, Runnable reshard,
            BooleanSupplier reshardDone, int roundsBefore, int roundsAfter) throws Exception {
        AtomicInteger storedOnParent = new AtomicInteger();
        AtomicInteger storedOnNewShards = new AtomicInteger();
        AtomicInteger rounds = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "key-order-producer"));
        try {
            Future<?> producing = thread.submit(() -> {
                List<CompletableFuture<?>> roundEnds = new ArrayList<>();
                while (!stop.get()) {
                    List<CompletableFuture<PutResult>> round = new ArrayList<>(keys);
                    for (int k = 0; k < keys; k++) {
                        CompletableFuture<PutResult> f = add(producer, k);
                        f.thenAccept(r -> {
                            if (r.shardId().equals(parent)) {
                                storedOnParent.incrementAndGet();
                            } else if (!initialShards.contains(r.shardId())) {
                                storedOnNewShards.incrementAndGet();
                            }
                        });
                        round.add(f);
                    }
                    roundEnds.add(CompletableFuture.allOf(round.toArray(new CompletableFuture<?>[0])).handle((v, e) -> null));
                    rounds.incrementAndGet();
                    if (roundEnds.size() > ROUNDS_IN_FLIGHT) {
                        roundEnds.get(roundEnds.size() - 1 - ROUNDS_IN_FLIGHT).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                    }
                }
                return null;
            });
            await().atMost(PATIENCE).until(() -> alive(producing) && storedOnParent.get() > 0 && rounds.get() >= roundsBefore);
            reshard.run();
            await().atMost(PATIENCE).until(() -> alive(producing) && reshardDone.getAsBoolean());
            int roundsAtReshardDone = rounds.get();
            await().atMost(PATIENCE).until(() -> alive(producing) && storedOnNewShards.get() > 0
                    && rounds.get() >= roundsAtReshardDone + roundsAfter);
            stop.set(true);
            producing.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            stop.set(true);
            thread.shutdown();
        }
        producer.flush().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        assertThat(added).as("futures done after flush").allMatch(a -> a.future().isDone());
    }

    /** @return true; rethrows (failing the await) what ended the producing thread if it has ended */
    private static boolean alive(Future<?> producing) throws Exception {
        if (producing.isDone()) {
            producing.get();
            throw new AssertionError("the producing thread ended early");
        }
        return true;
    }

    /** @return how many records succeeded after an attempt that failed with this error code */
    long storedAfter(String errorCode) {
        return added.stream().filter(a -> !a.future().isCompletedExceptionally())
                .filter(a -> a.future().join().attempts().stream().anyMatch(t -> t.errorCode().filter(errorCode::equals).isPresent()))
                .count();
    }

    private CompletableFuture<PutResult> add(KinesisProducer producer, int key) {
        int counter = nextCounter[key]++;
        byte[] data = (partitionKey(key) + "|" + counter).getBytes(StandardCharsets.UTF_8);
        CompletableFuture<PutResult> f = producer.addUserRecord(partitionKey(key), data);
        added.add(new Added(key, counter, f));
        return f;
    }

    /**
     * @param read what the KCL read, per shard in shard order
     * @param shards every shard of the stream
     * @return the records of each shard in turn, a shard only after its parent and adjacent parent,
     *     as a KCL application processes them
     */
    static List<KclConsumer.UserRecord> parentsFirst(List<KclConsumer.UserRecord> read, List<Shard> shards) {
        Map<String, List<KclConsumer.UserRecord>> byShard = new LinkedHashMap<>();
        for (KclConsumer.UserRecord r : read) {
            byShard.computeIfAbsent(r.shardId(), s -> new ArrayList<>()).add(r);
        }
        Set<String> ids = new HashSet<>();
        shards.forEach(s -> ids.add(s.shardId()));
        List<KclConsumer.UserRecord> out = new ArrayList<>(read.size());
        Set<String> done = new HashSet<>();
        while (done.size() < shards.size()) {
            boolean progress = false;
            for (Shard s : shards) {
                if (!done.contains(s.shardId()) && processed(s.parentShardId(), ids, done)
                        && processed(s.adjacentParentShardId(), ids, done)) {
                    out.addAll(byShard.getOrDefault(s.shardId(), List.of()));
                    done.add(s.shardId());
                    progress = true;
                }
            }
            if (!progress) {
                throw new AssertionError("shards whose parents never come first: " + shards);
            }
        }
        return out;
    }

    private static boolean processed(String parent, Set<String> ids, Set<String> done) {
        return parent == null || !ids.contains(parent) || done.contains(parent);
    }

    /**
     * Checks KEY_STRICT's promise: every future completed; every failure a {@link RecordFailedException}
     * (with attempts, or a {@link PrecedingRecordFailedException} after an earlier failure of its key);
     * every succeeded record read exactly at the shard, sequence and sub-sequence number its result
     * names; per key, the first copies read in added order (a later copy only of a record already
     * read). Whether a record added before an earlier record's failure was reported is never stored
     * (no gap) depends on when, on the producer's clock, the failure was reported: the deterministic
     * simulation asserts it in virtual time (KEY_ORDER part c), not this wall-clock test.
     *
     * @param readInKclOrder what the KCL read, in the order it hands records to a processor
     * @return what was counted
     */
    Outcome verify(List<KclConsumer.UserRecord> readInKclOrder) {
        boolean[] keyFailed = new boolean[keys];
        int succeeded = 0;
        int followers = 0;
        for (Added a : added) {
            String name = partitionKey(a.key()) + "|" + a.counter();
            assertThat(a.future()).as("future of %s", name).isDone();
            Throwable error = failure(a.future());
            if (error == null) {
                succeeded++;
                continue;
            }
            assertThat(error).as("failure of %s", name).isInstanceOf(RecordFailedException.class);
            if (error instanceof PrecedingRecordFailedException) {
                assertThat(keyFailed[a.key()]).as("an earlier record of the key of %s failed", name).isTrue();
                followers++;
            } else {
                List<Attempt> attempts = ((RecordFailedException) error).attempts();
                assertThat(attempts).as("attempts of failed %s", name).isNotEmpty();
            }
            keyFailed[a.key()] = true;
        }

        Map<String, KclConsumer.UserRecord> readAt = KclConsumer.byLocation(readInKclOrder);
        List<String> misplaced = new ArrayList<>();
        for (Added a : added) {
            if (a.future().isCompletedExceptionally()) {
                continue;
            }
            String name = partitionKey(a.key()) + "|" + a.counter();
            PutResult r = a.future().join();
            KclConsumer.UserRecord at = readAt.get(KclConsumer.location(r));
            if (at == null || !name.equals(text(at))) {
                misplaced.add(name + " at " + KclConsumer.location(r) + " (read there: " + (at == null ? "nothing" : text(at)) + ")");
            }
        }
        assertThat(misplaced.size()).as("succeeded records the KCL does not read where their results say, e.g. %s",
                first(misplaced)).isZero();

        Map<Integer, Added> byName = new HashMap<>();
        for (Added a : added) {
            byName.put(a.key() * 1_000_000 + a.counter(), a);
        }
        int[] highestRead = new int[keys];
        Arrays.fill(highestRead, -1);
        List<Set<Integer>> readCounters = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            readCounters.add(new HashSet<>());
        }
        int duplicates = 0;
        List<String> outOfOrder = new ArrayList<>();
        int badKey = -1;
        int[] window = new int[2];
        Map<String, Integer> perShard = new TreeMap<>();
        for (KclConsumer.UserRecord u : readInKclOrder) {
            perShard.merge(u.shardId(), 1, Integer::sum);
            String[] parts = text(u).split("\\|");
            int key = Integer.parseInt(parts[0].substring("key-".length()));
            int counter = Integer.parseInt(parts[1]);
            assertThat(u.partitionKey()).as("partition key of %s", text(u)).isEqualTo(parts[0]);
            Added a = byName.get(key * 1_000_000 + counter);
            assertThat(a).as("added record for %s read", text(u)).isNotNull();
            String problem = null;
            if (!readCounters.get(key).add(counter)) {
                duplicates++;
            } else if (counter < highestRead[key]) {
                problem = " (its first copy) read after " + parts[0] + "|" + highestRead[key];
            } else {
                highestRead[key] = counter;
            }
            if (problem != null) {
                outOfOrder.add(text(u) + " at " + u.location() + problem);
                if (badKey < 0) {
                    badKey = key;
                    window[0] = counter - 3;
                    window[1] = Math.max(counter, highestRead[key]) + 3;
                }
            }
        }
        assertThat(outOfOrder.size()).as("records the KCL reads (parents before children) out of their key's order, e.g. %s;"
                + " %s", first(outOfOrder), badKey < 0 ? "" : story(badKey, window[0], window[1], readInKclOrder)).isZero();
        return new Outcome(succeeded, added.size() - succeeded, followers, duplicates, perShard);
    }

    /**
     * @return the key's records {@code from .. to} as added (result location and attempts' error codes)
     *     and as read, for a failure message
     */
    private String story(int key, int from, int to, List<KclConsumer.UserRecord> readInKclOrder) {
        StringBuilder b = new StringBuilder(partitionKey(key)).append(" added: ");
        for (Added a : added) {
            if (a.key() == key && a.counter() >= from && a.counter() <= to) {
                Throwable error = failure(a.future());
                b.append("\n  ").append(a.counter()).append(" -> ").append(error != null ? error.toString()
                        : KclConsumer.location(a.future().join()) + " after " + a.future().join().attempts().stream()
                                .map(t -> t.errorCode().orElse("ok")).toList());
            }
        }
        b.append("\n  read in KCL order: ");
        for (KclConsumer.UserRecord u : readInKclOrder) {
            if (u.partitionKey().equals(partitionKey(key))) {
                int counter = Integer.parseInt(text(u).substring(partitionKey(key).length() + 1));
                if (counter >= from && counter <= to) {
                    b.append(counter).append(" on ").append(u.shardId()).append(", ");
                }
            }
        }
        return b.toString();
    }

    private static List<String> first(List<String> examples) {
        return examples.subList(0, Math.min(5, examples.size()));
    }

    private static String text(KclConsumer.UserRecord u) {
        return new String(u.data(), StandardCharsets.UTF_8);
    }

    /** @return the failure of a done future (unwrapped), or null if it succeeded */
    private static Throwable failure(CompletableFuture<?> f) {
        Throwable e = f.handle((r, t) -> t).join();
        return e instanceof CompletionException ? e.getCause() : e;
    }
}
