package io.shardwise.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shardwise.producer.InvalidExplicitHashKeyException;
import io.shardwise.producer.InvalidPartitionKeyException;
import io.shardwise.producer.InvalidUserRecordException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@link RecordValidator} accepts, and what it refuses with which limit code and message. */
class RecordValidatorTest {
    private static final String MAX_DECIMAL = "340282366920938463463374607431768211455";
    private static final String PATTERN_LIMIT = "explicitHashKey.pattern=0|[1-9][0-9]{0,38}";
    private static final String RANGE_LIMIT = "explicitHashKey.range=0..2^128-1";

    @Test
    void explicitHashKeysTheServiceAcceptsAreParsed() {
        assertThat(RecordValidator.parseExplicitHashKey("0")).isEqualTo(BigInteger.ZERO);
        assertThat(RecordValidator.parseExplicitHashKey("1")).isEqualTo(BigInteger.ONE);
        assertThat(RecordValidator.parseExplicitHashKey("10")).isEqualTo(BigInteger.TEN);
        assertThat(RecordValidator.parseExplicitHashKey(MAX_DECIMAL)).isEqualTo(HashKeys.MAX);
        assertThat(RecordValidator.parseExplicitHashKey("170141183460469231731687303715884105728"))
                .isEqualTo(BigInteger.ONE.shiftLeft(127));
    }

