package io.shardwise.benchmarks;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.Ordering;
import io.shardwise.producer.ProducerConfig;
import io.shardwise.producer.ShardwiseException;
import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Shardwise as a user would run it: {@code KinesisProducer} with the default {@code ProducerConfig}
 * (only the {@code ordering} differs: {@code NONE} as a diagnostic, {@code --shardwise-unordered}; the
 * ordering workloads also run it with {@code KEY_STRICT}; the latency workloads also run it with
 * {@code recordMaxBufferedTime} 10 ms)
 * and a producer-built client (HTTPS to the endpoint; the forked JVM trusts its self-signed
 * certificate through {@code javax.net.ssl.trustStore}). No outstanding cap in the driver: the
 * producer's own backpressure ({@code maxOutstandingRecords}, blocking add) bounds it.
 */
final class ShardwiseDriver extends Driver {
    private final KinesisProducer producer;

    /** @param linger {@code recordMaxBufferedTime}, or null for the default */
    ShardwiseDriver(String scheme, String host, int port, String stream, Ordering ordering, Duration linger) {
        ProducerConfig.Builder config = ProducerConfig.builder().ordering(ordering);
        if (linger != null) {
            config.recordMaxBufferedTime(linger);
        }
        // diagnostic (--child-jvm-opts -Dbench.shardwiseMaxOutstanding=N): another maxOutstandingRecords than the default
        Long maxOutstanding = Long.getLong("bench.shardwiseMaxOutstanding");
        if (maxOutstanding != null) {
            config.maxOutstandingRecords(maxOutstanding);
        }
        this.producer = KinesisProducer.builder()
                .config(config.build())
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create(scheme + "://" + host + ":" + port))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBENCHMARK", "benchmark-secret")))
                .streamName(stream)
                .build();
    }

    @Override
    void add(String partitionKey, byte[] data, long addedAtNanos) {
        try {
            producer.addUserRecord(partitionKey, data).whenComplete((r, e) -> {
                if (e == null) {
                    completed(addedAtNanos, true);
                } else {
                    failed(e);
                }
            });
        } catch (ShardwiseException e) {
            // BufferFullException after maxBlockTime, or closed: the record was not accepted
            failed(e);
        }
    }

    @Override
    long throttledEntries() {
        return producer.stats().throttledEntries();
    }

    @Override
    String throttledUnit() {
        return "Kinesis entries";
    }
}
