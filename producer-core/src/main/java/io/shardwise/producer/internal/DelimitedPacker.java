package io.shardwise.producer.internal;

import java.util.Arrays;

/**
 * Firehose record packing: user records joined into one Firehose record, each followed by the
 * delimiter unless it already ends with it, up to a size and a count. A user record is never
 * split. Records that contain the delimiter anywhere but at their end are refused at
 * {@code addRecord} ({@link #delimiterPosition}), so a consumer splitting on the delimiter gets
 * the user records back exactly.
 *
 * <p>Confined to the sender thread (the static helpers are pure).
 */
final class DelimitedPacker implements EntryPacker {
    private final int maxSize;
    private final int maxCount;
    private final byte[] delimiter;
    private byte[][] parts = new byte[64][];
    private int count;
    private long size;

    /**
     * @param maxSize largest packed record, delimiters included
     * @param maxCount most user records per packed record
     * @param delimiter ends each user record (not empty)
     */
    DelimitedPacker(int maxSize, int maxCount, byte[] delimiter) {
        if (delimiter.length == 0) {
            throw new IllegalArgumentException("delimiter must not be empty");
        }
        this.maxSize = maxSize;
        this.maxCount = maxCount;
        this.delimiter = delimiter.clone();
    }

    /** @return the bytes {@code data} takes in a packed record: with its delimiter, unless it already ends with one */
    static int packedLength(byte[] data, byte[] delimiter) {
        return endsWith(data, delimiter) ? data.length : data.length + delimiter.length;
    }

    /**
     * Checks that splitting the packed form of {@code data} on the delimiter gives {@code data}
     * back: the first delimiter in {@code data} followed by its delimiter (or in {@code data} alone
     * when it already ends with one) must be that final one. This also catches delimiters that
     * overlap themselves (e.g. {@code "\n\n"} after data ending in a newline).
     *
     * @return where the first delimiter that is not the final one starts, or -1 when there is none
     */
    static int delimiterPosition(byte[] data, byte[] delimiter) {
        int d = delimiter.length;
        boolean terminated = endsWith(data, delimiter);
        int packed = terminated ? data.length : data.length + d;
        int finalAt = packed - d;
        if (d == 1) {
            byte b = delimiter[0];
            for (int i = 0; i < finalAt; i++) {
                if (data[i] == b) {
                    return i;
                }
            }
            return -1;
        }
        for (int i = 0; i < finalAt; i++) {
            int k = 0;
            while (k < d && byteAt(data, delimiter, i + k) == delimiter[k]) {
                k++;
            }
            if (k == d) {
                return i;
            }
        }
        return -1;
    }

    /** @return byte {@code i} of {@code data} followed by {@code delimiter} */
    private static byte byteAt(byte[] data, byte[] delimiter, int i) {
        return i < data.length ? data[i] : delimiter[i - data.length];
    }

    private static boolean endsWith(byte[] data, byte[] delimiter) {
        int n = data.length;
        int d = delimiter.length;
        return n >= d && Arrays.equals(data, n - d, n, delimiter, 0, d);
    }

    @Override
    public void clear() {
        Arrays.fill(parts, 0, count, null);
        count = 0;
        size = 0;
    }

    @Override
    public int count() {
        return count;
    }

    @Override
    public long sizeIfAdded(String partitionKey, String explicitHashKey, byte[] data) {
        return size + packedLength(data, delimiter);
    }

    @Override
    public boolean tryAdd(String partitionKey, String explicitHashKey, byte[] data) {
        long next = size + packedLength(data, delimiter);
        if (count >= maxCount || next > maxSize) {
            return false;
        }
        if (count == parts.length) {
            parts = Arrays.copyOf(parts, count * 2);
        }
        parts[count++] = data;
        size = next;
        return true;
    }

    @Override
    public byte[] toBytes() {
        byte[] out = new byte[(int) size];
        int at = 0;
        for (int i = 0; i < count; i++) {
            byte[] p = parts[i];
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
            if (!endsWith(p, delimiter)) {
                System.arraycopy(delimiter, 0, out, at, delimiter.length);
                at += delimiter.length;
            }
        }
        return out;
    }

    @Override
    public int emptySize() {
        return 0;
    }

    @Override
    public boolean packsSingleRecords() {
        return true; // the delimiter is part of the format even for one record
    }
}
