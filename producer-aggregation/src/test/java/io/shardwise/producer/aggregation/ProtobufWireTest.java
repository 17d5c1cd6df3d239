package io.shardwise.producer.aggregation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.CodedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The hand-written wire primitives against the JDK's UTF-8 encoder and protobuf-java. */
class ProtobufWireTest {

  @Provide
  Arbitrary<String> anyText() {
    // Every char, lone surrogates included, with extra weight on the multi-byte ranges.
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(300),
        Arbitraries.strings().withCharRange('\u0780', '\u0820').withCharRange('\uD7F0', '\uE010')
            .ofMaxLength(50),
        Arbitraries.strings().withChars("a\uD83D\uDD11\uD800\uDC00").ofMaxLength(20));
  }

  @Property(tries = 2000)
  void utf8IsWhatTheJdkEncodes(@ForAll("anyText") String s,
      @ForAll @IntRange(max = 5) int offset) {
    byte[] expected = s.getBytes(StandardCharsets.UTF_8);
    assertThat(ProtobufWire.utf8Length(s)).isEqualTo(expected.length);
    byte[] out = new byte[offset + expected.length];
    assertThat(ProtobufWire.writeUtf8(out, offset, s)).isEqualTo(out.length);
    assertThat(Arrays.copyOfRange(out, offset, out.length)).isEqualTo(expected);
  }

  @Property(tries = 2000)
  void varintsAreWhatProtobufEncodes(@ForAll @IntRange(min = 0) int value) throws Exception {
    assertThat(ProtobufWire.varintSize(value))
        .isEqualTo(CodedOutputStream.computeUInt64SizeNoTag(value));
    byte[] expected = new byte[CodedOutputStream.computeUInt64SizeNoTag(value)];
    CodedOutputStream cos = CodedOutputStream.newInstance(expected);
    cos.writeUInt64NoTag(value);
    cos.checkNoSpaceLeft();
    byte[] out = new byte[expected.length + 1];
    assertThat(ProtobufWire.writeVarint(out, 1, value)).isEqualTo(out.length);
    assertThat(Arrays.copyOfRange(out, 1, out.length)).isEqualTo(expected);
  }

  @Property(tries = 1000)
  void varintSizesOfLongsAreProtobufs(@ForAll long value) {
    assertThat(ProtobufWire.varintSize(value))
        .isEqualTo(CodedOutputStream.computeUInt64SizeNoTag(value));
  }

  @Example
  void varintSizesAtTheBoundaries() {
    assertThat(ProtobufWire.varintSize(0)).isEqualTo(1);
    assertThat(ProtobufWire.varintSize(127)).isEqualTo(1);
    assertThat(ProtobufWire.varintSize(128)).isEqualTo(2);
    assertThat(ProtobufWire.varintSize(16_383)).isEqualTo(2);
    assertThat(ProtobufWire.varintSize(16_384)).isEqualTo(3);
    assertThat(ProtobufWire.varintSize(Integer.MAX_VALUE)).isEqualTo(5);
    assertThat(ProtobufWire.varintSize(-1L)).isEqualTo(10);
  }

  @Example
  void tagsAreOneByte() {
    assertThat(ProtobufWire.tag(1, ProtobufWire.WIRETYPE_LENGTH_DELIMITED)).isEqualTo((byte) 0x0A);
    assertThat(ProtobufWire.tag(2, ProtobufWire.WIRETYPE_VARINT)).isEqualTo((byte) 0x10);
    assertThat(ProtobufWire.tag(15, ProtobufWire.WIRETYPE_LENGTH_DELIMITED))
        .isEqualTo((byte) 0x7A);
    assertThatThrownBy(() -> ProtobufWire.tag(16, ProtobufWire.WIRETYPE_VARINT))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("16");
  }
}
