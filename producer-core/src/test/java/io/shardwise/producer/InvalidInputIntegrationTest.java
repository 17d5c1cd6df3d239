package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * Input the service would refuse (an explicit hash key with leading zeros, a partition key with an unpaired
 * surrogate) is refused at {@code addUserRecord}, so it never reaches a request and cannot fail its neighbours
 * there (a PutRecords request with one such entry is rejected whole), nor be written with a changed key.
 */
class InvalidInputIntegrationTest {
    private static final int VALID = 20;

    @ParameterizedTest(name = "aggregation {0}")
    @ValueSource(booleans = {true, false})
    void badHashKeyAndBadPartitionKeyThrowAtTheCallAndTheirNeighboursAreDelivered(boolean aggregation) throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "invalid-input-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);

        List<String> keys = new ArrayList<>();
        List<CompletableFuture<PutResult>> futures = new ArrayList<>();
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream)
                     .config(ProducerConfig.builder().aggregationEnabled(aggregation).build()).build()) {
            for (int i = 0; i < VALID; i++) {
                // Some keys with well-formed surrogate pairs and some valid explicit hash keys among them.
                String key = i % 4 == 0 ? "key-\uD83D\uDE00-" + i : "key-" + i;
                byte[] data = ("record|" + i).getBytes(StandardCharsets.UTF_8);
                keys.add(key);
                if (i % 5 == 0) {
                    String hashKey = i == 0 ? "0" : i == 5 ? "340282366920938463463374607431768211455" : Integer.toString(i);
                    futures.add(producer.addUserRecord(UserRecord.builder().partitionKey(key).explicitHashKey(hashKey).data(data).build()));
                } else {
                    futures.add(producer.addUserRecord(key, data));
                }
                if (i == VALID / 2) {
                    assertThatThrownBy(() -> producer.addUserRecord(UserRecord.builder().partitionKey("k").explicitHashKey("007")
                            .data("bad hash key".getBytes(StandardCharsets.UTF_8)).build()))
                            .isInstanceOf(InvalidExplicitHashKeyException.class)
                            .hasMessageContaining("leading zero").hasMessageContaining("'007'")
                            .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit())
                                    .isEqualTo("explicitHashKey.pattern=0|[1-9][0-9]{0,38}"));
                    assertThatThrownBy(() -> producer.addUserRecord("x\uD83D", "bad key".getBytes(StandardCharsets.UTF_8)))
                            .isInstanceOf(InvalidPartitionKeyException.class)
                            .hasMessageContaining("unpaired surrogate").hasMessageContaining("index 1")
                            .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("partitionKey.encoding=UTF-8"));
                }
            }
            producer.flush().get(1, TimeUnit.MINUTES);
            ProducerStats stats = producer.stats();
            assertThat(stats.userRecordsAdded()).isEqualTo(VALID);
            assertThat(stats.userRecordsSucceeded()).isEqualTo(VALID);
            assertThat(stats.userRecordsFailed()).isZero();
        }

        Map<String, Integer> written = new HashMap<>();
        for (int i = 0; i < VALID; i++) {
            PutResult r = futures.get(i).get();
            assertThat(r.attempts()).as("record %d went through on its first attempt", i).hasSize(1);
            written.put(r.shardId() + "/" + r.sequenceNumber() + "/" + r.subSequenceNumber(), i);
        }
        // Read back as users' consumers do: the KCL's deaggregator, per shard range.
        Map<String, KclConsumer.UserRecord> read = KclConsumer.byLocation(KclConsumer.readStream(local, stream));
        assertThat(read).as("exactly the valid records are in the stream").hasSize(VALID);
        assertThat(read.keySet()).isEqualTo(written.keySet());
        for (Map.Entry<String, Integer> e : written.entrySet()) {
            int i = e.getValue();
            KclConsumer.UserRecord r = read.get(e.getKey());
            assertThat(new String(r.data(), StandardCharsets.UTF_8)).isEqualTo("record|" + i);
            assertThat(r.partitionKey()).as("record %d's partition key, as written", i).isEqualTo(keys.get(i));
        }
    }
}
