package io.datacascade.core.alert;

import io.datacascade.core.internal.alert.RangeStats;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * The number a built-in rule compares with its threshold: the point's value, an aggregate over a
 * trailing range of the series (as Prometheus' {@code avg_over_time(x[1m])}), or its rate of
 * change per second. Turn it into a condition with {@link #above} or {@link #below}.
 *
 * <pre>{@code
 * Signal.value().above(90).resolveAt(80)             // fire above 90, resolve only below 80
 * Signal.aggregate("avg", Duration.ofMinutes(1)).above(75)
 * Signal.rate(Duration.ofSeconds(30)).above(2)       // rising faster than 2 units per second
 * }</pre>
 *
 * <p>Ranges follow event time: a range of one minute holds the series' points whose timestamps
 * lie within the minute up to its newest point. A point older than the series' newest one is left
 * out of range signals (the {@code value} signal still sees it): a range describes the series as it
 * stands. Put a window stage with some out-of-orderness first if the data arrives shuffled.
 */
public final class Signal {
    /** What is measured. */
    public enum Kind {
        /** Each point's value. */
        VALUE,
        /** Number of points in the range. */
        COUNT,
        /** Sum over the range. */
        SUM,
        /** Smallest value in the range. */
        MIN,
        /** Largest value in the range. */
        MAX,
        /** Mean over the range. */
        AVG,
        /** Change per second between the oldest and newest point in the range (between consecutive points for a zero range). */
        RATE
    }

    private static final Signal VALUE = new Signal(Kind.VALUE, 0);

    private final Kind kind;
    private final long rangeMillis;

    private Signal(Kind kind, long rangeMillis) {
        this.kind = kind;
        this.rangeMillis = rangeMillis;
    }

    /** Each point's own value. */
    public static Signal value() {
        return VALUE;
    }

    /**
     * An aggregate over the trailing {@code range} of the series: {@code avg}, {@code min},
     * {@code max}, {@code sum} or {@code count}.
     *
     * @throws IllegalArgumentException if the aggregate is unknown or the range is below 1 ms
     */
    public static Signal aggregate(String aggregate, Duration range) {
        Objects.requireNonNull(aggregate, "aggregate can't be null");
        Kind k;
        try {
            k = Kind.valueOf(aggregate.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            k = null;
        }
        if (k == null || k == Kind.VALUE || k == Kind.RATE) {
            throw new IllegalArgumentException("aggregate must be one of avg, min, max, sum, count, was '" + aggregate + "'");
        }
        return new Signal(k, positive(range, "range"));
    }

    /**
     * The rate of change per second over the trailing {@code range}, or between consecutive points
     * for {@link Duration#ZERO}: a rising temperature, a counter's throughput.
     *
     * @throws IllegalArgumentException if {@code range} is negative
     */
    public static Signal rate(Duration range) {
        Objects.requireNonNull(range, "range can't be null");
        if (range.isNegative()) {
            throw new IllegalArgumentException("range must not be negative, was " + range);
        }
        return new Signal(Kind.RATE, range.toMillis());
    }

    /** Holds while the signal is above {@code level}. */
    public Threshold above(double level) {
        return new Threshold(this, true, requireFinite(level, "level"), level);
    }

    /** Holds while the signal is below {@code level}. */
    public Threshold below(double level) {
        return new Threshold(this, false, requireFinite(level, "level"), level);
    }

    /** What is measured. */
    public Kind kind() {
        return kind;
    }

    /** The trailing range in milliseconds (0 for {@link Kind#VALUE}). */
    public long rangeMillis() {
        return rangeMillis;
    }

    /** Per-series state for this signal, or null for the stateless point value. */
    RangeStats newState() {
        return kind == Kind.VALUE ? null : new RangeStats(rangeMillis, kind == Kind.MIN, kind == Kind.MAX);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case VALUE -> "value";
            case RATE -> "rate(" + (rangeMillis == 0 ? "consecutive" : Threshold.duration(rangeMillis)) + ")";
            default -> kind.name().toLowerCase(Locale.ROOT) + "(" + Threshold.duration(rangeMillis) + ")";
        };
    }

    static double requireFinite(double v, String name) {
        if (!Double.isFinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number, was " + v);
        }
        return v;
    }

    private static long positive(Duration d, String name) {
        Objects.requireNonNull(d, name + " can't be null");
        if (d.isNegative() || d.toMillis() < 1) {
            throw new IllegalArgumentException(name + " must be at least 1 ms, was " + d);
        }
        return d.toMillis();
    }
}
