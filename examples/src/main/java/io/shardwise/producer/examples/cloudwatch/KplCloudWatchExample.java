package io.shardwise.producer.examples.cloudwatch;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.KplProperties;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import software.amazon.awssdk.services.cloudwatch.CloudWatchAsyncClient;

/**
 * Sends records to a real stream with the settings of a KPL properties file and publishes the
 * producer's metrics to CloudWatch under the KPL's namespace and names ({@link KplCloudWatchMetrics}),
 * where the KPL's dashboards and alarms find them. Needs AWS credentials and a stream.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=io.shardwise.producer.examples.cloudwatch.KplCloudWatchExample
 * -Dexec.args="kpl.properties my-stream 10000"}
 */
public final class KplCloudWatchExample {
    private KplCloudWatchExample() {
    }

    /**
     * @param args the KPL properties file, the stream, and optionally how many records (default 10,000)
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: KplCloudWatchExample KPL_PROPERTIES_FILE STREAM [RECORDS]");
            System.exit(2);
        }
        KplProperties kpl = KplProperties.load(Path.of(args[0]));
        int records = args.length > 2 ? Integer.parseInt(args[2]) : 10_000;
        try (CloudWatchAsyncClient cloudWatch = KplCloudWatchMetrics.clientBuilder(kpl).build();
             KinesisProducer producer = kpl.applyTo(KinesisProducer.builder()).streamName(args[1]).build();
             KplCloudWatchMetrics metrics = KplCloudWatchMetrics.publish(producer, kpl.metrics(), cloudWatch)) {
            for (int i = 0; i < records; i++) {
                producer.addUserRecord("key-" + (i % 100), ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
            }
            producer.flush().join();
            System.out.printf("%d records sent; metrics go to CloudWatch namespace %s every %s (%d granularities)%n",
                    records, kpl.metrics().namespace(), kpl.metrics().uploadDelay(), metrics.registries().size());
        }
    }
}
