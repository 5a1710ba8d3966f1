package io.datacascade.core.internal.connect;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to a connector URI's query parameters, with errors that name the URI, the
 * parameter and the bad value; unknown parameters are rejected so typos don't pass silently.
 */
public final class UriParams {
    private final URI uri;
    private final Map<String, String> values = new LinkedHashMap<>();

    public UriParams(URI uri, Set<String> allowed) {
        this.uri = uri;
        String query = uri.getRawQuery();
        if (query != null && !query.isEmpty()) {
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (!allowed.contains(key)) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in '" + uri + "'; allowed: "
                            + new java.util.TreeSet<>(allowed));
                }
                values.put(key, value);
            }
        }
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public long longValue(String key, long fallback, long min) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        long parsed;
        try {
            parsed = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "a whole number");
        }
        if (parsed < min) {
            throw bad(key, v, "at least " + min);
        }
        return parsed;
    }

    public double doubleValue(String key, double fallback, double min) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        double parsed;
        try {
            parsed = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw bad(key, v, "a number");
        }
        if (!(parsed >= min) || Double.isInfinite(parsed)) {
            throw bad(key, v, "a finite number >= " + min);
        }
        return parsed;
    }

    public <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        String v = values.get(key);
        if (v == null) {
            return fallback;
        }
        String normal = v.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().replace("_", "").equals(normal.replace("_", ""))) {
                return e;
            }
        }
        java.util.List<String> names = new java.util.ArrayList<>();
        for (E e : type.getEnumConstants()) {
            names.add(e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
        }
        throw bad(key, v, "one of " + names);
    }

    private IllegalArgumentException bad(String key, String value, String expected) {
        return new IllegalArgumentException("parameter '" + key + "' in '" + uri + "' must be " + expected + ", was '"
                + value + "'");
    }
}
