package io.shardwise.producer;

import io.shardwise.producer.testkit.FakeKinesis;
import io.shardwise.producer.testkit.KinesisLocal;
import io.shardwise.producer.testkit.StoredRecord;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.kinesis.retrieval.AggregatorUtil;
import software.amazon.kinesis.retrieval.KinesisClientRecord;

/**
 * Reads a stream back as a KCL 3.x application does: shard by shard, each shard's Kinesis records
 * through the KCL's own {@link AggregatorUtil#deaggregate(List, BigInteger, BigInteger)} with that
 * shard's hash-key range.
 *
 * <p>Unlike our {@code Deaggregator}, which filters user records one by one, the KCL drops a whole
 * aggregate as soon as one of its user records has a hash key outside the shard's range (records
 * that are not aggregates pass unfiltered). A record counts as delivered only if this reader returns
 * it at the location its {@link PutResult} names: shard, sequence number, sub-sequence number.
 */
public final class KclConsumer {

    private KclConsumer() {
    }

    /** One user record as the KCL hands it to a record processor, with the shard it was read from. */
    public record UserRecord(String shardId, String sequenceNumber, long subSequenceNumber, String partitionKey,
            byte[] data) {

        /** @return {@code shardId/sequenceNumber/subSequenceNumber}, comparable with {@link #location(PutResult)} */
        public String location() {
            return shardId + "/" + sequenceNumber + "/" + subSequenceNumber;
        }
    }

    /** @return {@code shardId/sequenceNumber/subSequenceNumber} of the result */
    public static String location(PutResult result) {
        return result.shardId() + "/" + result.sequenceNumber() + "/" + result.subSequenceNumber();
    }

    /**
     * @param shardId the shard the records were read from
     * @param records the shard's Kinesis records, in shard order
     * @return the user records {@code AggregatorUtil.deaggregate(records, startingHashKey,
     *     endingHashKey)} returns, in its order
     */
    public static List<UserRecord> readShard(String shardId, List<Record> records, BigInteger startingHashKey,
            BigInteger endingHashKey) {
        List<KinesisClientRecord> in = records.stream().map(KinesisClientRecord::fromRecord).toList();
        List<UserRecord> out = new ArrayList<>();
        for (KinesisClientRecord r : new AggregatorUtil().deaggregate(in, startingHashKey, endingHashKey)) {
            ByteBuffer data = r.data().duplicate();
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            out.add(new UserRecord(shardId, r.sequenceNumber(), r.subSequenceNumber(), r.partitionKey(), bytes));
        }
        return out;
    }

    /** @return what the KCL reads from every shard (open and closed) of a {@link FakeKinesis} stream */
    public static List<UserRecord> readStream(FakeKinesis kinesis, String stream) {
        return readStream(kinesis.shards(stream),
                shard -> kinesis.records(stream, shard.shardId()).stream().map(KclConsumer::toRecord).toList());
    }

    /** @return what the KCL reads from every shard (open and closed) of a kinesis-local stream */
    public static List<UserRecord> readStream(KinesisLocal local, String stream) {
        return readStream(local.listShards(stream), shard -> local.readShard(stream, shard.shardId(), 0));
    }

    private static List<UserRecord> readStream(List<Shard> shards, Function<Shard, List<Record>> read) {
        List<UserRecord> out = new ArrayList<>();
        for (Shard shard : shards) {
            out.addAll(readShard(shard.shardId(), read.apply(shard),
                    new BigInteger(shard.hashKeyRange().startingHashKey()),
                    new BigInteger(shard.hashKeyRange().endingHashKey())));
        }
        return out;
    }

    /** A stored record as GetRecords returns it (GetRecords does not return explicit hash keys). */
    private static Record toRecord(StoredRecord s) {
        return Record.builder()
                .sequenceNumber(s.sequenceNumber())
                .partitionKey(s.partitionKey())
                .data(SdkBytes.fromByteArrayUnsafe(s.data()))
                .approximateArrivalTimestamp(s.arrivalTime())
                .build();
    }

    /**
     * @return the records by {@linkplain UserRecord#location() location}
     * @throws AssertionError if two records were read at one location
     */
    public static Map<String, UserRecord> byLocation(List<UserRecord> records) {
        Map<String, UserRecord> m = new HashMap<>(records.size() * 2);
        for (UserRecord r : records) {
            if (m.put(r.location(), r) != null) {
                throw new AssertionError("two user records read at " + r.location());
            }
        }
        return m;
    }

    /** @return how many times each record, named by {@code id}, was read */
    public static Map<String, Integer> copies(List<UserRecord> records, Function<UserRecord, String> id) {
        Map<String, Integer> m = new HashMap<>(records.size() * 2);
        for (UserRecord r : records) {
            m.merge(id.apply(r), 1, Integer::sum);
        }
        return m;
    }
}
