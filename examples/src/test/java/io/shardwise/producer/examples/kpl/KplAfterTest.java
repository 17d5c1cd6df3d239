package io.shardwise.producer.examples.kpl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.KplProperties;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.UserRecord;
import io.shardwise.producer.testkit.FakeKinesis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** The migrated publisher, with a KPL properties file, against the in-process endpoint. */
class KplAfterTest {

    @Test
    void publishesWithTheKplFilesSettings(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("kpl.properties");
        Files.writeString(file, "RecordMaxBufferedTime = 20\nRecordTtl = 20000\nAggregationEnabled = true\n"
                + "ThreadingModel = POOLED\nThreadPoolSize = 8\n");
        KplProperties kpl = KplProperties.load(file);
        try (FakeKinesis kinesis = FakeKinesis.builder().stream("orders", 2).build().start();
             KinesisAsyncClient client = kinesis.newClient()) {
            List<CompletableFuture<PutResult>> futures = new ArrayList<>();
            try (KplAfter publisher = new KplAfter(kpl, client)) {
                for (int i = 0; i < 200; i++) {
                    futures.add(publisher.publish("orders", "customer-" + (i % 20), ("{\"order\":" + i + "}")
                            .getBytes(StandardCharsets.UTF_8)));
                }
                CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(1, TimeUnit.MINUTES);
                assertThat(publisher.outstanding()).isZero();
            }
            assertThat(futures).allSatisfy(f -> assertThat(f.get().shardId()).startsWith("shardId-"));
            assertThat(kinesis.records("orders")).isNotEmpty();
        }
    }

    @Test
    void aFailedRecordCarriesItselfAsReturnUserRecordOnFailureDid() throws Exception {
        KplProperties kpl = KplProperties.parse(new java.util.Properties());
        try (FakeKinesis kinesis = FakeKinesis.builder().build().start();
             KinesisAsyncClient client = kinesis.newClient();
             KplAfter publisher = new KplAfter(kpl, client)) {
            CompletableFuture<PutResult> f = publisher.publish("no-such-stream", "customer-1", new byte[] {1, 2, 3});
            assertThatThrownBy(() -> f.get(1, TimeUnit.MINUTES)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(RecordFailedException.class)
                    .satisfies(e -> {
                        UserRecord r = ((RecordFailedException) e).userRecord().orElseThrow();
                        assertThat(r.partitionKey()).isEqualTo("customer-1");
                        assertThat(r.streamName()).contains("no-such-stream");
                        assertThat(r.data()).containsExactly(1, 2, 3);
                    });
        }
    }
}
