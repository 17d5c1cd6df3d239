package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Firehose record packing: delimiter-joined records, split back exactly, never a user record cut,
 * and batches within PutRecordBatch's limits.
 */
class FirehosePackingTest {
    private static final long NOW = 1_000_000_000L;
    private static final long FAR = NOW + 3_600_000_000_000L;
    private static final byte[] NEWLINE = {'\n'};

    private final Outstanding outstanding = new Outstanding();

    /** Splits a packed record on the delimiter, as a consumer would (each part ended by the delimiter). */
    private static List<byte[]> split(byte[] packed, byte[] delimiter) {
        List<byte[]> parts = splitOrNull(packed, delimiter);
        assertThat(parts).as("a packed record ends with the delimiter").isNotNull();
        return parts;
    }

    /** As {@link #split}; {@code null} when bytes are left after the last delimiter. */
    private static List<byte[]> splitOrNull(byte[] packed, byte[] delimiter) {
        List<byte[]> parts = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i <= packed.length - delimiter.length) {
            if (Arrays.equals(packed, i, i + delimiter.length, delimiter, 0, delimiter.length)) {
                parts.add(Arrays.copyOfRange(packed, start, i));
                i += delimiter.length;
                start = i;
            } else {
                i++;
            }
        }
        return start == packed.length ? parts : null;
    }

    /** What the consumer gets back for a user record: the data without the delimiter that ends it. */
    private static byte[] expected(byte[] data, byte[] delimiter) {
        int n = data.length;
        int d = delimiter.length;
        boolean terminated = n >= d && Arrays.equals(data, n - d, n, delimiter, 0, d);
        return terminated ? Arrays.copyOf(data, n - d) : data;
    }

    @Provide
    Arbitrary<byte[]> delimiters() {
        return Arbitraries.oneOf(
                Arbitraries.just(new byte[] {'\n'}),
                Arbitraries.just(new byte[] {'\r', '\n'}),
                Arbitraries.just(new byte[] {'\n', '\n'}),
                Arbitraries.just(new byte[] {'a', 'b', 'a'}),
                Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class).ofMinSize(1).ofMaxSize(3));
    }

    @Provide
    Arbitrary<List<byte[]>> records() {
        // A small alphabet, so delimiters occur in the data often.
        return Arbitraries.bytes().between((byte) 'a', (byte) 'c').array(byte[].class).ofMaxSize(12)
                .map(b -> { for (int i = 0; i < b.length; i++) { if (b[i] == 'c') { b[i] = '\n'; } } return b; })
                .list().ofMaxSize(40);
    }

    @Property(tries = 500)
    void acceptedRecordsSplitBackExactly(@ForAll("records") List<byte[]> records, @ForAll("delimiters") byte[] delimiter) {
        List<byte[]> accepted = new ArrayList<>();
        for (byte[] r : records) {
            if (DelimitedPacker.delimiterPosition(r, delimiter) < 0) {
                accepted.add(r);
            }
        }
        DelimitedPacker packer = new DelimitedPacker(Integer.MAX_VALUE, Integer.MAX_VALUE, delimiter);
        long predicted = 0;
        for (byte[] r : accepted) {
            assertThat(packer.sizeIfAdded(null, null, r)).isEqualTo(predicted + DelimitedPacker.packedLength(r, delimiter));
            assertThat(packer.tryAdd(null, null, r)).isTrue();
            predicted += DelimitedPacker.packedLength(r, delimiter);
        }
        byte[] packed = packer.toBytes();
        assertThat(packed.length).isEqualTo(predicted);
        List<byte[]> parts = split(packed, delimiter);
        assertThat(parts).hasSameSizeAs(accepted);
        for (int i = 0; i < accepted.size(); i++) {
            assertThat(parts.get(i)).as("record %d", i).isEqualTo(expected(accepted.get(i), delimiter));
        }
    }

    @Property(tries = 500)
    void refusedRecordsWouldNotSplitBack(@ForAll("records") List<byte[]> records, @ForAll("delimiters") byte[] delimiter) {
        for (byte[] r : records) {
            DelimitedPacker alone = new DelimitedPacker(Integer.MAX_VALUE, Integer.MAX_VALUE, delimiter);
            alone.tryAdd(null, null, r);
            List<byte[]> parts = splitOrNull(alone.toBytes(), delimiter);
            boolean splitsBack = parts != null && parts.size() == 1 && Arrays.equals(parts.get(0), expected(r, delimiter));
            assertThat(DelimitedPacker.delimiterPosition(r, delimiter) < 0)
                    .as("accepted exactly when the record splits back: %s", new String(r)).isEqualTo(splitsBack);
        }
    }

    @Test
    void trailingDelimiterIsNotDoubledAndInnerOneIsFound() {
        assertThat(DelimitedPacker.packedLength("abc\n".getBytes(), NEWLINE)).isEqualTo(4);
        assertThat(DelimitedPacker.packedLength("abc".getBytes(), NEWLINE)).isEqualTo(4);
        assertThat(DelimitedPacker.delimiterPosition("abc\n".getBytes(), NEWLINE)).isEqualTo(-1);
        assertThat(DelimitedPacker.delimiterPosition("a\nbc".getBytes(), NEWLINE)).isEqualTo(1);
        assertThat(DelimitedPacker.delimiterPosition("ab\n\n".getBytes(), NEWLINE)).isEqualTo(2);
        assertThat(DelimitedPacker.delimiterPosition("x\r".getBytes(), new byte[] {'\r', '\n'})).isEqualTo(-1);
        // "\n\n" after data ending in "\n" would make a delimiter one byte early
        assertThat(DelimitedPacker.delimiterPosition("x\n".getBytes(), new byte[] {'\n', '\n'})).isEqualTo(1);
    }

    @Test
    void packerRespectsSizeAndCount() {
        DelimitedPacker bySize = new DelimitedPacker(10, 100, NEWLINE);
        assertThat(bySize.tryAdd(null, null, new byte[4])).isTrue();   // 5
        assertThat(bySize.tryAdd(null, null, new byte[4])).isTrue();   // 10
        assertThat(bySize.tryAdd(null, null, new byte[0])).isFalse();  // 11 > 10
        assertThat(bySize.toBytes()).hasSize(10);
        DelimitedPacker byCount = new DelimitedPacker(1000, 2, NEWLINE);
        assertThat(byCount.tryAdd(null, null, new byte[1])).isTrue();
        assertThat(byCount.tryAdd(null, null, new byte[1])).isTrue();
        assertThat(byCount.tryAdd(null, null, new byte[1])).isFalse();
        byCount.clear();
        assertThat(byCount.count()).isZero();
        assertThat(byCount.toBytes()).isEmpty();
    }

    private StreamPipeline firehosePipeline(int packMaxSize) {
        StreamPipeline p = new StreamPipeline("delivery", 0, 0,
                packMaxSize > 0 ? new Aggregation(packMaxSize, 1_000_000, false, NEWLINE, Integer.MAX_VALUE) : null);
        p.installMap(ShardMap.of(List.of()));
        return p;
    }

    private PendingRecord rec(int dataLength) {
        byte[] data = new byte[dataLength];
        Arrays.fill(data, (byte) 'x');
        return new PendingRecord("delivery", null, null, data, dataLength + 1, 0, 0, NOW, FAR, outstanding,
                new RecordFuture<>(FirehoseDestination.RESULTS));
    }

    /**
     * Whatever the record sizes, every batch keeps PutRecordBatch's limits (500 entries, 4 MiB), every
     * packed entry stays within the packing size, every record travels exactly once, whole, in order.
     */
    @Property(tries = 60)
    void batchesKeepPutRecordBatchLimits(@ForAll("sizes") List<Integer> sizes,
                                         @ForAll @IntRange(min = 1024, max = 1000 * 1024) int packMaxSize) {
        StreamPipeline p = firehosePipeline(packMaxSize);
        List<PendingRecord> all = new ArrayList<>();
        for (int size : sizes) {
            PendingRecord r = rec(Math.min(size, packMaxSize - 1));
            all.add(r);
            p.enqueue(r);
        }
        List<PendingRecord> sent = new ArrayList<>();
        long maxRequest = 4L * 1024 * 1024;
        for (int guard = 0; guard < 100_000; guard++) {
            RequestBatch b = p.assemble(500, maxRequest, false, NOW, r -> { throw new AssertionError("expired"); });
            if (b.isEmpty()) {
                break;
            }
            assertThat(b.entryCount()).isBetween(1, 500);
            assertThat(b.bytes()).isLessThanOrEqualTo(maxRequest);
            for (int e = 0; e < b.entryCount(); e++) {
                assertThat(b.entryData(e).length).isLessThanOrEqualTo(packMaxSize);
                assertThat(b.entryPartitionKey(e)).isNull();
                assertThat(b.entryHashKey(e)).isNull();
                int members = b.entryEnd(e) - b.entryStart(e);
                List<byte[]> parts = split(b.entryData(e), NEWLINE);
                assertThat(parts).hasSize(members);
                for (int j = 0; j < members; j++) {
                    assertThat(parts.get(j)).isEqualTo(b.record(b.entryStart(e) + j).data);
                }
            }
            for (int i = 0; i < b.recordCount(); i++) {
                sent.add(b.record(i));
            }
        }
        assertThat(sent).containsExactlyElementsOf(all);
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, Arbitraries.integers().between(0, 200)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(1000, 300_000)),
                        net.jqwik.api.Tuple.of(1, Arbitraries.integers().between(900_000, 1_024_000)))
                .list().ofMaxSize(300);
    }

    @Test
    void withoutPackingEachRecordIsItsOwnEntry() {
        StreamPipeline p = firehosePipeline(0);
        for (int i = 0; i < 3; i++) {
            p.enqueue(rec(10));
        }
        RequestBatch b = p.assemble(500, 4L * 1024 * 1024, false, NOW, r -> { });
        assertThat(b.entryCount()).isEqualTo(3);
        assertThat(b.recordCount()).isEqualTo(3);
        assertThat(b.entryData(0)).hasSize(10);
        assertThat(b.isAggregated(0)).isFalse();
    }
}
