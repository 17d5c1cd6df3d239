package io.shardwise.producer.aggregation;

/**
 * The few protobuf wire-format primitives {@link RecordAggregator} writes by hand: single-byte
 * tags, varints of non-negative values and UTF-8 strings, sized and written straight into a byte
 * array without intermediate objects.
 *
 * <p>Strings are encoded exactly as {@link String#getBytes(java.nio.charset.Charset)
 * getBytes(UTF_8)} and protobuf-java encode them: an unpaired surrogate becomes {@code '?'} (one
 * byte), which does not round-trip (protobuf-java logs a warning for it; this class does not).
 */
final class ProtobufWire {

  /** Wire type of varint fields ({@code uint64} here). */
  static final int WIRETYPE_VARINT = 0;

  /** Wire type of length-delimited fields ({@code string}, {@code bytes}, messages). */
  static final int WIRETYPE_LENGTH_DELIMITED = 2;

  /** Bytes of every tag {@link #tag} makes (field numbers up to 15). */
  static final int TAG_SIZE = 1;

  private static final byte UNPAIRED_SURROGATE_REPLACEMENT = '?';

  private ProtobufWire() {}

  /**
   * Returns the one-byte tag of a field.
   *
   * @param fieldNumber 1 to 15, so the tag fits in one byte
   * @param wireType {@link #WIRETYPE_VARINT} or {@link #WIRETYPE_LENGTH_DELIMITED}
   */
  static byte tag(int fieldNumber, int wireType) {
    if (fieldNumber < 1 || fieldNumber > 15) {
      throw new IllegalArgumentException("field number must be 1..15 for a 1-byte tag, was "
          + fieldNumber);
    }
    return (byte) (fieldNumber << 3 | wireType);
  }

  /** Returns the bytes the varint encoding of {@code value} takes (1 to 10; 10 if negative). */
  static int varintSize(long value) {
    int significantBits = Long.SIZE - Long.numberOfLeadingZeros(value | 1);
    return (significantBits + 6) / 7;
  }

  /**
   * Writes {@code value} as a varint at {@code pos}.
   *
   * @param value a non-negative value
   * @return the position after the varint
   */
  static int writeVarint(byte[] out, int pos, int value) {
    int v = value;
    while ((v & ~0x7F) != 0) {
      out[pos++] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    out[pos++] = (byte) v;
    return pos;
  }

  /**
   * Returns the length of {@code s} in UTF-8, as {@code s.getBytes(UTF_8).length} would, without
   * allocating. A {@code long}, as a string of over 715 million characters may not fit an int.
   */
  static long utf8Length(String s) {
    int n = s.length();
    long length = n;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        continue;
      }
      if (c < 0x800) {
        length += 1;
      } else if (!Character.isSurrogate(c)) {
        length += 2;
      } else if (isSurrogatePairAt(s, i)) {
        length += 2; // two chars, four bytes
        i++;
      }
      // else an unpaired surrogate: one replacement byte, already counted
    }
    return length;
  }

  /**
   * Writes {@code s} in UTF-8 at {@code pos}; {@code out} must have room for {@link #utf8Length}
   * bytes.
   *
   * @return the position after the string's last byte
   */
  static int writeUtf8(byte[] out, int pos, String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        out[pos++] = (byte) c;
      } else if (c < 0x800) {
        out[pos++] = (byte) (0xC0 | c >>> 6);
        out[pos++] = (byte) (0x80 | c & 0x3F);
      } else if (!Character.isSurrogate(c)) {
        out[pos++] = (byte) (0xE0 | c >>> 12);
        out[pos++] = (byte) (0x80 | c >>> 6 & 0x3F);
        out[pos++] = (byte) (0x80 | c & 0x3F);
      } else if (isSurrogatePairAt(s, i)) {
        int codePoint = Character.toCodePoint(c, s.charAt(++i));
        out[pos++] = (byte) (0xF0 | codePoint >>> 18);
        out[pos++] = (byte) (0x80 | codePoint >>> 12 & 0x3F);
        out[pos++] = (byte) (0x80 | codePoint >>> 6 & 0x3F);
        out[pos++] = (byte) (0x80 | codePoint & 0x3F);
      } else {
        out[pos++] = UNPAIRED_SURROGATE_REPLACEMENT;
      }
    }
    return pos;
  }

  private static boolean isSurrogatePairAt(String s, int i) {
    return Character.isHighSurrogate(s.charAt(i))
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1));
  }
}
