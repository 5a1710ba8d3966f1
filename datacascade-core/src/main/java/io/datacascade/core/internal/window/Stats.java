package io.datacascade.core.internal.window;

import io.datacascade.core.Point;
import io.datacascade.core.window.Aggregator;
import java.util.Locale;

/**
 * The running figures every built-in aggregate is read from: one per window, updated with plain
 * field writes, so a window with avg, min and max costs one object and no boxing.
 */
public final class Stats {
    long count;
    double sum;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double first;
    long firstTime = Long.MAX_VALUE;
    double last;
    long lastTime = Long.MIN_VALUE;

    /** Adds one value at {@code time}. */
    public void add(long time, double value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (time < firstTime) {
            firstTime = time;
            first = value;
        }
        if (time >= lastTime) {
            lastTime = time;
            last = value;
        }
    }

    /** Adds everything {@code other} saw (session windows merging). */
    public void merge(Stats other) {
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        if (other.firstTime < firstTime) {
            firstTime = other.firstTime;
            first = other.first;
        }
        if (other.lastTime > lastTime) {
            lastTime = other.lastTime;
            last = other.last;
        }
    }

    /** The built-in aggregates, each a view of {@link Stats}. */
    public enum Kind {
        COUNT, SUM, MIN, MAX, AVG, FIRST, LAST;

        private final BuiltIn aggregator = new BuiltIn(this);
        private final String label = name().toLowerCase(Locale.ROOT);

        /** The shared aggregator instance of this kind. */
        public BuiltIn aggregator() {
            return aggregator;
        }

        /** This aggregate of {@code s}. */
        public double of(Stats s) {
            return switch (this) {
                case COUNT -> s.count;
                case SUM -> s.sum;
                case MIN -> s.min;
                case MAX -> s.max;
                case AVG -> s.sum / s.count;
                case FIRST -> s.first;
                case LAST -> s.last;
            };
        }

        /** The lower-case name, as in series suffixes and rule files. */
        public String label() {
            return label;
        }

        /**
         * The kind called {@code name}, case-insensitive.
         *
         * @throws IllegalArgumentException naming the known ones if there is none
         */
        public static Kind named(String name) {
            for (Kind k : values()) {
                if (k.label.equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown aggregate '" + name + "': use one of count, sum, min, max, avg, first, last");
        }

        /** A built-in as an {@link Aggregator}; the window stage reads all built-ins from one shared {@link Stats}. */
        public static final class BuiltIn implements Aggregator<Stats> {
            private final Kind kind;

            private BuiltIn(Kind kind) {
                this.kind = kind;
            }

            /** Which figure this aggregator reads. */
            public Kind kind() {
                return kind;
            }

            @Override
            public String name() {
                return kind.label;
            }

            @Override
            public Stats create() {
                return new Stats();
            }

            @Override
            public Stats add(Stats accumulator, Point point) {
                accumulator.add(point.timestamp(), point.value());
                return accumulator;
            }

            @Override
            public double result(Stats accumulator) {
                return kind.of(accumulator);
            }

            @Override
            public Stats merge(Stats first, Stats second) {
                first.merge(second);
                return first;
            }

            @Override
            public String toString() {
                return kind.label;
            }
        }
    }
}