    @ParameterizedTest
    @ValueSource(strings = {"007", "00", "01", "0340282366920938463463374607431768211455", "0000000000000000000000000000000000000001"})
    void leadingZerosAreRefusedNamingThePattern(String key) {
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(key))
                .isInstanceOf(InvalidExplicitHashKeyException.class)
                .hasMessageContaining("leading zero").hasMessageContaining("0|[1-9][0-9]{0,38}").hasMessageContaining("2^128-1")
                .hasMessageContaining("'" + (key.length() > 50 ? key.substring(0, 50) : key))
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(PATTERN_LIMIT));
    }

    @ParameterizedTest
    @ValueSource(strings = {"+1", "-1", "-0", "+0"})
    void signsAreRefused(String key) {
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(key))
                .isInstanceOf(InvalidExplicitHashKeyException.class).hasMessageContaining("a sign at index 0")
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(PATTERN_LIMIT));
    }

    @Test
    void whitespaceAndOtherCharactersAreRefusedWithTheirIndex() {
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(" 1")).hasMessageContaining("whitespace at index 0");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("1 ")).hasMessageContaining("whitespace at index 1");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("1\t")).hasMessageContaining("whitespace at index 1");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("12a")).hasMessageContaining("other than 0-9 at index 2");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("1-2")).hasMessageContaining("other than 0-9 at index 1");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("1.5")).hasMessageContaining("other than 0-9 at index 1");
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey("\u0661\u0662")) // Arabic-Indic digits
                .hasMessageContaining("other than 0-9 at index 0");
        for (String key : new String[] {" 1", "1 ", "12a", "1.5", "\u0661"}) {
            assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(key))
                    .isInstanceOf(InvalidExplicitHashKeyException.class)
                    .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(PATTERN_LIMIT));
        }
    }

    @Test
    void emptyAndTooManyDigitsBreakThePattern() {
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(""))
                .isInstanceOf(InvalidExplicitHashKeyException.class).hasMessageContaining("is empty")
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(PATTERN_LIMIT));
        String fortyDigits = "1" + "0".repeat(39);
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(fortyDigits))
                .isInstanceOf(InvalidExplicitHashKeyException.class).hasMessageContaining("has 40 digits")
                .hasMessageContaining("at most 39 digits")
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(PATTERN_LIMIT));
        String long60 = "9".repeat(60);
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(long60))
                .hasMessageContaining("'" + "9".repeat(50) + "...'").hasMessageContaining("has 60 digits");
    }

    @Test
    void wellFormedValuesAboveTheMaximumBreakTheRange() {
        for (String key : new String[] {"340282366920938463463374607431768211456", "999999999999999999999999999999999999999"}) {
            assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(key))
                    .isInstanceOf(InvalidExplicitHashKeyException.class)
                    .hasMessageContaining("larger than 2^128-1").hasMessageContaining(MAX_DECIMAL)
                    .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo(RANGE_LIMIT));
        }
    }

    @Test
    void acceptsExactlyWhatTheServicePatternAndRangeAccept() {
        Pattern service = Pattern.compile("0|([1-9]\\d{0,38})"); // PutRecordsRequestEntry.ExplicitHashKey
        Random rnd = new Random(7);
        String alphabet = "0000123456789 +-a";
        for (int n = 0; n < 20_000; n++) {
            StringBuilder b = new StringBuilder();
            int length = rnd.nextInt(42);
            for (int i = 0; i < length; i++) {
                b.append(rnd.nextInt(4) == 0 ? alphabet.charAt(rnd.nextInt(alphabet.length())) : (char) ('0' + rnd.nextInt(10)));
            }
            if (rnd.nextBoolean() && length == 39) {
                b.setCharAt(0, rnd.nextBoolean() ? '1' : '3'); // near the top of the range
            }
            String key = b.toString();
            boolean accepted = service.matcher(key).matches() && new BigInteger(key).compareTo(HashKeys.MAX) <= 0;
            if (accepted) {
                assertThat(RecordValidator.parseExplicitHashKey(key)).as("'%s'", key).isEqualTo(new BigInteger(key));
            } else {
                assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(key)).as("'%s'", key)
                        .isInstanceOf(InvalidExplicitHashKeyException.class);
            }
        }
    }

    @Test
    void nullExplicitHashKeyIsRefusedWithoutANullPointerException() {
        assertThatThrownBy(() -> RecordValidator.parseExplicitHashKey(null))
                .isInstanceOf(InvalidExplicitHashKeyException.class).hasMessageContaining("null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k", "key-1", "kéy", "\u00e9\u4e2d", "\uD83D\uDE00", "a\uD83D\uDE00b", "\uD83D\uDE00\uD83D\uDE01",
            "\uDBFF\uDFFF", "\uD800\uDC00", "\uFFFF", "\uD7FF\uE000"})
    void wellFormedKeysAreAccepted(String key) {
        RecordValidator.checkPartitionKey(key);
        // and their UTF-8 length is what the JDK encodes (no replacement characters involved)
        assertThat(RecordValidator.utf8Length(key)).isEqualTo(key.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void aKeyOf128SurrogatePairsIsAcceptedAtTheLengthLimit() {
        RecordValidator.checkPartitionKey("\uD83D\uDE00".repeat(128)); // 256 chars, 128 code points
    }

    @Test
    void loneHighSurrogateAtTheEndIsRefusedWithItsIndex() {
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("x\uD83D"))
                .isInstanceOf(InvalidPartitionKeyException.class)
                .hasMessageContaining("unpaired surrogate").hasMessageContaining("U+D83D").hasMessageContaining("index 1")
                .hasMessageContaining("end of the key").hasMessageContaining("valid Unicode").hasMessageContaining("UTF-8")
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("partitionKey.encoding=UTF-8"));
    }

    @Test
    void loneLowSurrogateAtTheStartIsRefusedWithItsIndex() {
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("\uDC00y"))
                .isInstanceOf(InvalidPartitionKeyException.class)
                .hasMessageContaining("U+DC00").hasMessageContaining("index 0").hasMessageContaining("low surrogate not preceded");
    }

    @Test
    void reversedPairIsRefusedAtItsLowHalf() {
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("ab\uDE00\uD83D"))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("U+DE00").hasMessageContaining("index 2");
    }

    @Test
    void highSurrogateFollowedByAnotherCharacterIsRefused() {
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("\uD83Dz"))
                .isInstanceOf(InvalidPartitionKeyException.class)
                .hasMessageContaining("index 0").hasMessageContaining("high surrogate not followed by a low surrogate");
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("\uD83D\uD83D\uDE00"))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("index 0");
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("\uD83D\uDE00\uDE00"))
                .isInstanceOf(InvalidPartitionKeyException.class).hasMessageContaining("U+DE00").hasMessageContaining("index 2");
    }

    @Test
    void theEarlierLimitsStillComeFirst() {
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey(null)).isInstanceOf(InvalidPartitionKeyException.class)
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("partitionKey.required"));
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("")).isInstanceOf(InvalidPartitionKeyException.class)
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("partitionKey.minLength=1"));
        assertThatThrownBy(() -> RecordValidator.checkPartitionKey("\uD83D".repeat(257))).isInstanceOf(InvalidPartitionKeyException.class)
                .satisfies(e -> assertThat(((InvalidUserRecordException) e).limit()).isEqualTo("partitionKey.maxLength=256"));
    }
}
