package io.shardwise.producer.examples;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import io.shardwise.producer.aggregation.DeaggregatedRecord;
import io.shardwise.producer.aggregation.LambdaDeaggregator;
import java.util.List;

/**
 * A Lambda function consuming a stream that Shardwise writes with aggregation on: one call turns
 * the event's Kinesis records back into the user records the producer was given (plain records pass
 * through unchanged).
 *
 * <p>Deploy with the handler {@code io.shardwise.producer.examples.LambdaConsumerHandler::handleRequest}
 * and a Kinesis event source mapping; only {@code shardwise-producer-aggregation},
 * {@code aws-lambda-java-core} and {@code aws-lambda-java-events} need to be packaged.
 */
public class LambdaConsumerHandler implements RequestHandler<KinesisEvent, String> {
    private final LambdaDeaggregator deaggregator = LambdaDeaggregator.create();

    @Override
    public String handleRequest(KinesisEvent event, Context context) {
        List<DeaggregatedRecord> userRecords = deaggregator.deaggregate(event);
        for (DeaggregatedRecord r : userRecords) {
            process(r);
        }
        String summary = "processed " + userRecords.size() + " user records from " + event.getRecords().size() + " Kinesis records";
        if (context != null && context.getLogger() != null) {
            context.getLogger().log(summary);
        }
        return summary;
    }

    /**
     * Handles one user record; override with the function's work. Records arrive in shard order,
     * and within an aggregate in the order the producer added them.
     *
     * @param record the user record: partition key, data, sequence and sub-sequence number
     */
    protected void process(DeaggregatedRecord record) {
        // the example does nothing with the record
    }
}
