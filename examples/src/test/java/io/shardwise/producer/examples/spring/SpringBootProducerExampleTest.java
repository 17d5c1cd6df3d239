package io.shardwise.producer.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.shardwise.producer.KinesisProducer;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/** The Spring Boot example publishes through the autoconfigured bean to kinesis-local. */
class SpringBootProducerExampleTest {

    @Test
    void publishesThroughTheAutoconfiguredProducer() throws Exception {
        KinesisProducer producer;
        try (ConfigurableApplicationContext context = SpringBootProducerExample.start("--shardwise.producer.record-max-buffered-time=20ms")) {
            producer = context.getBean(KinesisProducer.class);
            assertThat(producer.config().recordMaxBufferedTime().toMillis()).isEqualTo(20);
            Map<String, Integer> perShard = SpringBootProducerExample.publish(producer, 500);
            assertThat(perShard.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(500);
            assertThat(perShard).hasSize(2);
        }
        assertThat(producer.isClosed()).isTrue();
    }
}
