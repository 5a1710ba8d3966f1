package io.datacascade.core.window;

import io.datacascade.core.internal.window.Stats;

/**
 * The built-in aggregates. They share one small set of running figures per window (count, sum,
 * min, max, first, last), so asking for several of them costs little more than one.
 *
 * <p>Over an empty set nothing is emitted (a window only exists once a point arrived); {@code min},
 * {@code max}, {@code avg}, {@code first} and {@code last} of NaN values follow Java's
 * {@code Math.min}/{@code max} and IEEE arithmetic: filter NaN out before the window if it may occur.
 */
public final class Aggregators {
    private Aggregators() {
    }

    /** Number of points in the window. */
    public static Aggregator<?> count() {
        return Stats.Kind.COUNT.aggregator();
    }

    /** Sum of the values. */
    public static Aggregator<?> sum() {
        return Stats.Kind.SUM.aggregator();
    }

    /** Smallest value. */
    public static Aggregator<?> min() {
        return Stats.Kind.MIN.aggregator();
    }

    /** Largest value. */
    public static Aggregator<?> max() {
        return Stats.Kind.MAX.aggregator();
    }

    /** Arithmetic mean of the values. */
    public static Aggregator<?> avg() {
        return Stats.Kind.AVG.aggregator();
    }

    /** Value of the point with the earliest timestamp (the first to arrive among equal timestamps). */
    public static Aggregator<?> first() {
        return Stats.Kind.FIRST.aggregator();
    }

    /** Value of the point with the latest timestamp (the last to arrive among equal timestamps). */
    public static Aggregator<?> last() {
        return Stats.Kind.LAST.aggregator();
    }

    /**
     * The built-in aggregate called {@code name} ({@code count}, {@code sum}, {@code min},
     * {@code max}, {@code avg}, {@code first}, {@code last}), as used in rule files.
     *
     * @throws IllegalArgumentException if there is none by that name
     */
    public static Aggregator<?> named(String name) {
        return Stats.Kind.named(name).aggregator();
    }

}
