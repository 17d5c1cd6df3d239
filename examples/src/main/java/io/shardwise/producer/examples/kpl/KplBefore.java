package io.shardwise.producer.examples.kpl;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import java.nio.ByteBuffer;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.kinesis.producer.Attempt;
import software.amazon.kinesis.producer.KinesisProducer;
import software.amazon.kinesis.producer.KinesisProducerConfiguration;
import software.amazon.kinesis.producer.UserRecord;
import software.amazon.kinesis.producer.UserRecordFailedException;
import software.amazon.kinesis.producer.UserRecordResult;

/**
 * BEFORE: an order publisher written against the KPL 1.1.1 (the KPL is a compile-only dependency
 * of this module; this class is never run here). {@link KplAfter} is the same publisher on Shardwise;
 * {@code docs/migrating-from-kpl.md} walks through the differences.
 */
public final class KplBefore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KplBefore.class);
    private final KinesisProducer producer;

    /**
     * @param propertiesFile the KPL properties file (RecordTtl, AggregationMaxSize, ...)
     */
    public KplBefore(String propertiesFile) {
        KinesisProducerConfiguration config = KinesisProducerConfiguration.fromPropertiesFile(propertiesFile);
        this.producer = new KinesisProducer(config);   // starts the native daemon
    }

    /**
     * @param stream the stream
     * @param customerId the partition key
     * @param json the record
     * @throws InterruptedException if interrupted while waiting for room
     */
    public void publish(String stream, String customerId, byte[] json) throws InterruptedException {
        // The KPL buffers without bound: the application keeps its own backlog in check.
        while (producer.getOutstandingRecordsCount() > 10_000) {
            Thread.sleep(1);
        }
        ListenableFuture<UserRecordResult> f = producer.addUserRecord(stream, customerId, ByteBuffer.wrap(json));
        Futures.addCallback(f, new FutureCallback<>() {
            @Override
            public void onSuccess(UserRecordResult r) {
                log.debug("stored on {} as {}", r.getShardId(), r.getSequenceNumber());
            }

            @Override
            public void onFailure(Throwable t) {
                if (t instanceof UserRecordFailedException e) {
                    List<Attempt> attempts = e.getResult().getAttempts();
                    Attempt last = attempts.get(attempts.size() - 1);
                    UserRecord record = e.getUserRecord();   // only with ReturnUserRecordOnFailure=true
                    log.warn("not delivered after {} attempts ({}: {}), key {}", attempts.size(),
                            last.getErrorCode(), last.getErrorMessage(), record == null ? "?" : record.getPartitionKey());
                } else {
                    log.warn("not delivered", t);
                }
            }
        }, MoreExecutors.directExecutor());
    }

    /** @return records added and not yet completed */
    public long outstanding() {
        return producer.getOutstandingRecordsCount();
    }

    /** Sends what is buffered, waits for every record, and stops the daemon. */
    @Override
    public void close() {
        producer.flushSync();
        producer.destroy();
    }
}
