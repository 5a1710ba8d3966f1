package io.datacascade.core;

import java.util.Map;
import java.util.Objects;

/**
 * One sample of a time series: the built-in record type of DataCascade.
 *
 * <p>A point is immutable and safe to share between threads and sinks. The same
 * {@code (series, timestamp)} identifies the same sample everywhere: sinks keyed by it (DynamoDB,
 * the chart) overwrite rather than duplicate on replay.
 *
 * @param series    the series name, for example {@code "cpu.load"}; never empty
 * @param timestamp event time in epoch milliseconds
 * @param value     the sample value; may be NaN or infinite here, validation decides
 * @param tags      extra dimensions such as {@code host=a}; never null, unmodifiable
 */
public record Point(String series, long timestamp, double value, Map<String, String> tags) {

    /**
     * Creates a point.
     *
     * @throws NullPointerException     if {@code series} or {@code tags} is null
     * @throws IllegalArgumentException if {@code series} is empty
     */
    public Point {
        Objects.requireNonNull(series, "series can't be null");
        Objects.requireNonNull(tags, "tags can't be null (use Map.of())");
        if (series.isEmpty()) {
            throw new IllegalArgumentException("series can't be empty");
        }
        tags = Map.copyOf(tags);
    }

    /** A point without tags. */
    public static Point of(String series, long timestamp, double value) {
        return new Point(series, timestamp, value, Map.of());
    }

    /** This point with {@code value} replaced. */
    public Point withValue(double newValue) {
        return new Point(series, timestamp, newValue, tags);
    }

    /** This point with one tag added or replaced. */
    public Point withTag(String key, String tagValue) {
        Objects.requireNonNull(key, "tag key can't be null");
        Objects.requireNonNull(tagValue, "tag value can't be null");
        java.util.HashMap<String, String> copy = new java.util.HashMap<>(tags);
        copy.put(key, tagValue);
        return new Point(series, timestamp, value, copy);
    }
}
