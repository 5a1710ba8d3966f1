package io.datacascade.websocket.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.datacascade.core.Alert;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard protocol's JSON: frames are written straight into a {@link StringBuilder} (numbers
 * by hand, strings escaped by Jackson), client messages are read with Jackson's streaming parser
 * into plain maps and lists.
 */
final class Json {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
            .build();

    private Json() {
    }

    static StringBuilder string(StringBuilder out, String s) {
        out.append('"');
        JsonStringEncoder.getInstance().quoteAsString(s, out);
        return out.append('"');
    }

    /** A finite number in its shortest form; NaN and infinities (never stored) as null. */
    static StringBuilder number(StringBuilder out, double v) {
        if (!Double.isFinite(v)) {
            return out.append("null");
        }
        long whole = (long) v;
        if (whole == v && Math.abs(v) < 1e15) {
            return out.append(whole);
        }
        return out.append(v);
    }

    /** {@code "t":[…],"v":[…]} and the {@code downsampled} note when the columns were reduced. */
    static StringBuilder columns(StringBuilder out, MinMax.Columns c) {
        out.append("\"t\":[");
        long[] t = c.t();
        for (int i = 0; i < c.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(t[i]);
        }
        out.append("],\"v\":[");
        double[] v = c.v();
        for (int i = 0; i < c.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            number(out, v[i]);
        }
        out.append(']');
        if (c.downsampled()) {
            out.append(",\"downsampled\":{\"method\":\"minmax\",\"points\":").append(c.points()).append('}');
        }
        return out;
    }

    /** One series' entry in a {@code points} frame. */
    static String fragment(String series, MinMax.Columns c) {
        StringBuilder out = new StringBuilder(32 + c.size() * 24);
        string(out.append("{\"series\":"), series).append(',');
        return columns(out, c).append('}').toString();
    }

    /** A {@code points} message of already encoded {@link #fragment} entries. */
    static String points(long seq, Hub.Encoded... parts) {
        int length = 48;
        for (Hub.Encoded e : parts) {
            length += e.json().length() + 1;
        }
        StringBuilder out = new StringBuilder(length).append("{\"type\":\"points\",\"seq\":").append(seq)
                .append(",\"data\":[");
        for (int i = 0; i < parts.length; i++) {
            out.append(i == 0 ? "" : ",").append(parts[i].json());
        }
        return out.append("]}").toString();
    }

    static String history(String series, long from, long to, MinMax.Columns c) {
        StringBuilder out = new StringBuilder(64 + c.size() * 24);
        string(out.append("{\"type\":\"history\",\"series\":"), series)
                .append(",\"from\":").append(from).append(",\"to\":").append(to).append(',');
        return columns(out, c).append('}').toString();
    }

    static String alert(Alert a, boolean replay) {
        StringBuilder out = new StringBuilder(256);
        string(out.append("{\"type\":\"alert\",\"rule\":"), a.rule());
        string(out.append(",\"series\":"), a.series());
        out.append(",\"state\":\"").append(a.state().name()).append('"');
        number(out.append(",\"value\":"), a.value());
        string(out.append(",\"condition\":"), a.condition());
        string(out.append(",\"severity\":"), a.severity());
        labels(out.append(",\"labels\":"), a.labels());
        out.append(",\"eventTime\":").append(a.eventTime()).append(",\"firedAt\":").append(a.firedAt());
        return out.append(",\"replay\":").append(replay).append('}').toString();
    }

    static StringBuilder labels(StringBuilder out, Map<String, String> labels) {
        out.append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!first) {
                out.append(',');
            }
            first = false;
            string(out, e.getKey()).append(':');
            string(out, e.getValue());
        }
        return out.append('}');
    }

    static String error(String code, String message) {
        StringBuilder out = new StringBuilder(96 + message.length());
        string(out.append("{\"type\":\"error\",\"code\":"), code);
        return string(out.append(",\"message\":"), message).append('}').toString();
    }

    static String gap(List<String> series, long from, long to, long dropped, String reason) {
        StringBuilder out = new StringBuilder(96);
        out.append("{\"type\":\"gap\",\"series\":[");
        for (int i = 0; i < series.size(); i++) {
            if (i > 0) {
                out.append(',');
            }
            string(out, series.get(i));
        }
        out.append("],\"from\":").append(from).append(",\"to\":").append(to).append(",\"dropped\":").append(dropped);
        return string(out.append(",\"reason\":"), reason).append('}').toString();
    }

    /**
     * Reads one client message: a JSON object of strings, numbers, booleans, nulls, arrays and
     * objects.
     *
     * @throws IllegalArgumentException naming what is wrong when the text is not such an object
     */
    static Map<String, Object> parseObject(String text) {
        try (JsonParser p = FACTORY.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a message must be a JSON object like {\"type\":\"subscribe\",…}");
            }
            Map<String, Object> value = readObject(p);
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("unexpected text after the JSON object");
            }
            return value;
        } catch (IOException e) {
            throw new IllegalArgumentException("not valid JSON: " + firstLine(e.getMessage()), e);
        }
    }

    private static Map<String, Object> readObject(JsonParser p) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            p.nextToken();
            map.put(name, readValue(p));
        }
        return map;
    }

    private static Object readValue(JsonParser p) throws IOException {
        JsonToken token = p.currentToken();
        switch (token) {
            case START_OBJECT:
                return readObject(p);
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(readValue(p));
                }
                return list;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IllegalArgumentException("unexpected JSON token " + token);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
