package io.datacascade.kafka;

import com.fasterxml.jackson.core.ErrorReportConfiguration;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import io.datacascade.core.Point;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads and writes {@link Point}s as JSON Kafka record values.
 *
 * <h2>Wire format</h2>
 *
 * <p>The value of a record is one JSON object, UTF-8 encoded:
 *
 * <pre>{@code {"series":"cpu.load","time":1732822000000,"value":0.42,"tags":{"host":"a"}}}</pre>
 *
 * <ul>
 *   <li>{@code "series"}: a non-empty JSON string. It may be left out: the series is then the
 *       {@linkplain #withDefaultSeries(String) configured default series} or, when none is
 *       configured, the record's key read as (strict) UTF-8, if it is not null or empty. This
 *       accepts the original stack's form
 *       {@code {"time":1732822000000,"value":0.42}}.
 *   <li>{@code "time"} (alias {@code "timestamp"}; giving both is an error): the event time, either
 *       epoch milliseconds as a JSON number without a fractional part ({@code 1732822000000}, also
 *       {@code 1.732822E12}), or an ISO-8601 instant as a JSON string with a zone offset:
 *       {@code "2024-11-28T19:26:40Z"}, {@code "2024-11-28T20:26:40+01:00"},
 *       {@code "2024-11-28T19:26:40.123Z"}. Digits finer than a millisecond are truncated toward
 *       the past. A local time without offset is rejected: it names no instant.
 *   <li>{@code "value"}: a finite JSON number. Strings (even {@code "0.42"}), booleans and
 *       {@code null} are rejected, and so are {@code NaN}, {@code Infinity}, {@code -Infinity}
 *       and numbers too large for a double ({@code 1e400}): sinks and alerts can do nothing
 *       sensible with them.
 *   <li>{@code "tags"} (optional): a JSON object whose values are all strings; a number or
 *       boolean tag value is rejected rather than silently turned into text, a repeated tag name
 *       is rejected, and {@code null} means no tags.
 *   <li>Any other top-level field is ignored, so producers can add fields before consumers know
 *       them. A known field given twice is rejected.
 * </ul>
 *
 * <p>The whole value must be that one object: nothing but whitespace may follow it. It must be
 * UTF-8 (a UTF-8 byte order mark is tolerated); invalid, overlong or surrogate byte sequences, and
 * UTF-16 or UTF-32 text, are rejected. Strings must be valid Unicode: an escaped unpaired
 * surrogate (which UTF-8 can't carry, and which other JSON readers replace or reject) is rejected
 * in the series and in tags. A value longer than {@link #maxPayloadBytes()} is rejected
 * before it is parsed. A null value (a tombstone) is rejected.
 *
 * <h2>Errors</h2>
 *
 * <p>{@link #decode} reports a bad record with an {@link InvalidRecordException} whose message is
 * short, names the field and what was wrong with it, and quotes at most 64 characters of input.
 * The Kafka source uses it as the dead letter's reason.
 *
 * <h2>Threads and cost</h2>
 *
 * <p>A codec is immutable and thread-safe; configure it with the {@code with...} methods, which
 * return a new codec. Decoding runs Jackson's streaming parser over the record's bytes (no data
 * binding, no copies of the payload); encoding writes the JSON straight into a byte array of the
 * exact size.
 */
public final class PointJsonCodec implements KafkaDecoder<Point>, KafkaEncoder<Point> {

    /** The default {@linkplain #maxPayloadBytes() payload limit}: 1 MiB. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

    /** How many characters of input an error message quotes at most. */
    private static final int MAX_QUOTED_CHARS = 64;

    /** How much of a Jackson error message (which quotes at most 64 characters) is kept. */
    private static final int MAX_PARSER_MESSAGE_CHARS = 256;

    /** Tags up to this many are deduplicated by a linear scan, more through a hash map. */
    private static final int SMALL_TAGS = 8;

    /**
     * Shared by all codecs: a JsonFactory is thread-safe once built, and sharing it shares its
     * field-name symbol table, so known field and tag names are not allocated per record.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            // so that NaN and Infinity parse and can be rejected with a precise reason
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
            .errorReportConfiguration(ErrorReportConfiguration.builder()
                    .maxErrorTokenLength(MAX_QUOTED_CHARS)
                    .maxRawContentLength(MAX_QUOTED_CHARS)
                    .build())
            .build();

    private static final int SERIES = 1;
    private static final int TIME = 2;
    private static final int VALUE = 4;
    private static final int TAGS = 8;

    private static final byte[] SERIES_PREFIX = ascii("{\"series\":");
    private static final byte[] TIME_PREFIX = ascii(",\"time\":");
    private static final byte[] VALUE_PREFIX = ascii(",\"value\":");
    private static final byte[] TAGS_PREFIX = ascii(",\"tags\":{");
    private static final byte[] HEX = ascii("0123456789abcdef");

    private static final PointJsonCodec DEFAULT =
            new PointJsonCodec(null, DEFAULT_MAX_PAYLOAD_BYTES);

    private final String defaultSeries;
    private final int maxPayloadBytes;

    private PointJsonCodec(String defaultSeries, int maxPayloadBytes) {
        this.defaultSeries = defaultSeries;
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /**
     * A codec without a default series (a record without {@code "series"} takes its series from
     * its key) and with a payload limit of {@link #DEFAULT_MAX_PAYLOAD_BYTES}.
     *
     * @return the default codec
     */
    public static PointJsonCodec create() {
        return DEFAULT;
    }

    /**
     * This codec, but records without a {@code "series"} field get {@code series} (the record key
     * is then not consulted).
     *
     * @param series the series of records that name none; not null, empty or blank
     * @return a new codec
     * @throws IllegalArgumentException if {@code series} is null, empty or blank, or has an
     *                                  unpaired surrogate
     */
    public PointJsonCodec withDefaultSeries(String series) {
        if (series == null || series.isBlank()) {
            throw new IllegalArgumentException("defaultSeries must be non-blank, was "
                    + (series == null ? "null" : quote(series)));
        }
        int bad = unpairedSurrogate(series);
        if (bad >= 0) {
            throw new IllegalArgumentException("defaultSeries " + quote(series)
                    + " has an unpaired surrogate at index " + bad);
        }
        return new PointJsonCodec(series, maxPayloadBytes);
    }

    /**
     * This codec, but record values longer than {@code maxBytes} are rejected before they are
     * parsed, which bounds the work and memory a single bad record can cost.
     *
     * @param maxBytes the largest accepted value size in bytes; positive
     * @return a new codec
     * @throws IllegalArgumentException if {@code maxBytes} is not positive
     */
    public PointJsonCodec withMaxPayloadBytes(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be > 0, was " + maxBytes);
        }
        return new PointJsonCodec(defaultSeries, maxBytes);
    }

    /**
     * The series given to records without a {@code "series"} field, if configured.
     *
     * @return the default series, or empty if the record key is used instead
     */
    public Optional<String> defaultSeries() {
        return Optional.ofNullable(defaultSeries);
    }

    /**
     * The largest record value, in bytes, that {@link #decode} accepts.
     *
     * @return the payload limit; positive
     */
    public int maxPayloadBytes() {
        return maxPayloadBytes;
    }

    // ------------------------------------------------------------------------------------------
    // Decoding

    /**
     * Reads one point from a record value in the {@linkplain PointJsonCodec wire format}.
     *
     * <p>The series is, in order of preference: the value's {@code "series"} field, the
     * {@linkplain #withDefaultSeries(String) default series}, the record key decoded as UTF-8
     * (when not null or empty). Rejected, each with a message naming the problem: a null value
     * (tombstone), an empty or whitespace-only value, a value over {@link #maxPayloadBytes()},
     * bytes that are not UTF-8, JSON syntax errors, anything but a JSON object, content after the
     * object, a missing {@code "time"} or {@code "value"}, a series that can't be found, and any
     * known field of the wrong type or out of range (see the class description).
     *
     * @param record a consumed record; its value is parsed, its key used only as described
     * @return the point; never null
     * @throws InvalidRecordException if the record is not a valid point
     */
    @Override
    public Point decode(ConsumerRecord<byte[], byte[]> record) {
        Objects.requireNonNull(record, "record");
        byte[] payload = record.value();
        if (payload == null) {
            throw new InvalidRecordException("null payload (tombstone)");
        }
        int length = payload.length;
        if (length == 0) {
            throw new InvalidRecordException("empty payload");
        }
        if (length > maxPayloadBytes) {
            throw new InvalidRecordException("payload of " + length
                    + " bytes exceeds the limit of " + maxPayloadBytes);
        }
        rejectUtf16And32(payload);
        try (JsonParser parser = FACTORY.createParser(payload)) {
            return parse(parser, record);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException("payload is not valid UTF-8 JSON: " + describe(e), e);
        } catch (IOException e) {
            // not expected from a byte array, but keep the decoder's contract
            throw new InvalidRecordException("payload could not be read: " + e, e);
        }
    }

    /**
     * Jackson guesses the encoding of a byte array and would happily read UTF-16 and UTF-32 (with
     * or without byte order mark); the wire format is UTF-8 only. All those encodings put a zero
     * byte into the first two bytes of any JSON text, or start with 0xFE / 0xFF, which can't
     * start valid UTF-8 JSON either.
     */
    private static void rejectUtf16And32(byte[] payload) {
        int b0 = payload[0] & 0xFF;
        boolean bad = b0 == 0 || b0 >= 0xFE || (payload.length > 1 && payload[1] == 0);
        if (bad) {
            StringBuilder reason =
                    new StringBuilder("payload is not valid UTF-8 JSON: starts with");
            for (int i = 0; i < Math.min(4, payload.length); i++) {
                reason.append(" 0x").append(Character.forDigit((payload[i] >> 4) & 0xF, 16))
                        .append(Character.forDigit(payload[i] & 0xF, 16));
            }
            reason.append(" (UTF-16, UTF-32 or binary?)");
            throw new InvalidRecordException(reason.toString());
        }
    }

    private Point parse(JsonParser p, ConsumerRecord<byte[], byte[]> record) throws IOException {
        JsonToken token = p.nextToken();
        if (token == null) {
            throw new InvalidRecordException("empty payload (only whitespace)");
        }
        if (token != JsonToken.START_OBJECT) {
            throw new InvalidRecordException("not a JSON object, was " + describe(token));
        }
        String series = null;
        long time = 0;
        double value = 0;
        Map<String, String> tags = Map.of();
        int seen = 0;
        String timeName = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            token = p.nextToken();
            switch (name) {
                case "series":
                    seen = markSeen(seen, SERIES, name);
                    series = readSeries(p, token);
                    break;
                case "time":
                case "timestamp":
                    if ((seen & TIME) != 0) {
                        throw new InvalidRecordException(name.equals(timeName)
                                ? "duplicate field \"" + name + "\""
                                : "both \"time\" and \"timestamp\" present (they are aliases)");
                    }
                    seen |= TIME;
                    timeName = name;
                    time = readTime(p, token, name);
                    break;
                case "value":
                    seen = markSeen(seen, VALUE, name);
                    value = readValue(p, token);
                    break;
                case "tags":
                    seen = markSeen(seen, TAGS, name);
                    tags = readTags(p, token);
                    break;
                default:
                    p.skipChildren(); // unknown field: ignored, for forward compatibility
            }
        }
        // in an object Jackson yields either FIELD_NAME or END_OBJECT, or throws
        rejectTrailingContent(p);

        if (series == null) {
            series = defaultSeries != null ? defaultSeries : seriesFromKey(record.key());
        }
        if (series == null || (seen & (TIME | VALUE)) != (TIME | VALUE)) {
            throw missingFields(series == null, (seen & TIME) == 0, (seen & VALUE) == 0);
        }
        return new Point(series, time, value, tags);
    }

    private static int markSeen(int seen, int field, String name) {
        if ((seen & field) != 0) {
            throw new InvalidRecordException("duplicate field \"" + name + "\"");
        }
        return seen | field;
    }

    private static void rejectTrailingContent(JsonParser p) {
        JsonToken next;
        try {
            next = p.nextToken();
        } catch (IOException e) {
            String where = e instanceof JsonProcessingException jpe ? location(jpe) : "";
            throw new InvalidRecordException("trailing content after the JSON object" + where, e);
        }
        if (next != null) {
            throw new InvalidRecordException("trailing content after the JSON object: "
                    + describe(next));
        }
    }

    private static String readSeries(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidRecordException("\"series\" must be a string, was " + describe(token));
        }
        String series = p.getText();
        if (series.isEmpty()) {
            throw new InvalidRecordException("\"series\" must not be empty");
        }
        int bad = unpairedSurrogate(series);
        if (bad >= 0) {
            throw new InvalidRecordException("\"series\" " + quote(series)
                    + " has an unpaired surrogate at index " + bad);
        }
        return series;
    }

    private static long readTime(JsonParser p, JsonToken token, String name) throws IOException {
        switch (token) {
            case VALUE_NUMBER_INT:
                if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                    throw badTime(name, truncate(p.getText()) + " (out of range)");
                }
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                // 1.732822E12 is fine, 1.5 is not: exact through BigDecimal, only on this rare path
                if (!p.isNaN()) {
                    try {
                        BigDecimal exact = p.getDecimalValue();
                        return exact.longValueExact();
                    } catch (ArithmeticException | NumberFormatException e) {
                        // fractional or out of range: reported below
                    }
                }
                throw badTime(name, truncate(p.getText()));
            case VALUE_STRING:
                String text = p.getText();
                try {
                    // ISO_INSTANT: offset required (Z or +01:00), fractional seconds optional
                    return Instant.parse(text).toEpochMilli();
                } catch (DateTimeException | ArithmeticException e) {
                    throw badTime(name, quote(text));
                }
            default:
                throw badTime(name, describe(token));
        }
    }

    private static InvalidRecordException badTime(String name, String was) {
        return new InvalidRecordException("\"" + name
                + "\" must be epoch milliseconds or an ISO-8601 instant, was " + was);
    }

    private static double readValue(JsonParser p, JsonToken token) throws IOException {
        if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
            throw new InvalidRecordException("\"value\" must be a number, was " + describe(token));
        }
        double value = p.getDoubleValue();
        if (!Double.isFinite(value)) {
            // NaN, Infinity, -Infinity, or a number beyond the double range such as 1e400
            throw new InvalidRecordException("\"value\" must be a finite number, was "
                    + truncate(p.getText()));
        }
        return value;
    }

    private static Map<String, String> readTags(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NULL) {
            return Map.of();
        }
        if (token != JsonToken.START_OBJECT) {
            throw new InvalidRecordException("\"tags\" must be an object of string values, was "
                    + describe(token));
        }
        String[] small = null; // key, value, key, value...
        int count = 0;
        HashMap<String, String> large = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            JsonToken valueToken = p.nextToken();
            if (valueToken != JsonToken.VALUE_STRING) {
                throw new InvalidRecordException("tag " + quote(key) + " must be a string, was "
                        + describe(valueToken));
            }
            String tagValue = p.getText();
            int bad = unpairedSurrogate(tagValue);
            if (bad >= 0) {
                throw new InvalidRecordException("tag " + quote(key)
                        + " has an unpaired surrogate at index " + bad + " of its value");
            }
            if (large != null) {
                if (large.putIfAbsent(key, tagValue) != null) {
                    throw duplicateTag(key);
                }
                continue;
            }
            for (int i = 0; i < 2 * count; i += 2) {
                if (small[i].equals(key)) {
                    throw duplicateTag(key);
                }
            }
            if (count == SMALL_TAGS) {
                large = new HashMap<>(4 * SMALL_TAGS);
                for (int i = 0; i < 2 * count; i += 2) {
                    large.put(small[i], small[i + 1]);
                }
                large.put(key, tagValue);
                continue;
            }
            if (small == null) {
                small = new String[2 * SMALL_TAGS];
            }
            small[2 * count] = key;
            small[2 * count + 1] = tagValue;
            count++;
        }
        if (large != null) {
            return large; // Point makes an unmodifiable copy
        }
        // Map.of results are what Point's Map.copyOf returns as is: no second copy
        switch (count) {
            case 0:
                return Map.of();
            case 1:
                return Map.of(small[0], small[1]);
            case 2:
                return Map.of(small[0], small[1], small[2], small[3]);
            case 3:
                return Map.of(small[0], small[1], small[2], small[3], small[4], small[5]);
            default:
                HashMap<String, String> map = new HashMap<>(4 * count);
                for (int i = 0; i < 2 * count; i += 2) {
                    map.put(small[i], small[i + 1]);
                }
                return map;
        }
    }

    /**
     * The index of the first surrogate in {@code s} that is not part of a pair, or -1. Jackson
     * rejects such escapes in field names but lets them through in string values.
     */
    private static int unpairedSurrogate(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n
                        && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            }
        }
        return -1;
    }

    private static InvalidRecordException duplicateTag(String key) {
        return new InvalidRecordException("duplicate tag " + quote(key));
    }

    /** The key as series, or null if there is none; strict UTF-8. */
    private static String seriesFromKey(byte[] key) {
        if (key == null || key.length == 0) {
            return null;
        }
        boolean ascii = true;
        for (byte b : key) {
            if (b < 0) {
                ascii = false;
                break;
            }
        }
        if (ascii) {
            return new String(key, StandardCharsets.US_ASCII);
        }
        try {
            // new String(bytes, UTF_8) would silently replace bad bytes by U+FFFD
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(key))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidRecordException("the record key, used as series because the value "
                    + "has no \"series\" and no default series is configured, is not valid UTF-8");
        }
    }

    private InvalidRecordException missingFields(boolean series, boolean time, boolean value) {
        StringBuilder message = new StringBuilder("missing field");
        int missing = (series ? 1 : 0) + (time ? 1 : 0) + (value ? 1 : 0);
        if (missing > 1) {
            message.append('s');
        }
        String separator = " ";
        if (series) {
            message.append(separator).append("\"series\"");
            separator = ", ";
        }
        if (time) {
            message.append(separator).append("\"time\"");
            separator = ", ";
        }
        if (value) {
            message.append(separator).append("\"value\"");
        }
        if (series) {
            message.append(" (no default series is configured and the record has no key)");
        }
        return new InvalidRecordException(message.toString());
    }

    // ------------------------------------------------------------------------------------------
    // Encoding

    /**
     * The record key for a point: its series as UTF-8 bytes, so that all points of a series go
     * to the same partition and keep their order.
     *
     * @param point the point to send; not null
     * @return the UTF-8 bytes of {@code point.series()}
     */
    @Override
    public byte[] key(Point point) {
        return point.series().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The record value for a point, in the {@linkplain PointJsonCodec wire format}:
     * {@code {"series":…,"time":<epoch millis>,"value":…,"tags":{…}}}, with {@code "tags"} only
     * when there are tags. Strings are escaped as JSON requires. {@link #decode} reads it back to
     * an equal point, down to the bits of the value.
     *
     * @param point the point to send; not null
     * @return the UTF-8 JSON bytes
     * @throws IllegalArgumentException if the value is NaN or infinite (JSON has no such numbers),
     *                                  or the series or a tag has an unpaired surrogate (UTF-8 has
     *                                  no such characters): {@link #decode} would reject the record
     */
    @Override
    public byte[] value(Point point) {
        double value = point.value();
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("can't encode point of series "
                    + quote(point.series()) + ": value must be a finite number, was " + value);
        }
        String series = point.series();
        long time = point.timestamp();
        Map<String, String> tags = point.tags();
        String number = Double.toString(value); // shortest-ish form that parses back exactly

        int size = SERIES_PREFIX.length + jsonStringLength(series, point, "series")
                + TIME_PREFIX.length + decimalLength(time)
                + VALUE_PREFIX.length + number.length() + 1;
        if (!tags.isEmpty()) {
            size += TAGS_PREFIX.length + tags.size() /* ':' each */ + tags.size() /* ',' or '}' */;
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                size += jsonStringLength(tag.getKey(), point, "a tag name")
                        + jsonStringLength(tag.getValue(), point, "a tag value");
            }
        }

        byte[] out = new byte[size];
        int pos = put(out, 0, SERIES_PREFIX);
        pos = writeJsonString(out, pos, series);
        pos = put(out, pos, TIME_PREFIX);
        pos = writeDecimal(out, pos, time);
        pos = put(out, pos, VALUE_PREFIX);
        for (int i = 0; i < number.length(); i++) {
            out[pos++] = (byte) number.charAt(i);
        }
        if (!tags.isEmpty()) {
            pos = put(out, pos, TAGS_PREFIX);
            boolean first = true;
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                if (!first) {
                    out[pos++] = ',';
                }
                first = false;
                pos = writeJsonString(out, pos, tag.getKey());
                out[pos++] = ':';
                pos = writeJsonString(out, pos, tag.getValue());
            }
            out[pos++] = '}';
        }
        out[pos++] = '}';
        if (pos != size) {
            throw new IllegalStateException("encoded " + pos + " bytes, computed " + size);
        }
        return out;
    }

    private static int put(byte[] out, int pos, byte[] bytes) {
        System.arraycopy(bytes, 0, out, pos, bytes.length);
        return pos + bytes.length;
    }

    private static int decimalLength(long v) {
        int length = v < 0 ? 2 : 1; // sign, and at least one digit
        long rest = v < 0 ? v : -v;  // negative, so Long.MIN_VALUE works
        while (rest <= -10) {
            rest /= 10;
            length++;
        }
        return length;
    }

    private static int writeDecimal(byte[] out, int pos, long v) {
        int end = pos + decimalLength(v);
        int i = end;
        long rest = v < 0 ? v : -v;
        do {
            out[--i] = (byte) ('0' - (rest % 10));
            rest /= 10;
        } while (rest != 0);
        if (v < 0) {
            out[--i] = '-';
        }
        return end;
    }

    /**
     * Bytes {@link #writeJsonString} writes for {@code s}, quotes included.
     *
     * @throws IllegalArgumentException if {@code s} has an unpaired surrogate
     */
    private static int jsonStringLength(String s, Point point, String what) {
        int length = 2;
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                length += c == '"' || c == '\\' ? 2 : c >= 0x20 ? 1 : shortEscape(c) != 0 ? 2 : 6;
            } else if (c < 0x800) {
                length += 2;
            } else if (!Character.isSurrogate(c)) {
                length += 3;
            } else if (Character.isHighSurrogate(c) && i + 1 < n
                    && Character.isLowSurrogate(s.charAt(i + 1))) {
                length += 4;
                i++;
            } else {
                throw new IllegalArgumentException("can't encode point of series "
                        + quote(point.series()) + ": " + what + " has an unpaired surrogate at index "
                        + i + " (not encodable in UTF-8)");
            }
        }
        return length;
    }

    /** Writes {@code s}, checked by {@link #jsonStringLength}, as a quoted JSON string. */
    private static int writeJsonString(byte[] out, int pos, String s) {
        out[pos++] = '"';
        int n = s.length();
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c == '"' || c == '\\') {
                    out[pos++] = '\\';
                    out[pos++] = (byte) c;
                } else if (c >= 0x20) {
                    out[pos++] = (byte) c;
                } else {
                    char escape = shortEscape(c);
                    if (escape != 0) {
                        out[pos++] = '\\';
                        out[pos++] = (byte) escape;
                    } else {
                        pos = writeUnicodeEscape(out, pos, c);
                    }
                }
            } else if (c < 0x800) {
                out[pos++] = (byte) (0xC0 | (c >> 6));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (!Character.isSurrogate(c)) {
                out[pos++] = (byte) (0xE0 | (c >> 12));
                out[pos++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (c & 0x3F));
            } else {
                // a surrogate pair: jsonStringLength has rejected unpaired ones
                int cp = Character.toCodePoint(c, s.charAt(++i));
                out[pos++] = (byte) (0xF0 | (cp >> 18));
                out[pos++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                out[pos++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                out[pos++] = (byte) (0x80 | (cp & 0x3F));
            }
        }
        out[pos++] = '"';
        return pos;
    }

    private static char shortEscape(char c) {
        switch (c) {
            case '\b':
                return 'b';
            case '\f':
                return 'f';
            case '\n':
                return 'n';
            case '\r':
                return 'r';
            case '\t':
                return 't';
            default:
                return 0;
        }
    }

    private static int writeUnicodeEscape(byte[] out, int pos, char c) {
        out[pos++] = '\\';
        out[pos++] = 'u';
        out[pos++] = HEX[(c >> 12) & 0xF];
        out[pos++] = HEX[(c >> 8) & 0xF];
        out[pos++] = HEX[(c >> 4) & 0xF];
        out[pos++] = HEX[c & 0xF];
        return pos;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    // ------------------------------------------------------------------------------------------
    // Messages

    private static String describe(JsonToken token) {
        switch (token) {
            case VALUE_STRING:
                return "a string";
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return "a number";
            case VALUE_TRUE:
            case VALUE_FALSE:
                return "a boolean";
            case VALUE_NULL:
                return "null";
            case START_OBJECT:
                return "an object";
            case START_ARRAY:
                return "an array";
            default:
                return token.toString();
        }
    }

    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null) {
            message = e.getClass().getSimpleName();
        } else if (message.length() > MAX_PARSER_MESSAGE_CHARS) {
            message = message.substring(0, MAX_PARSER_MESSAGE_CHARS) + "...";
        }
        return message + location(e);
    }

    private static String location(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        if (location == null || location.getColumnNr() <= 0) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** {@code s} in double quotes, shortened, control characters and unpaired surrogates escaped. */
    private static String quote(String s) {
        String cut = truncate(s);
        StringBuilder quoted = new StringBuilder(cut.length() + 2).append('"');
        for (int i = 0; i < cut.length(); i++) {
            char c = cut.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7F) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else if (Character.isHighSurrogate(c) && i + 1 < cut.length()
                    && Character.isLowSurrogate(cut.charAt(i + 1))) {
                quoted.append(c).append(cut.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                quoted.append(String.format("\\u%04x", (int) c)); // unpaired: keep the text valid
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /** At most {@link #MAX_QUOTED_CHARS} characters of {@code s}, then "..." if cut. */
    private static String truncate(String s) {
        if (s.length() <= MAX_QUOTED_CHARS) {
            return s;
        }
        int end = MAX_QUOTED_CHARS;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // don't split a surrogate pair
        }
        return s.substring(0, end) + "...";
    }

    /** The current configuration, for logs. */
    @Override
    public String toString() {
        return "PointJsonCodec[defaultSeries="
                + (defaultSeries == null ? "none" : quote(defaultSeries))
                + ", maxPayloadBytes=" + maxPayloadBytes + "]";
    }

    /**
     * Why {@link #decode} rejected a record: the message names the field and what was wrong with
     * it, quoting at most 64 characters of input, and becomes the dead letter's reason.
     *
     * <p>It carries no stack trace: it describes bad data, not a code path, and a flood of bad
     * records must stay cheap. A JSON syntax error keeps Jackson's exception as the cause.
     */
    public static final class InvalidRecordException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        /**
         * Creates the exception.
         *
         * @param message what is wrong with the record
         */
        public InvalidRecordException(String message) {
            super(message);
        }

        /**
         * Creates the exception with the error that revealed the problem.
         *
         * @param message what is wrong with the record
         * @param cause   the parser's error, for example
         */
        public InvalidRecordException(String message, Throwable cause) {
            super(message, cause);
        }

        /** No stack trace: see the class description. */
        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }
}
