package io.shardwise.producer.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.RecordAggregator;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Lambda example against an event shaped like AWS's documented Kinesis event (base64 data). */
class LambdaConsumerHandlerTest {

    @Test
    void deaggregatesAnEventWithAnAggregatedAndAPlainRecord() throws Exception {
        RecordAggregator aggregator = new RecordAggregator(50 * 1024, 1000);
        for (int i = 0; i < 3; i++) {
            aggregator.tryAdd("user-" + i, null, ("order " + i).getBytes(StandardCharsets.UTF_8));
        }
        String json;
        try (InputStream in = getClass().getResourceAsStream("/kinesis-event.json")) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("${AGGREGATE}", Base64.getEncoder().encodeToString(aggregator.toBytes()));
        }
        List<DeaggregatedRecord> seen = new ArrayList<>();
        LambdaConsumerHandler handler = new LambdaConsumerHandler() {
            @Override
            protected void process(DeaggregatedRecord record) {
                seen.add(record);
            }
        };

        String summary = handler.handleRequest(parse(json), null);

        assertThat(summary).isEqualTo("processed 4 user records from 2 Kinesis records");
        assertThat(seen).extracting(DeaggregatedRecord::partitionKey).containsExactly("user-0", "user-1", "user-2", "1");
        assertThat(seen).extracting(r -> new String(r.data(), StandardCharsets.UTF_8))
                .containsExactly("order 0", "order 1", "order 2", "This is only a test.");
        assertThat(seen).extracting(DeaggregatedRecord::subSequenceNumber).containsExactly(0L, 1L, 2L, 0L);
        assertThat(seen.get(0).aggregated()).isTrue();
        assertThat(seen.get(3).aggregated()).isFalse();
    }

    /** Maps event JSON onto the events library's types as the Lambda runtime does (base64-decoding data). */
    private static KinesisEvent parse(String json) throws Exception {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (JsonNode node : new ObjectMapper().readTree(json).get("Records")) {
            JsonNode k = node.get("kinesis");
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setPartitionKey(k.get("partitionKey").asText());
            kinesis.setSequenceNumber(k.get("sequenceNumber").asText());
            kinesis.setData(ByteBuffer.wrap(Base64.getDecoder().decode(k.get("data").asText())));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource(node.get("eventSource").asText());
            record.setEventID(node.get("eventID").asText());
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}
