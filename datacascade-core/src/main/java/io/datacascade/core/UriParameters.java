package io.datacascade.core;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Typed access to a connector URI's query parameters for {@link ConnectorProvider} authors, with
 * errors that name the URI, the parameter and the bad value; unknown parameters are rejected so
 * typos don't pass silently.
 *
 * <pre>{@code
 * UriParameters params = UriParameters.of(uri, Set.of("rate", "seed"));
 * long rate = params.longValue("rate", 1000, 0);
 * }</pre>
 */
public final class UriParameters {
    private final URI uri;
    private final Map<String, String> values = new LinkedHashMap<>();

    private UriParameters(URI uri, Set<String> allowed, Predicate<String> alsoAllowed) {
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
                if (!allowed.contains(key) && !alsoAllowed.test(key)) {
                    throw new IllegalArgumentException("unknown parameter '" + key + "' in '" + uri + "'; allowed: "
                            + new java.util.TreeSet<>(allowed));
                }
                values.put(key, value);
            }
        }
    }

    /**
     * The query parameters of {@code uri}, which may only be among {@code allowed}.
     *
     * @throws IllegalArgumentException naming the first parameter not allowed, and the allowed ones
     */
    public static UriParameters of(URI uri, Set<String> allowed) {
        return new UriParameters(uri, Set.copyOf(allowed), key -> false);
    }

    /**
     * Like {@link #of(URI, Set)}, also allowing every parameter {@code alsoAllowed} accepts: a
     * Kafka connector passes any dotted name through as a client setting, say.
     */
    public static UriParameters of(URI uri, Set<String> allowed, Predicate<String> alsoAllowed) {
        return new UriParameters(uri, Set.copyOf(allowed), alsoAllowed);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** Every parameter given, in URI order, decoded. */
    public Map<String, String> asMap() {
        return java.util.Collections.unmodifiableMap(values);
    }

    /** The parameter's decoded value, or {@code fallback} when absent. */
    public String string(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    /**
     * The parameter as a whole number of at least {@code min}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if it is not a whole number or below {@code min}
     */
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

    /**
     * The parameter as a finite number of at least {@code min}, or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException if it is not such a number
     */
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

    /**
     * The parameter as a constant of {@code type}, matched ignoring case, {@code -} and
     * {@code _} ({@code random-walk} is {@code RANDOM_WALK}), or {@code fallback} when absent.
     *
     * @throws IllegalArgumentException listing the accepted names if none matches
     */
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
