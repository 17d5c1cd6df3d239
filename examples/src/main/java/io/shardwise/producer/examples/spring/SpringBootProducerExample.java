package io.shardwise.producer.examples.spring;

import io.shardwise.producer.KinesisProducer;
import io.shardwise.producer.PutResult;
import io.shardwise.producer.testkit.KinesisLocal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;

/**
 * A Spring Boot application that publishes through the autoconfigured {@link KinesisProducer}
 * bean. It starts kinesis-local (or uses {@code SHARDWISE_KINESIS_ENDPOINT}), creates a stream,
 * sets {@code shardwise.producer.stream-name}, and supplies a {@link KinesisAsyncClient} bean for the
 * local server, which the autoconfiguration picks up.
 *
 * <p>Run: {@code ./mvnw -q -pl examples -am -DskipTests package exec:java
 * -Dexec.mainClass=io.shardwise.producer.examples.spring.SpringBootProducerExample}
 */
@SpringBootApplication
public class SpringBootProducerExample {

    /**
     * @return a client for the local server (the producer uses it and leaves closing it to Spring)
     */
    @Bean(destroyMethod = "close")
    KinesisAsyncClient kinesisClient() {
        return KinesisLocal.shared().newClient();
    }

    /**
     * Publishes {@code count} records through the producer bean and waits for them.
     *
     * @param producer the autoconfigured producer
     * @param count records to send
     * @return records acknowledged per shard
     * @throws Exception if a record fails
     */
    public static Map<String, Integer> publish(KinesisProducer producer, int count) throws Exception {
        List<CompletableFuture<PutResult>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            futures.add(producer.addUserRecord("order-" + (i % 50), ("{\"order\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        producer.flush().get(2, TimeUnit.MINUTES);
        Map<String, Integer> perShard = new TreeMap<>();
        for (CompletableFuture<PutResult> f : futures) {
            perShard.merge(f.get().shardId(), 1, Integer::sum);
        }
        return perShard;
    }

    /**
     * Starts the application against a fresh 2-shard stream on the local server.
     *
     * @param args Spring Boot arguments, e.g. {@code --shardwise.producer.record-max-buffered-time=50ms}
     * @return the running context
     */
    public static ConfigurableApplicationContext start(String... args) {
        String stream = "spring-example-" + System.currentTimeMillis();
        KinesisLocal.shared().createStream(stream, 2);
        SpringApplication app = new SpringApplication(SpringBootProducerExample.class);
        app.setDefaultProperties(Map.of("shardwise.producer.stream-name", stream));
        return app.run(args);
    }

    /**
     * @param args Spring Boot arguments
     * @throws Exception if publishing fails
     */
    public static void main(String[] args) throws Exception {
        try (ConfigurableApplicationContext context = start(args)) {
            Map<String, Integer> perShard = publish(context.getBean(KinesisProducer.class), 1000);
            System.out.println("Published 1000 records through the Spring bean: " + perShard);
        }
        System.exit(0);
    }
}
