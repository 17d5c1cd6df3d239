package io.shardwise.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.testkit.KinesisLocal;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/** Observers see every request and every record, and stop seeing them once unregistered. */
class ObserverIntegrationTest {

    @Test
    void observerSeesRequestsAndRecordsUntilUnregistered() throws Exception {
        KinesisLocal local = KinesisLocal.shared();
        String stream = "observer-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        local.createStream(stream, 2);
        AtomicInteger records = new AtomicInteger();
        AtomicLong userRecordsInRequests = new AtomicLong();
        List<ProducerObserver.RequestOutcome> requests = new CopyOnWriteArrayList<>();
        ProducerObserver observer = new ProducerObserver() {
            @Override
            public void requestCompleted(RequestOutcome outcome) {
                requests.add(outcome);
                userRecordsInRequests.addAndGet(outcome.userRecords());
            }

            @Override
            public void recordCompleted(String s, String shardId, int attempts, long bufferedNanos, long totalNanos,
                                        RecordFailedException failure) {
                assertThat(failure).isNull();
                assertThat(shardId).startsWith("shardId-");
                assertThat(bufferedNanos).isBetween(0L, totalNanos);
                records.incrementAndGet();
            }
        };
        try (KinesisAsyncClient client = local.newClient();
             KinesisProducer producer = KinesisProducer.builder().kinesisClient(client).streamName(stream).build()) {
            AutoCloseable registration = producer.addObserver(observer);
            for (int i = 0; i < 1000; i++) {
                producer.addUserRecord("k" + i, new byte[100]);
            }
            producer.flush().get(1, TimeUnit.MINUTES);
            assertThat(records.get()).isEqualTo(1000);
            assertThat(userRecordsInRequests.get()).isEqualTo(1000);
            assertThat(requests).allMatch(r -> r.stream().equals(stream) && r.failedEntries() == 0 && r.requestErrorCode() == null);
            assertThat(requests.stream().mapToInt(ProducerObserver.RequestOutcome::entries).sum()).isLessThan(1000);
            assertThat(requests.stream().mapToLong(ProducerObserver.RequestOutcome::userBytes).sum()).isEqualTo(1000 * (100 + 4) - 10 * 2 - 90);

            registration.close();
            producer.addUserRecord("after", new byte[1]).get(1, TimeUnit.MINUTES);
            assertThat(records.get()).isEqualTo(1000);
        }
    }
}
