package io.datacascade.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.datacascade.core.Point;
import io.datacascade.kafka.PointJsonCodec.InvalidRecordException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PointJsonCodecTest {

    private static final long T = 1732822000000L; // 2024-11-28T19:26:40Z

    private final PointJsonCodec codec = PointJsonCodec.create();

    // ---------------------------------------------------------------------------------- accepted

    @Test
    void decodesTheDesignFormat() {
        Point point = codec.decode(record(null,
                "{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":0.42,\"tags\":{\"host\":\"a\"}}"));

        assertThat(point).isEqualTo(new Point("cpu.load", T, 0.42, Map.of("host", "a")));
    }

    @Test
    void decodesWithoutTagsAndWithEmptyOrNullTags() {
        Point expected = Point.of("cpu.load", T, 1.0);

        assertThat(codec.decode(record(null, "{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":1}")))
                .isEqualTo(expected);
        assertThat(codec.decode(record(null,
                "{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":1.0,\"tags\":{}}")))
                .isEqualTo(expected);
        assertThat(codec.decode(record(null,
                "{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":1e0,\"tags\":null}")))
                .isEqualTo(expected);
    }

    @Test
    void decodesManyTagsAndAnyFieldOrderAndWhitespace() {
        StringBuilder json = new StringBuilder(" {\n \"tags\" : {");
        Map<String, String> tags = new HashMap<>();
        for (int i = 0; i < 20; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v").append(i).append('"');
            tags.put("k" + i, "v" + i);
        }
        json.append("},\t\"value\" : -2.5e-3 , \"time\":1732822000000, \"series\":\"s\" }\r\n");

        assertThat(codec.decode(record(null, json.toString()))).isEqualTo(new Point("s", T, -2.5e-3, tags));
    }

    @Test
    void takesTheSeriesOfTheOriginalFormatFromTheDefaultSeries() {
        PointJsonCodec withDefault = codec.withDefaultSeries("legacy.metric");

        Point point = withDefault.decode(record("the-key", "{\"time\":1732822000000,\"value\":0.42}"));

        assertThat(point).isEqualTo(Point.of("legacy.metric", T, 0.42));
    }

    @Test
    void takesTheSeriesFromTheKeyWhenNoDefaultIsConfigured() {
        assertThat(codec.decode(record("cpu.load", "{\"time\":1732822000000,\"value\":0.42}")))
                .isEqualTo(Point.of("cpu.load", T, 0.42));
        assertThat(codec.decode(record("température/ß/😀", "{\"time\":1732822000000,\"value\":0.42}")))
                .isEqualTo(Point.of("température/ß/😀", T, 0.42));
    }

    @Test
    void prefersTheSeriesFieldOverTheDefaultAndTheKey() {
        String json = "{\"series\":\"from.payload\",\"time\":1732822000000,\"value\":1}";

        assertThat(codec.withDefaultSeries("default").decode(record("key", json)).series())
                .isEqualTo("from.payload");
        assertThat(codec.decode(record("key", json)).series()).isEqualTo("from.payload");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "2024-11-28T19:26:40Z         | 1732822000000",
        "2024-11-28T20:26:40+01:00    | 1732822000000",
        "2024-11-28T14:26:40-05:00    | 1732822000000",
        "2024-11-28T19:26:40.123Z     | 1732822000123",
        "2024-11-28T19:26:40.1Z       | 1732822000100",
        "2024-11-28T19:26:40.123999Z  | 1732822000123",
        "2024-11-28T19:26:40.5+05:30  | 1732802200500",
        "1969-12-31T23:59:59.999Z     | -1",
        "1970-01-01T00:00:00Z         | 0",
    })
    void acceptsIso8601Instants(String time, long epochMillis) {
        Point point = codec.decode(record(null,
                "{\"series\":\"s\",\"time\":\"" + time + "\",\"value\":1}"));

        assertThat(point.timestamp()).isEqualTo(epochMillis);
    }

    @ParameterizedTest
    @CsvSource({
        "1732822000000, 1732822000000",
        "0, 0",
        "-1, -1",
        "9223372036854775807, 9223372036854775807",
        "-9223372036854775808, -9223372036854775808",
        "1.732822E12, 1732822000000",
        "1732822000000.000, 1732822000000",
        "17328220000000e-1, 1732822000000",
    })
    void acceptsEpochMillisAsAnIntegralNumber(String time, long epochMillis) {
        Point point = codec.decode(record(null, "{\"series\":\"s\",\"time\":" + time + ",\"value\":1}"));

        assertThat(point.timestamp()).isEqualTo(epochMillis);
    }

    @Test
    void acceptsTimestampAsAnAliasOfTime() {
        assertThat(codec.decode(record(null, "{\"series\":\"s\",\"timestamp\":1732822000000,\"value\":2}")))
                .isEqualTo(Point.of("s", T, 2));
        assertThat(codec.decode(record(null,
                "{\"series\":\"s\",\"timestamp\":\"2024-11-28T19:26:40Z\",\"value\":2}")))
                .isEqualTo(Point.of("s", T, 2));
    }

    @Test
    void ignoresUnknownFields() {
        String json = "{\"version\":2,\"series\":\"s\",\"unit\":\"%\",\"time\":1732822000000,"
                + "\"meta\":{\"a\":[1,2,{\"b\":null}],\"value\":\"not this one\"},\"value\":3,"
                + "\"flags\":[true,false,null,\"x\",1.5,NaN],\"ok\":true,\"none\":null}";

        assertThat(codec.decode(record(null, json))).isEqualTo(Point.of("s", T, 3));
    }

    @Test
    void keepsNegativeZeroAndExtremeValues() {
        assertThat(Double.doubleToRawLongBits(
                codec.decode(record(null, "{\"series\":\"s\",\"time\":1,\"value\":-0.0}")).value()))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
        assertThat(codec.decode(record(null, "{\"series\":\"s\",\"time\":1,\"value\":4.9E-324}")).value())
                .isEqualTo(Double.MIN_VALUE);
        assertThat(codec.decode(record(null,
                "{\"series\":\"s\",\"time\":1,\"value\":-1.7976931348623157E308}")).value())
                .isEqualTo(-Double.MAX_VALUE);
        assertThat(codec.decode(record(null,
                "{\"series\":\"s\",\"time\":1,\"value\":123456789012345678901234567890}")).value())
                .isEqualTo(1.2345678901234568E29);
    }

    @Test
    void decodesStringEscapesAndToleratesAUtf8ByteOrderMark() {
        byte[] json = concat(bytes(0xEF, 0xBB, 0xBF),
                utf8("{\"series\":\"a\\\"b\\\\c\\u00e9\\ud83d\\ude00\\n\",\"time\":1,\"value\":1}"));

        assertThat(codec.decode(new ConsumerRecord<>("t", 0, 0L, null, json)).series())
                .isEqualTo("a\"b\\cé😀\n");
    }

    // ---------------------------------------------------------------------------------- rejected

    @Test
    void rejectsNaN() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":NaN}")
                .hasMessage("\"value\" must be a finite number, was NaN");
    }

    @Test
    void rejectsInfinity() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":Infinity}")
                .hasMessage("\"value\" must be a finite number, was Infinity");
    }

    @Test
    void rejectsNegativeInfinity() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":-Infinity}")
                .hasMessage("\"value\" must be a finite number, was -Infinity");
    }

    @Test
    void rejectsANumberBeyondTheDoubleRange() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1e400}")
                .hasMessage("\"value\" must be a finite number, was 1e400");
    }

    @Test
    void rejectsAMissingSeriesWhenThereIsNoDefaultAndNoKey() {
        assertRejected("{\"time\":1732822000000,\"value\":0.42}")
                .hasMessage("missing field \"series\" (no default series is configured and the record has no key)");
        assertThatThrownBy(() -> codec.decode(new ConsumerRecord<>("t", 0, 0L, new byte[0],
                utf8("{\"time\":1732822000000,\"value\":0.42}"))))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageStartingWith("missing field \"series\"");
    }

    @Test
    void rejectsAnEmptySeries() {
        assertRejected("{\"series\":\"\",\"time\":1,\"value\":1}").hasMessage("\"series\" must not be empty");
    }

    @Test
    void rejectsASeriesThatIsNotAString() {
        assertRejected("{\"series\":42,\"time\":1,\"value\":1}")
                .hasMessage("\"series\" must be a string, was a number");
    }

    @Test
    void rejectsAKeyThatIsNotUtf8WhenItIsNeededAsSeries() {
        assertThatThrownBy(() -> codec.decode(new ConsumerRecord<>("t", 0, 0L, bytes('a', 0xC3, 0x28),
                utf8("{\"time\":1,\"value\":1}"))))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessageContaining("record key")
                .hasMessageContaining("not valid UTF-8");
    }

    @Test
    void rejectsAMissingTime() {
        assertRejected("{\"series\":\"s\",\"value\":1}").hasMessage("missing field \"time\"");
    }

    @Test
    void rejectsAMissingValue() {
        assertRejected("{\"series\":\"s\",\"time\":1}").hasMessage("missing field \"value\"");
    }

    @Test
    void namesEveryMissingField() {
        assertRejected("{}").hasMessage("missing fields \"series\", \"time\", \"value\""
                + " (no default series is configured and the record has no key)");
        assertThatThrownBy(() -> codec.withDefaultSeries("d").decode(record(null, "{\"unit\":\"%\"}")))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("missing fields \"time\", \"value\"");
    }

    @Test
    void rejectsAValueGivenAsAString() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":\"0.42\"}")
                .hasMessage("\"value\" must be a number, was a string");
    }

    @Test
    void rejectsAValueGivenAsABoolean() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":true}")
                .hasMessage("\"value\" must be a number, was a boolean");
    }

    @Test
    void rejectsANullValue() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":null}")
                .hasMessage("\"value\" must be a number, was null");
    }

    @Test
    void rejectsATimeGivenAsABoolean() {
        assertRejected("{\"series\":\"s\",\"time\":false,\"value\":1}")
                .hasMessage("\"time\" must be epoch milliseconds or an ISO-8601 instant, was a boolean");
    }

    @Test
    void rejectsATimeGivenAsAnObject() {
        assertRejected("{\"series\":\"s\",\"timestamp\":{\"ms\":1},\"value\":1}")
                .hasMessage("\"timestamp\" must be epoch milliseconds or an ISO-8601 instant, was an object");
    }

    @Test
    void rejectsATimeStringThatIsNotAnIso8601Instant() {
        assertRejected("{\"series\":\"s\",\"time\":\"yesterday\",\"value\":1}")
                .hasMessage("\"time\" must be epoch milliseconds or an ISO-8601 instant, was \"yesterday\"");
        // no offset: a local time names no instant
        assertRejected("{\"series\":\"s\",\"time\":\"2024-11-28T19:26:40\",\"value\":1}")
                .hasMessageEndingWith("was \"2024-11-28T19:26:40\"");
        assertRejected("{\"series\":\"s\",\"time\":\"2024-02-30T00:00:00Z\",\"value\":1}")
                .hasMessageEndingWith("was \"2024-02-30T00:00:00Z\"");
        assertRejected("{\"series\":\"s\",\"time\":\"1732822000000\",\"value\":1}")
                .hasMessageEndingWith("was \"1732822000000\"");
        // a valid ISO-8601 instant, but not representable as epoch milliseconds
        assertRejected("{\"series\":\"s\",\"time\":\"+1000000000-01-01T00:00:00Z\",\"value\":1}")
                .hasMessageStartingWith("\"time\" must be epoch milliseconds");
    }

    @Test
    void rejectsAFractionalOrOutOfRangeTime() {
        assertRejected("{\"series\":\"s\",\"time\":1732822000000.5,\"value\":1}")
                .hasMessage("\"time\" must be epoch milliseconds or an ISO-8601 instant, was 1732822000000.5");
        assertRejected("{\"series\":\"s\",\"time\":9223372036854775808,\"value\":1}")
                .hasMessage("\"time\" must be epoch milliseconds or an ISO-8601 instant,"
                        + " was 9223372036854775808 (out of range)");
        assertRejected("{\"series\":\"s\",\"time\":1e30,\"value\":1}").hasMessageEndingWith("was 1e30");
        assertRejected("{\"series\":\"s\",\"time\":NaN,\"value\":1}").hasMessageEndingWith("was NaN");
    }

    @Test
    void rejectsTimeAndTimestampTogetherAndRepeatedFields() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"timestamp\":1,\"value\":1}")
                .hasMessage("both \"time\" and \"timestamp\" present (they are aliases)");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"value\":2}")
                .hasMessage("duplicate field \"value\"");
        assertRejected("{\"series\":\"s\",\"time\":1,\"time\":1,\"value\":1}")
                .hasMessage("duplicate field \"time\"");
    }

    @Test
    void rejectsTagsThatAreAnArray() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":[\"host\",\"a\"]}")
                .hasMessage("\"tags\" must be an object of string values, was an array");
    }

    @Test
    void rejectsATagValueThatIsNotAString() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"host\":\"a\",\"cpu\":3}}")
                .hasMessage("tag \"cpu\" must be a string, was a number");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"up\":true}}")
                .hasMessage("tag \"up\" must be a string, was a boolean");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"x\":{}}}")
                .hasMessage("tag \"x\" must be a string, was an object");
    }

    @Test
    void rejectsARepeatedTag() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"host\":\"a\",\"host\":\"b\"}}")
                .hasMessage("duplicate tag \"host\"");
        StringBuilder many = new StringBuilder("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{");
        for (int i = 0; i < 30; i++) {
            many.append("\"k").append(i).append("\":\"v\",");
        }
        assertRejected(many.append("\"k17\":\"again\"}}").toString()).hasMessage("duplicate tag \"k17\"");
    }

    @Test
    void rejectsAnEmptyPayload() {
        assertRejected(new byte[0]).hasMessage("empty payload");
    }

    @Test
    void rejectsAWhitespaceOnlyPayload() {
        assertRejected(" \t\r\n ").hasMessage("empty payload (only whitespace)");
    }

    @Test
    void rejectsANullPayload() {
        assertThatThrownBy(() -> codec.decode(new ConsumerRecord<byte[], byte[]>("t", 0, 0L, utf8("k"), null)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("null payload (tombstone)");
    }

    @Test
    void rejectsAPayloadOverTheConfiguredLimit() {
        PointJsonCodec small = codec.withMaxPayloadBytes(64);
        String fits = "{\"series\":\"s\",\"time\":1,\"value\":1}";
        String tooLong = "{\"series\":\"" + "s".repeat(64) + "\",\"time\":1,\"value\":1}";

        assertThat(small.decode(record(null, fits))).isEqualTo(Point.of("s", 1, 1));
        assertThatThrownBy(() -> small.decode(record(null, tooLong)))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("payload of " + utf8(tooLong).length + " bytes exceeds the limit of 64");
        assertThatThrownBy(() -> codec.decode(new ConsumerRecord<>("t", 0, 0L, null, new byte[2_000_000])))
                .isInstanceOf(InvalidRecordException.class)
                .hasMessage("payload of 2000000 bytes exceeds the limit of 1048576");
    }

    @Test
    void rejectsBytesThatAreNotUtf8() {
        // 0xC3 starts a two-byte sequence, 0x28 ('(') can't continue it
        assertRejected(concat(utf8("{\"series\":\"a"), bytes(0xC3, 0x28), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ")
                .hasMessageContaining("0x28");
        // 0xFF never occurs in UTF-8
        assertRejected(concat(utf8("{\"series\":\"a"), bytes(0xFF), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ")
                .hasMessageContaining("0xff");
        assertRejected(bytes(0xFF)).hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
        // also inside a field that is otherwise ignored, and in a field name
        assertRejected(concat(utf8("{\"series\":\"a\",\"x\":\""), bytes(0xC3, 0x28), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
        assertRejected(concat(utf8("{\"series\":\"a\",\"tags\":{\""), bytes(0xFF), utf8("\":\"v\"},\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
        // overlong encoding of '/', an encoded surrogate, and a truncated sequence
        assertRejected(concat(utf8("{\"series\":\"a"), bytes(0xE0, 0x80, 0xAF), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
        assertRejected(concat(utf8("{\"series\":\"a"), bytes(0xED, 0xA0, 0x80), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
        assertRejected(concat(utf8("{\"series\":\"a"), bytes(0xE2, 0x82), utf8("\",\"time\":1,\"value\":1}")))
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
    }

    @Test
    void rejectsUtf16AndUtf32WhichJacksonWouldOtherwiseDetectAndAccept() {
        String json = "{\"series\":\"s\",\"time\":1,\"value\":1}";
        for (String charset : new String[] {"UTF-16BE", "UTF-16LE", "UTF-16", "UTF-32BE", "UTF-32LE"}) {
            assertRejected(json.getBytes(java.nio.charset.Charset.forName(charset)))
                    .as(charset)
                    .hasMessageStartingWith("payload is not valid UTF-8 JSON: starts with");
        }
    }

    @Test
    void rejectsTruncatedJson() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"val")
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: Unexpected end-of-input");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1")
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: Unexpected end-of-input");
        assertRejected("{\"series\":\"s").hasMessageStartingWith("payload is not valid UTF-8 JSON: ");
    }

    @Test
    void rejectsInvalidJsonSyntaxNamingThePosition() {
        assertRejected("{\"series\":'s',\"time\":1,\"value\":1}")
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: Unexpected character")
                .hasMessageEndingWith("(line 1, column 11)");
    }

    @Test
    void rejectsAJsonArrayInsteadOfAnObject() {
        assertRejected("[{\"series\":\"s\",\"time\":1,\"value\":1}]").hasMessage("not a JSON object, was an array");
        assertRejected("42").hasMessage("not a JSON object, was a number");
        assertRejected("\"cpu\"").hasMessage("not a JSON object, was a string");
    }

    @Test
    void rejectsTrailingContent() {
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1} garbage")
                .hasMessageStartingWith("trailing content after the JSON object");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1}}")
                .hasMessageStartingWith("trailing content after the JSON object");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1}{\"series\":\"s\",\"time\":2,\"value\":2}")
                .hasMessageStartingWith("trailing content after the JSON object");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1},")
                .hasMessageStartingWith("trailing content after the JSON object");
    }

    @Test
    void quotesAtMost64CharactersOfInput() {
        String longTime = "x".repeat(5000);
        assertRejected("{\"series\":\"s\",\"time\":\"" + longTime + "\",\"value\":1}")
                .hasMessage("\"time\" must be epoch milliseconds or an ISO-8601 instant, was \""
                        + "x".repeat(64) + "...\"");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"" + longTime + "\":1}}")
                .hasMessage("tag \"" + "x".repeat(64) + "...\" must be a string, was a number");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":" + longTime + "}")
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: Unrecognized token 'xxx")
                .hasMessageNotContaining("x".repeat(65));
        assertRejected("{\"series\":\"s\",\"time\":\"a\\nb\\\"c\",\"value\":1}")
                .hasMessageEndingWith("was \"a\\u000ab\\\"c\"");
    }

    @Test
    void rejectsAnEscapedUnpairedSurrogate() {
        assertRejected("{\"series\":\"ab\\ud800\",\"time\":1,\"value\":1}")
                .hasMessage("\"series\" \"ab\\ud800\" has an unpaired surrogate at index 2");
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"k\":\"\\ude00\\ud83d\"}}")
                .hasMessage("tag \"k\" has an unpaired surrogate at index 0 of its value");
        // Jackson itself rejects them in field names, so in tag names
        assertRejected("{\"series\":\"s\",\"time\":1,\"value\":1,\"tags\":{\"\\ud800\":\"v\"}}")
                .hasMessageStartingWith("payload is not valid UTF-8 JSON: ")
                .hasMessageContaining("surrogate");
        assertThatThrownBy(() -> codec.withDefaultSeries("x\udc00"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultSeries \"x\\udc00\" has an unpaired surrogate at index 1");
    }

    @Test
    void rejectsANullRecordAsAProgrammingError() {
        assertThatThrownBy(() -> codec.decode(null)).isInstanceOf(NullPointerException.class);
    }

    // ---------------------------------------------------------------------------------- encoding

    @Test
    void encodesTheDesignFormat() {
        Point point = new Point("cpu.load", T, 0.42, Map.of("host", "a"));

        assertThat(new String(codec.value(point), StandardCharsets.UTF_8))
                .isEqualTo("{\"series\":\"cpu.load\",\"time\":1732822000000,\"value\":0.42,\"tags\":{\"host\":\"a\"}}");
        assertThat(new String(codec.value(Point.of("cpu.load", -5, -1e300)), StandardCharsets.UTF_8))
                .isEqualTo("{\"series\":\"cpu.load\",\"time\":-5,\"value\":-1.0E300}");
        assertThat(codec.key(point)).isEqualTo(utf8("cpu.load"));
    }

    @Test
    void escapesStringsAsJsonRequires() {
        Point point = new Point("q\"b\\s/\u0000\u001f\t\u007f\u2028é😀", 0, 1, Map.of("k\n", "\r"));

        String json = new String(codec.value(point), StandardCharsets.UTF_8);

        assertThat(json).isEqualTo("{\"series\":\"q\\\"b\\\\s/\\u0000\\u001f\\t\u007f\u2028é😀\","
                + "\"time\":0,\"value\":1.0,\"tags\":{\"k\\n\":\"\\r\"}}");
        assertThat(codec.decode(record(null, json))).isEqualTo(point);
    }

    @Test
    void refusesToEncodeAnUnpairedSurrogate() {
        assertThatThrownBy(() -> codec.value(Point.of("ab\ud800", 1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("can't encode point of series \"ab\\ud800\": series has an unpaired surrogate"
                        + " at index 2 (not encodable in UTF-8)");
        assertThatThrownBy(() -> codec.value(new Point("s", 1, 1, Map.of("\ude00", "v"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a tag name has an unpaired surrogate at index 0");
        assertThatThrownBy(() -> codec.value(new Point("s", 1, 1, Map.of("k", "😀\ud83d"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("a tag value has an unpaired surrogate at index 2");
    }

    @Test
    void refusesToEncodeANonFiniteValue() {
        assertThatThrownBy(() -> codec.value(Point.of("s", 1, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
        assertThatThrownBy(() -> codec.value(Point.of("s", 1, Double.NEGATIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite");
    }

    @Test
    void roundTripsRandomPointsExactly() {
        Random random = new Random(20241128L);
        double[] special = {0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE, Double.MIN_NORMAL,
            Double.MAX_VALUE, -Double.MAX_VALUE, 1e-300, -1e300, 0.1, 1.0 / 3, 1e21, 1e-7, 9007199254740993.0,
            Math.PI, -Math.E, 4.35, 2.0E-3, 123456789.0};
        long[] times = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, T, -T, Integer.MAX_VALUE + 1L};
        PointJsonCodec withDefault = codec.withDefaultSeries("other");

        for (int i = 0; i < 5000; i++) {
            String series = randomText(random, 1 + random.nextInt(24));
            long time = random.nextInt(4) == 0 ? times[random.nextInt(times.length)] : random.nextLong();
            double value;
            switch (random.nextInt(4)) {
                case 0:
                    value = special[random.nextInt(special.length)];
                    break;
                case 1:
                    value = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 20);
                    break;
                default:
                    do {
                        value = Double.longBitsToDouble(random.nextLong());
                    } while (!Double.isFinite(value));
            }
            Map<String, String> tags = new HashMap<>();
            int tagCount = random.nextInt(3) == 0 ? 0 : random.nextInt(12);
            for (int t = 0; t < tagCount; t++) {
                tags.put(randomText(random, random.nextInt(10)), randomText(random, random.nextInt(16)));
            }
            Point point = new Point(series, time, value, tags);

            byte[] key = codec.key(point);
            Point decoded = withDefault.decode(new ConsumerRecord<>("t", 0, i, key, codec.value(point)));

            assertThat(decoded).as("point %d: %s", i, point).isEqualTo(point);
            assertThat(Double.doubleToRawLongBits(decoded.value())).isEqualTo(Double.doubleToRawLongBits(value));
        }
    }

    // ----------------------------------------------------------------------------------- config

    @Test
    void validatesItsConfigurationAndIsImmutable() {
        assertThatThrownBy(() -> codec.withDefaultSeries(" \t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultSeries must be non-blank, was \" \\u0009\"");
        assertThatThrownBy(() -> codec.withDefaultSeries(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultSeries must be non-blank, was \"\"");
        assertThatThrownBy(() -> codec.withDefaultSeries(null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("defaultSeries must be non-blank, was null");
        assertThatThrownBy(() -> codec.withMaxPayloadBytes(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maxPayloadBytes must be > 0, was 0");

        PointJsonCodec configured = codec.withDefaultSeries("d").withMaxPayloadBytes(100);

        assertThat(configured.defaultSeries()).contains("d");
        assertThat(configured.maxPayloadBytes()).isEqualTo(100);
        assertThat(codec.defaultSeries()).isEmpty();
        assertThat(codec.maxPayloadBytes()).isEqualTo(PointJsonCodec.DEFAULT_MAX_PAYLOAD_BYTES).isEqualTo(1_048_576);
        assertThat(configured.withMaxPayloadBytes(5).defaultSeries()).contains("d");
    }

    // ---------------------------------------------------------------------------------- helpers

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(String json) {
        return assertRejected(utf8(json));
    }

    private AbstractThrowableAssert<?, ? extends Throwable> assertRejected(byte[] payload) {
        return assertThatThrownBy(() -> codec.decode(new ConsumerRecord<>("t", 0, 0L, null, payload)))
                .isInstanceOf(InvalidRecordException.class);
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String json) {
        return new ConsumerRecord<>("t", 0, 0L, key == null ? null : utf8(key), utf8(json));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] result = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = (byte) values[i];
        }
        return result;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** Text mixing ASCII, JSON specials, control characters, accents, CJK, emoji, other planes. */
    private static String randomText(Random random, int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            switch (random.nextInt(10)) {
                case 0:
                    text.append("\"\\/\b\f\n\r\t".charAt(random.nextInt(8)));
                    break;
                case 1:
                    text.append((char) random.nextInt(0x20));
                    break;
                case 2:
                    text.append((char) (0xA0 + random.nextInt(0x700)));
                    break;
                case 3:
                    text.append((char) (0x4E00 + random.nextInt(0x5000)));
                    break;
                case 4:
                    text.appendCodePoint(0x1F300 + random.nextInt(0x300));
                    break;
                case 5:
                    text.appendCodePoint(0x10000 + random.nextInt(0x100000)); // any supplementary
                    break;
                case 6:
                    text.append((char) (0xE000 + random.nextInt(0x2000)));
                    break;
                default:
                    text.append((char) (0x20 + random.nextInt(0x5F)));
            }
        }
        return text.toString();
    }
}
