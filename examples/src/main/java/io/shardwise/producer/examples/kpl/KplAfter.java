package io.shardwise.producer.examples.kpl;

import io.shardwise.producer.Attempt;
import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.RecordFailedException;
import io.shardwise.producer.UserRecord;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * AFTER: {@link KplBefore} on Shardwise, reading the same KPL properties file with
 * {@link KplProperties}. {@code docs/migrating-from-kpl.md} walks through the differences.
 */
public final class KplAfter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KplAfter.class);
    private final KinesisProducer producer;

    /**
     * @param propertiesFile the KPL properties file, unchanged
     */
    public KplAfter(Path propertiesFile) {
        KplProperties kpl = KplProperties.load(propertiesFile);       // unknown keys, unusable values: thrown here
        kpl.report().forEach(e -> log.info("{}", e));                   // what became of every key
        this.producer = kpl.applyTo(KinesisProducer.builder()).build();  // no daemon: a thread in this JVM
    }

    /**
     * With a client of your own (a test endpoint, a proxy: {@link KplProperties#kinesisClientBuilder()}).
     *
     * @param kpl the KPL properties
     * @param client the client; the producer leaves it open
     */
    public KplAfter(KplProperties kpl, KinesisAsyncClient client) {
        this.producer = KinesisProducer.builder().config(kpl.producerConfig()).kinesisClient(client).build();
    }

    /**
     * @param stream the stream
     * @param customerId the partition key
     * @param json the record
     * @return the record's future, for callers that wait on it
     */
    public CompletableFuture<PutResult> publish(String stream, String customerId, byte[] json) {
        // Bounded: when maxOutstandingRecords/Bytes are reached, this blocks up to maxBlockTime.
        return producer.addUserRecord(stream, customerId, json).whenComplete((r, t) -> {
            if (t == null) {
                log.debug("stored on {} as {}", r.shardId(), r.sequenceNumber());
            } else if (t instanceof RecordFailedException e) {
                List<Attempt> attempts = e.attempts();
                String key = e.userRecord().map(UserRecord::partitionKey).orElse("?");   // always there
                log.warn("not delivered after {} attempts ({}), key {}", attempts.size(), e.getMessage(), key);
            } else {
                log.warn("not delivered", t);
            }
        });
    }

    /** @return records added and not yet completed */
    public long outstanding() {
        return producer.outstandingRecords();
    }

    /** Sends what is buffered, waits for every record (up to recordTtl + requestTimeout), and stops. */
    @Override
    public void close() {
        producer.close();
    }
}
