package com.example.datacascade.csv;

import io.datacascade.core.Point;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The line format both {@link CsvSource} and {@link CsvSink} speak:
 * {@code time,series,value[,tags]}, tags as {@code k=v;k2=v2}.
 *
 * <p>Text fields (series, tag keys, tag values) are percent-encoded where they would break the
 * format: {@code %} {@code ,} {@code ;} {@code =}, every ASCII control character (line breaks,
 * tabs) and a space at the start or end of the text become {@code %XX} (two hex digits of the
 * ASCII code, for example {@code %2C} for a comma). Reading decodes {@code %XX} for ASCII codes
 * and keeps any other {@code %} as it is; fields are trimmed before decoding. So
 * {@code parse(format(p))} equals {@code p} for every point, and hand-written files need no
 * escaping unless they use those characters.
 *
 * <p>Written time is epoch milliseconds, the value is Java's shortest exact decimal form
 * ({@code NaN} and {@code Infinity} included); read time may also be an ISO-8601 instant
 * (sub-millisecond digits are dropped). One instance parses on one thread: it keeps the last
 * problem for {@link #problem()} instead of throwing, so a garbage file costs no exceptions.
 */
final class CsvFormat {
    /** The header line the sink writes at the top of a new file; the source skips it. */
    static final String HEADER = "time,series,value,tags";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private String problem;

    /**
     * The point on {@code line} (without its line break), or null when the line is not a valid
     * point; {@link #problem()} then says why. Blank lines, comments and headers are the caller's
     * to skip before.
     */
    Point parse(String line) {
        problem = null;
        String[] fields = line.split(",", -1);
        if (fields.length < 3 || fields.length > 4) {
            return fail("expected time,series,value[,tags] but found " + fields.length + " field"
                    + (fields.length == 1 ? "" : "s"));
        }
        String timeText = fields[0].trim();
        long time;
        if (isWholeNumber(timeText)) {
            try {
                time = Long.parseLong(timeText);
            } catch (NumberFormatException e) {
                return fail("time '" + timeText + "' is out of range for epoch milliseconds");
            }
        } else {
            try {
                time = Instant.parse(timeText).toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                return fail("time '" + timeText + "' is neither epoch milliseconds nor an ISO-8601 instant"
                        + " such as 2024-05-01T12:00:00Z");
            }
        }
        String series = decode(fields[1].trim());
        if (series.isEmpty()) {
            return fail("series is empty");
        }
        String valueText = fields[2].trim();
        double value;
        try {
            value = Double.parseDouble(valueText);
        } catch (NumberFormatException e) {
            return fail("value '" + valueText + "' is not a number");
        }
        Map<String, String> tags = Map.of();
        if (fields.length == 4 && !fields[3].isBlank()) {
            tags = parseTags(fields[3]);
            if (tags == null) {
                return null;
            }
        }
        return new Point(series, time, value, tags);
    }

    /** Why the last {@link #parse} returned null. */
    String problem() {
        return problem;
    }

    private Map<String, String> parseTags(String text) {
        Map<String, String> tags = new HashMap<>();
        for (String entry : text.split(";", -1)) {
            if (entry.isBlank()) {
                continue; // "a=1;" or "a=1;;b=2": empty entries carry nothing
            }
            int eq = entry.indexOf('=');
            if (eq < 0) {
                problem = "tag '" + entry.trim() + "' has no '=' (tags are k=v;k2=v2)";
                return null;
            }
            String key = decode(entry.substring(0, eq).trim());
            if (tags.put(key, decode(entry.substring(eq + 1).trim())) != null) {
                problem = "tag '" + key + "' appears twice";
                return null;
            }
        }
        return tags;
    }

    private Point fail(String why) {
        problem = why;
        return null;
    }

    private static boolean isWholeNumber(String s) {
        int start = s.startsWith("-") ? 1 : 0;
        if (s.length() == start) {
            return false;
        }
        for (int i = start; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** Appends {@code point} as one line, without the line break. */
    static void append(StringBuilder out, Point point) {
        out.append(point.timestamp()).append(',');
        encode(out, point.series());
        out.append(',').append(point.value());
        Map<String, String> tags = point.tags();
        if (!tags.isEmpty()) {
            String[] keys = tags.keySet().toArray(new String[0]);
            Arrays.sort(keys); // stable output: the same point is always the same line
            out.append(',');
            for (int i = 0; i < keys.length; i++) {
                if (i > 0) {
                    out.append(';');
                }
                encode(out, keys[i]);
                out.append('=');
                encode(out, tags.get(keys[i]));
            }
        }
    }

    /** {@code text} with the characters that would break the format written as {@code %XX}. */
    static void encode(StringBuilder out, String text) {
        int last = text.length() - 1;
        for (int i = 0; i <= last; i++) {
            char c = text.charAt(i);
            boolean edgeSpace = c == ' ' && (i == 0 || i == last);
            if (c == '%' || c == ',' || c == ';' || c == '=' || c < 0x20 || c == 0x7F || edgeSpace) {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xF]);
            } else {
                out.append(c);
            }
        }
    }

    /** Undoes {@link #encode}: {@code %XX} with an ASCII code becomes that character; any other {@code %} stays. */
    static String decode(String text) {
        int pct = text.indexOf('%');
        if (pct < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        out.append(text, 0, pct);
        for (int i = pct; i < text.length(); i++) {
            char c = text.charAt(i);
            int high = c == '%' && i + 2 < text.length() ? hex(text.charAt(i + 1)) : -1;
            int low = high >= 0 ? hex(text.charAt(i + 2)) : -1;
            if (high >= 0 && high < 8 && low >= 0) {
                out.append((char) (high << 4 | low));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }
}
