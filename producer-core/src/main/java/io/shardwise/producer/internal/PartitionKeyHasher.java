package io.shardwise.producer.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Hashes a partition key the way Kinesis does: MD5 of its UTF-8 bytes, read as an unsigned 128-bit
 * big-endian integer, exposed as two longs ({@link #high()}, {@link #low()}).
 *
 * <p>Not thread-safe: each thread uses its own instance from {@link #forCurrentThread()}, which
 * reuses one digest and one buffer, so hashing an ASCII key allocates nothing.
 */
final class PartitionKeyHasher {
    private static final ThreadLocal<PartitionKeyHasher> PER_THREAD = ThreadLocal.withInitial(PartitionKeyHasher::new);

    private final MessageDigest md5;
    private final byte[] digest = new byte[16];
    private final byte[] keyBytes = new byte[256];
    private long high;
    private long low;
    private int keyUtf8Length;

    PartitionKeyHasher() {
        try {
            md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required by every Java platform", e);
        }
    }

    static PartitionKeyHasher forCurrentThread() {
        return PER_THREAD.get();
    }

    /**
     * Hashes {@code key}; afterwards {@link #high()}, {@link #low()} and {@link #keyUtf8Length()} describe it.
     *
     * @param key a non-empty partition key
     */
    void hash(String key) {
        int n = key.length();
        boolean ascii = n <= keyBytes.length;
        if (ascii) {
            for (int i = 0; i < n; i++) {
                char c = key.charAt(i);
                if (c >= 0x80) {
                    ascii = false;
                    break;
                }
                keyBytes[i] = (byte) c;
            }
        }
        if (ascii) {
            md5.update(keyBytes, 0, n);
            keyUtf8Length = n;
        } else {
            byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
            md5.update(utf8);
            keyUtf8Length = utf8.length;
        }
        try {
            md5.digest(digest, 0, 16);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        high = HashKeys.readLong(digest, 0);
        low = HashKeys.readLong(digest, 8);
    }

    /** @return the upper 64 bits of the last hash (unsigned) */
    long high() {
        return high;
    }

    /** @return the lower 64 bits of the last hash (unsigned) */
    long low() {
        return low;
    }

    /** @return the UTF-8 length of the last key hashed */
    int keyUtf8Length() {
        return keyUtf8Length;
    }
}
