package io.shardwise.producer.aggregation;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Deaggregates the records of an AWS Lambda {@link KinesisEvent}.
 *
 * <pre>{@code
 * public Void handleRequest(KinesisEvent event, Context context) {
 *   for (DeaggregatedRecord r : LambdaDeaggregator.create().deaggregate(event)) { ... }
 *   return null;
 * }
 * }</pre>
 *
 * <p>The Lambda runtime has already base64-decoded each record's {@code data} into a {@link
 * ByteBuffer}; this class reads its remaining bytes without moving its position. Each user record
 * gets the Kinesis record's sequence number. Lambda does not deliver explicit hash keys, so
 * pass-through records have none.
 *
 * <p>Kept apart from {@link Deaggregator} so that {@code com.amazonaws:aws-lambda-java-events} (an
 * optional dependency of this module) is needed only by code that uses this class. Immutable and
 * thread-safe.
 */
public final class LambdaDeaggregator {

  private static final LambdaDeaggregator DEFAULT = new LambdaDeaggregator(Deaggregator.create());

  private final Deaggregator deaggregator;

  private LambdaDeaggregator(Deaggregator deaggregator) {
    this.deaggregator = Objects.requireNonNull(deaggregator, "deaggregator");
  }

  /**
   * Returns a Lambda deaggregator with {@link Deaggregator#create()}'s defaults ({@link
   * InvalidRecordPolicy#FAIL}, no hash-range filtering).
   *
   * @return the default Lambda deaggregator
   */
  public static LambdaDeaggregator create() {
    return DEFAULT;
  }

  /**
   * Returns a Lambda deaggregator with the given deaggregator's settings.
   *
   * @param deaggregator the settings (invalid-record policy, hash-range filter) to use
   * @return a Lambda deaggregator
   * @throws NullPointerException if {@code deaggregator} is {@code null}
   */
  public static LambdaDeaggregator using(Deaggregator deaggregator) {
    return new LambdaDeaggregator(deaggregator);
  }

  /**
   * Returns the settings this Lambda deaggregator uses.
   *
   * @return the underlying deaggregator
   */
  public Deaggregator deaggregator() {
    return deaggregator;
  }

  /**
   * Deaggregates every record of a Lambda Kinesis event, keeping their order.
   *
   * @param event the event Lambda invoked the handler with
   * @return the user records of all records, in order; empty if the event has no records
   * @throws InvalidAggregatedRecordException if a record is an invalid aggregate and the policy is
   *     {@link InvalidRecordPolicy#FAIL}
   */
  public List<DeaggregatedRecord> deaggregate(KinesisEvent event) {
    Objects.requireNonNull(event, "event");
    List<DeaggregatedRecord> out = new ArrayList<>();
    if (event.getRecords() != null) {
      for (KinesisEvent.KinesisEventRecord record : event.getRecords()) {
        addRecord(out, Objects.requireNonNull(record, "event contains a null record"));
      }
    }
    return out;
  }

  /**
   * Deaggregates one record of a Lambda Kinesis event.
   *
   * @param record one element of {@link KinesisEvent#getRecords()}
   * @return its user records, in order
   * @throws InvalidAggregatedRecordException if the record is an invalid aggregate and the policy
   *     is {@link InvalidRecordPolicy#FAIL}
   * @throws IllegalArgumentException if the record has no {@code kinesis} payload
   */
  public List<DeaggregatedRecord> deaggregate(KinesisEvent.KinesisEventRecord record) {
    Objects.requireNonNull(record, "record");
    List<DeaggregatedRecord> out = new ArrayList<>();
    addRecord(out, record);
    return out;
  }

  private void addRecord(List<DeaggregatedRecord> out, KinesisEvent.KinesisEventRecord record) {
    KinesisEvent.Record kinesis = record.getKinesis();
    if (kinesis == null) {
      throw new IllegalArgumentException(
          "Lambda Kinesis event record " + record.getEventID() + " has no 'kinesis' payload");
    }
    deaggregator.deaggregateInto(out, bytes(kinesis.getData()), true, kinesis.getPartitionKey(),
        null, kinesis.getSequenceNumber());
  }

  private static byte[] bytes(ByteBuffer data) {
    if (data == null) {
      return new byte[0];
    }
    ByteBuffer view = data.duplicate();
    byte[] bytes = new byte[view.remaining()];
    view.get(bytes);
    return bytes;
  }
}
