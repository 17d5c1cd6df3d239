package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PartitionKeyHasherTest {

    private static byte[] md5(byte[] input) throws Exception {
        return MessageDigest.getInstance("MD5").digest(input);
    }

    private static String hex(long high, long low) {
        return String.format("%016x%016x", high, low);
    }

    private static void assertMatchesIndependentMd5(PartitionKeyHasher h, String key) throws Exception {
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        byte[] expected = md5(utf8);
        h.hash(key);
        assertThat(hex(h.high(), h.low())).as("hash of %s", key).isEqualTo(HexFormat.of().formatHex(expected));
        assertThat(h.keyUtf8Length()).as("utf8 length of %s", key).isEqualTo(utf8.length);
    }

    @Test
    void rfc1321VectorsHardCoded() {
        PartitionKeyHasher h = new PartitionKeyHasher();
        h.hash("a");
        assertThat(hex(h.high(), h.low())).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
        h.hash("abc");
        assertThat(hex(h.high(), h.low())).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        h.hash("message digest");
        assertThat(hex(h.high(), h.low())).isEqualTo("f96b697d7cb7938d525a2f31aaf161d0");
        h.hash("abcdefghijklmnopqrstuvwxyz");
        assertThat(hex(h.high(), h.low())).isEqualTo("c3fcd3d76192e4007dfb496cca67e13b");
        h.hash("12345678901234567890123456789012345678901234567890123456789012345678901234567890");
        assertThat(hex(h.high(), h.low())).isEqualTo("57edf4a22be3c955ac49da2e2107b67a");
    }

    @Test
    void rfc1321VectorAsExactLongs() {
        PartitionKeyHasher h = new PartitionKeyHasher();
        h.hash("abc");
        assertThat(h.high()).isEqualTo(0x900150983cd24fb0L);
        assertThat(h.low()).isEqualTo(0xd6963f7d28e17f72L);
        assertThat(h.keyUtf8Length()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "abc", "message digest", "partition-key-1", "0", " ", "\u0000x", "\u007f"})
    void matchesMessageDigest(String key) throws Exception {
        assertMatchesIndependentMd5(new PartitionKeyHasher(), key);
    }

    @Test
    void highAndLowAreBigEndianHalvesOfDigest() throws Exception {
        PartitionKeyHasher h = new PartitionKeyHasher();
        for (String key : new String[] {"a", "abc", "message digest", "user-42", "zzzz"}) {
            byte[] d = md5(key.getBytes(StandardCharsets.UTF_8));
            long expectedHigh = 0;
            long expectedLow = 0;
            for (int i = 0; i < 8; i++) {
                expectedHigh = (expectedHigh << 8) | (d[i] & 0xFF);
                expectedLow = (expectedLow << 8) | (d[8 + i] & 0xFF);
            }
            h.hash(key);
            assertThat(h.high()).as(key).isEqualTo(expectedHigh);
            assertThat(h.low()).as(key).isEqualTo(expectedLow);
            // and as an unsigned 128-bit number
            assertThat(HashKeys.toBigInteger(h.high(), h.low())).as(key).isEqualTo(new BigInteger(1, d));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"é", "ключ", "日本語キー", "emoji-\uD83D\uDE00", "mixed-ascii-\u00fc-end", "\uD83D\uDE00\uD83D\uDE01"})
    void unicodeKeysHashTheirUtf8Bytes(String key) throws Exception {
        assertMatchesIndependentMd5(new PartitionKeyHasher(), key);
    }

    @Test
    void unicodeUtf8LengthsAreCorrect() {
        PartitionKeyHasher h = new PartitionKeyHasher();
        h.hash("é");
        assertThat(h.keyUtf8Length()).isEqualTo(2);
        h.hash("日");
        assertThat(h.keyUtf8Length()).isEqualTo(3);
        h.hash("\uD83D\uDE00");
        assertThat(h.keyUtf8Length()).isEqualTo(4);
        h.hash("aé日\uD83D\uDE00");
        assertThat(h.keyUtf8Length()).isEqualTo(1 + 2 + 3 + 4);
    }

    @Test
    void keysOf256Characters() throws Exception {
        PartitionKeyHasher h = new PartitionKeyHasher();
        assertMatchesIndependentMd5(h, "k".repeat(256));
        assertThat(h.keyUtf8Length()).isEqualTo(256);
        assertMatchesIndependentMd5(h, "x".repeat(255) + "y");
        // 256 chars, non-ASCII at the very end
        String lastUnicode = "a".repeat(255) + "é";
        assertMatchesIndependentMd5(h, lastUnicode);
        assertThat(h.keyUtf8Length()).isEqualTo(257);
        // 256 chars, all 3-byte
        String all3 = "日".repeat(256);
        assertMatchesIndependentMd5(h, all3);
        assertThat(h.keyUtf8Length()).isEqualTo(768);
        // longer than the internal buffer (validation forbids it, but the hasher must still be right)
        assertMatchesIndependentMd5(h, "z".repeat(257));
    }

    @Test
    void reuseAcrossKeysGivesSameResultAsFreshInstances() throws Exception {
        PartitionKeyHasher reused = new PartitionKeyHasher();
        String[] keys = {"abc", "a".repeat(256), "é", "abc", "ab", "日本", "b", "k".repeat(200), "a"};
        for (String key : keys) {
            PartitionKeyHasher fresh = new PartitionKeyHasher();
            fresh.hash(key);
            reused.hash(key);
            assertThat(reused.high()).as(key).isEqualTo(fresh.high());
            assertThat(reused.low()).as(key).isEqualTo(fresh.low());
            assertThat(reused.keyUtf8Length()).as(key).isEqualTo(fresh.keyUtf8Length());
            assertMatchesIndependentMd5(reused, key);
        }
    }

    @Test
    void shorterKeyAfterLongerKeyIsNotPollutedByBufferLeftovers() {
        PartitionKeyHasher h = new PartitionKeyHasher();
        h.hash("message digest");
        h.hash("abc");
        assertThat(hex(h.high(), h.low())).isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        // a non-ASCII key partially fills the ASCII buffer before falling back
        h.hash("ab\u00e9cdef");
        h.hash("a");
        assertThat(hex(h.high(), h.low())).isEqualTo("0cc175b9c0f1b6a831c399e269772661");
    }

    @Test
    void forCurrentThreadIsPerThread() throws Exception {
        PartitionKeyHasher mine = PartitionKeyHasher.forCurrentThread();
        assertThat(PartitionKeyHasher.forCurrentThread()).isSameAs(mine);
        PartitionKeyHasher[] other = new PartitionKeyHasher[1];
        Thread t = new Thread(() -> other[0] = PartitionKeyHasher.forCurrentThread());
        t.start();
        t.join();
        assertThat(other[0]).isNotNull().isNotSameAs(mine);
    }

    private final PartitionKeyHasher shared = new PartitionKeyHasher();

    @Property(tries = 200)
    void anyKeyMatchesMessageDigest(@ForAll @StringLength(min = 1, max = 256) String key) throws Exception {
        assertMatchesIndependentMd5(shared, key);
    }
}
